// The README's Layout lists src/ folders as the pipeline, each importing only from those above it.
// This reads that list and every import in src/, so the promise and the code cannot drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
/** Files at the root of src/ that any folder may import (the message helper, the Node check). */
const SHARED = new Set(['message.ts', 'node-version.ts', 'require-node.ts']);
/** The package's entries: they import folders; nothing imports them. */
const ENTRIES = new Set(['index.ts', 'checks.ts']);

function layoutOrder(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = section.slice(section.indexOf('```'), section.indexOf('```', section.indexOf('```') + 3));
  return [...block.matchAll(/^src\/([a-z-]+)\//gm)].map((match) => match[1] as string);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(test|test-d|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Relative specifiers a module imports: static, side-effect, re-export and dynamic. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found = text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm);
  return [...found].map((match) => match[1] as string);
}

/** `core` for src/core/…, the file name for a file at the root of src/. */
const placeOf = (path: string) => relative(src, path).split('/')[0] as string;

describe('the layout', () => {
  const order = layoutOrder();
  const files = sources(src);

  it('the README lists every folder of src/', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect([...order].sort()).toEqual(folders);
  });

  it('no import runs upward, nothing imports an entry, and the root helpers import no folder', () => {
    const wrong: string[] = [];
    let seen = 0;
    for (const file of files) {
      const from = placeOf(file);
      for (const specifier of importsOf(file)) {
        const to = placeOf(resolve(dirname(file), specifier));
        seen++;
        if (to === from || to.startsWith('..')) continue;
        const what = `${relative(src, file)} imports ${specifier}`;
        if (ENTRIES.has(to)) wrong.push(`${what}: an entry`);
        else if (SHARED.has(to)) continue;
        else if (SHARED.has(from)) wrong.push(`${what}: a root helper importing a folder`);
        else if (!ENTRIES.has(from) && order.indexOf(to) > order.indexOf(from))
          wrong.push(`${what}: ${to} is below ${from} in the README's layout`);
      }
    }
    expect(seen).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  });
});
