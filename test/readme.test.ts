// The README is part of the product: every snippet it shows runs here as shown, and what it
// lists is what exists.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_HELP } from '../src/cli/catalog.ts';
import { DIFF_HELP } from '../src/cli/diff.ts';
import { SERVE_HELP } from '../src/cli/serve.ts';
import { VALIDATE_HELP } from '../src/cli/validate.ts';
import { VERIFY_HELP } from '../src/cli/verify.ts';
import { ERROR_SCENARIOS, FAULT_SCENARIOS } from '../src/scenarios/catalog.ts';
import { type MockServer, startMockServer } from '../src/server/index.ts';
import { readmeSnippets, type Snippet, snippetFile } from './readme/snippets.ts';
import { type RunResult, runProcess } from './run-process.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = readmeSnippets(readme);
const where = (s: Snippet) => `README.md:${s.line}`;

/** Whether a command runs here (`python3 -c 'import x'`, `curl --version`). */
function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The Python modules a snippet imports that this machine lacks (PyPI is not reachable here). */
function missingPythonModules(code: string): string[] {
  const modules = [...code.matchAll(/^(?:import ([\w, ]+)|from (\w+) import)/gm)].flatMap((m) =>
    (m[1] ?? m[2] ?? '').split(',').map((name) => name.trim()),
  );
  return modules.filter((name) => name && !available('python3', ['-c', `import ${name}`]));
}

// Snippets run from a folder inside the project, as from a user's project with the package
// installed: `openrouter-images-mock` is a package there whose exports point at the sources, and
// everything else (vitest, msw, the SDK) resolves from this project's node_modules.
let root = '';
let server: MockServer;

beforeAll(async () => {
  const parent = join(REPO, '.readme-snippets');
  mkdirSync(parent, { recursive: true });
  root = mkdtempSync(join(parent, 'run-'));
  // No "type": a user's project may have none; Node tells ESM from the syntax.
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'readme-snippets', private: true }));
  const pkg = join(root, 'node_modules', 'openrouter-images-mock');
  mkdirSync(pkg, { recursive: true });
  symlinkSync(join(REPO, 'src'), join(pkg, 'src'), 'dir');
  const exports = Object.fromEntries(
    ['', '/vitest', '/testing', '/server'].map((entry) => [`.${entry}`, `./src${entry || ''}/index.ts`]),
  );
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'openrouter-images-mock', type: 'module', exports }),
  );
  server = await startMockServer({ port: 0, log: false });
});

afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  try {
    rmdirSync(join(REPO, '.readme-snippets'));
  } catch {
    // Another run is still using it.
  }
});

