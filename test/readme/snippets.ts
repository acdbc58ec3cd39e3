import { readFileSync } from 'node:fs';

/** How a README snippet is run. */
export type SnippetKind =
  /** A vitest test file. */
  | 'vitest'
  /** A `node:test` file, run with `node --test`. */
  | 'node-test'
  /** A jest test file: run by the packaging test, where jest meets the built package. */
  | 'jest'
  /** A page's module under msw's service worker: bundled (imports checked), not run. */
  | 'browser'
  /** A script run with node, against a live server where it names one. */
  | 'script'
  | 'python'
  /** Shell lines that call the server with curl. */
  | 'curl'
  /** Other shell lines (installs, CI commands): their CLI flags are checked against --help. */
  | 'command'
  /** Data shown for reading: JSON, YAML, XML, the layout. */
  | 'data';

export interface Snippet {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  lang: string;
  code: string;
  kind: SnippetKind;
}

export const README = new URL('../../README.md', import.meta.url);

function kindOf(lang: string, code: string): SnippetKind {
  if (['ts', 'typescript', 'js', 'javascript', 'mjs'].includes(lang)) {
    if (/from 'msw\/browser'/.test(code)) return 'browser';
    if (/from '@jest\/globals'/.test(code)) return 'jest';
    if (/from 'node:test'/.test(code)) return 'node-test';
    if (/from 'vitest'/.test(code)) return 'vitest';
    return 'script';
  }
  if (lang === 'python' || lang === 'py') return 'python';
  if (['sh', 'bash', 'shell', 'console'].includes(lang)) return /^\s*curl /m.test(code) ? 'curl' : 'command';
  return 'data';
}

/** Every fenced code block of the README, in order, with how it is run. */
export function readmeSnippets(text = readFileSync(README, 'utf8')): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i] ?? '')) body.push(lines[i] ?? '');
    const lang = (open[1] ?? '').toLowerCase();
    const code = `${body.join('\n')}\n`;
    snippets.push({ line: start + 1, lang, code, kind: kindOf(lang, code) });
  }
  return snippets;
}

/** The file name a snippet is written to: what its first comment names, or one from its line. */
export function snippetFile(snippet: Snippet): string {
  const named = /^\/\/ ([\w.-]+\.(?:[cm]?[jt]s)):/.exec(snippet.code)?.[1];
  if (named) return named;
  const ext =
    { python: 'py', curl: 'sh', command: 'sh' }[snippet.kind as string] ??
    (snippet.lang === 'js' ? 'mjs' : 'ts');
  return `readme-${snippet.line}.${ext}`;
}