/** Writes a snippet into its own folder (servers' port rewritten) and returns the file's path. */
function place(snippet: Snippet): { dir: string; file: string } {
  const dir = join(root, `line-${snippet.line}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, snippetFile(snippet));
  const port = new URL(server.baseUrl).port;
  writeFileSync(file, snippet.code.replace(/(?:127\.0\.0\.1|localhost):4010\b/g, `127.0.0.1:${port}`));
  return { dir, file };
}

function expectOk(result: RunResult, snippet: Snippet) {
  expect(result.code, `${where(snippet)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toBe(
    0,
  );
}

/** Images a snippet wrote are real PNGs. */
function expectPngs(dir: string) {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.png'))) {
    expect(readFileSync(join(dir, name)).subarray(1, 4).toString(), name).toBe('PNG');
  }
}

/** Runs a snippet against the live server, after emptying its journal. */
async function runAgainstServer(snippet: Snippet, command: string, args: (file: string) => string[]) {
  await fetch(new URL('/__mock/requests', server.baseUrl), { method: 'DELETE' }).then((r) => r.text());
  const { dir, file } = place(snippet);
  expectOk(await runProcess(command, args(file), { cwd: dir, timeoutMs: 60_000 }), snippet);
  expectPngs(dir);
}

// Every vitest snippet in one vitest run (one start-up), each judged by its own file's result.
let vitestRun: Promise<{ results: VitestFileResult[]; output: string }> | undefined;
interface VitestFileResult {
  name: string;
  status: string;
  assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
}

function runVitestSnippets() {
  vitestRun ??= (async () => {
    const files = snippets.filter((s) => s.kind === 'vitest').map((s) => place(s).file);
    writeFileSync(
      join(root, 'vitest.config.mjs'),
      `export default { test: { include: ${JSON.stringify(files)}, testTimeout: 20000 } };\n`,
    );
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
    );
    const result = await runProcess(
      process.execPath,
      [
        join(REPO, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--root',
        root,
        '--config',
        join(root, 'vitest.config.mjs'),
        '--reporter=json',
        `--outputFile=${join(root, 'vitest.json')}`,
      ],
      { cwd: root, env, timeoutMs: 120_000 },
    );
    let results: VitestFileResult[] = [];
    try {
      results = (
        JSON.parse(readFileSync(join(root, 'vitest.json'), 'utf8')) as { testResults: VitestFileResult[] }
      ).testResults;
    } catch {
      // No report: the output below says why.
    }
    return { results, output: `${result.stdout}\n${result.stderr}` };
  })();
  return vitestRun;
}

const PYTHON = available('python3', ['--version']);
const CURL = available('curl', ['--version']);
const JQ = available('jq', ['--version']);

describe('README snippets run as shown', () => {
  it('has snippets of each kind it promises', () => {
    const kinds = new Set(snippets.map((s) => s.kind));
    for (const kind of ['vitest', 'node-test', 'jest', 'browser', 'script', 'python', 'curl'] as const)
      expect(kinds, kind).toContain(kind);
  });

  for (const snippet of snippets) {
    const name = `${snippet.kind}: ${snippetFile(snippet)} (${where(snippet)})`;
    switch (snippet.kind) {
      case 'vitest':
        it(name, async () => {
          const { results, output } = await runVitestSnippets();
          const file = results.find((r) =>
            r.name.endsWith(join(`line-${snippet.line}`, snippetFile(snippet))),
          );
          expect(file, `no result for ${where(snippet)}:\n${output}`).toBeDefined();
          const failures = file?.assertionResults
            .filter((a) => a.status !== 'passed')
            .map((a) => `${a.fullName}: ${a.failureMessages.join('\n')}`);
          expect(failures, output).toEqual([]);
          expect(file?.status).toBe('passed');
          expect(file?.assertionResults.length).toBeGreaterThan(0);
        }, 120_000);
        break;
      case 'node-test':
        it(name, async () => {
          const { dir, file } = place(snippet);
          expectOk(
            await runProcess(process.execPath, ['--test', file], { cwd: dir, timeoutMs: 60_000 }),
            snippet,
          );
        }, 60_000);
        break;
      case 'jest':
        // jest cannot load TypeScript sources without a transform: it runs against the built,
        // packed package in test/package/pack.test.ts.
        it.skip(`${name}: run by test/package/pack.test.ts against the packed package`, () => {});
        break;
      case 'browser':
        it(name, async () => {
          // Bundled as a page would be: every import resolves and every imported name exists.
          // (Running it needs Chromium: test/browser/worker.test.ts runs the same handlers there.)
          const { dir, file } = place(snippet);
          const { build } = await import('vite');
          await build({
            configFile: false,
            root: dir,
            logLevel: 'silent',
            build: { write: false, target: 'es2022', rollupOptions: { input: file } },
          });
        }, 60_000);
        break;
      case 'script':
        it(name, () => runAgainstServer(snippet, process.execPath, (file) => [file]), 60_000);
        break;
      case 'python': {
        const missing = PYTHON ? missingPythonModules(snippet.code) : [];
        const skip = !PYTHON ? 'no python3' : missing.length ? `python3 lacks ${missing.join(', ')}` : '';
        it.skipIf(skip)(
          skip ? `${name}: skipped, ${skip}` : name,
          () => runAgainstServer(snippet, 'python3', (file) => [file]),
          60_000,
        );
        break;
      }
      case 'curl': {
        const skip = !CURL ? 'no curl' : /\bjq\b/.test(snippet.code) && !JQ ? 'no jq' : '';
        it.skipIf(skip)(
          skip ? `${name}: skipped, ${skip}` : name,
          () => runAgainstServer(snippet, 'bash', (file) => ['-e', '-o', 'pipefail', file]),
          60_000,
        );
        break;
      }
      default:
        // Commands and data: checked below, not run.
        break;
    }
  }

  it('every openrouter-images-mock command shown uses a command and options its --help lists', () => {
    const help: Record<string, string> = {
      serve: SERVE_HELP,
      validate: VALIDATE_HELP,
      verify: VERIFY_HELP,
      diff: DIFF_HELP,
      catalog: CATALOG_HELP,
    };
    const commands = snippets.flatMap((s) =>
      s.code
        .split('\n')
        .filter((line) => /\bnpx openrouter-images-mock \w/.test(line) && !line.trimStart().startsWith('//'))
        .map((line) => ({ s, line })),
    );
    expect(commands.length).toBeGreaterThan(5);
    for (const { s, line } of commands) {
      for (const [, command, rest = ''] of line.matchAll(/\bnpx openrouter-images-mock (\w+)([^|&;#]*)/g)) {
        const text = help[command ?? ''];
        expect(text, `${where(s)}: unknown command in "${line}"`).toBeDefined();
        for (const [flag] of rest.matchAll(/(?<=\s)--[\w-]+/g))
          expect(text, `${where(s)}: ${command} has no ${flag}`).toMatch(new RegExp(`\\s${flag}[\\s,=]`));
      }
    }
  });
});

describe('README', () => {
  it('lists every scenario of the catalog in its table, and no other', () => {
    const table = readme.slice(readme.indexOf('| scenario | `Prefer` header |'));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` \| `scenario=/gm)].map((m) => m[1]);
    expect(rows).toEqual([...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)]);
    for (const [name, scenario] of Object.entries(ERROR_SCENARIOS)) {
      expect(table).toContain(`| \`${name}\` | \`scenario=${name}\``);
      expect(table).toContain(scenario.message);
    }
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npx openrouter-images-mock serve');
    expect(readme).toContain('npm ci && npm test');
  });
});
