// What the handlers add to a page's bundle: a page that starts msw's worker with no handlers, and
// the same page with `createImageHandlers()`, each bundled by the README's esbuild command plus
// `--minify`, from the package as built (tsc) and installed by name. Prints the two sizes and the
// difference, minified and gzipped (level 9), and the modules the handlers bring. `npm run size`.
// test/browser/bundle.test.ts builds the same bundles and keeps server-only code out of them.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * A project that installed the package: a temporary folder whose node_modules holds the build as
 * `openrouter-images-mock` (package.json and dist/, as published) and links to everything else.
 * The caller removes it.
 */
export function installedProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'orim-bundle-'));
  const modules = join(root, 'node_modules');
  const pkg = join(modules, 'openrouter-images-mock');
  mkdirSync(pkg, { recursive: true });
  const own = realpathSync(join(REPO, 'node_modules'));
  for (const name of readdirSync(own))
    if (!name.startsWith('.')) symlinkSync(join(own, name), join(modules, name));
  execFileSync(join(REPO, 'node_modules/.bin/tsc'), [
    '-p',
    join(REPO, 'tsconfig.json'),
    '--outDir',
    join(pkg, 'dist'),
  ]);
  copyFileSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
  return root;
}

/** The esbuild command of README "In the browser" (`npx esbuild <entry> <flags…> --outdir=<dir>`): its flags. */
export function readmeEsbuildFlags(): string[] {
  const lines = readFileSync(join(REPO, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('npx esbuild '));
  const [, , entry, ...words] = (lines[0] ?? '').trim().split(/\s+/);
  if (lines.length !== 1 || !entry?.endsWith('.ts') || !words.some((word) => word.startsWith('--outdir=')))
    throw new Error(
      `README.md: expected one line \`npx esbuild <entry>.ts … --outdir=<dir>\`, found ${lines.length}`,
    );
  return words.filter((word) => !word.startsWith('--outdir='));
}

/** Runs the README's esbuild command in `project` on `entry` (a path in it), writing to `outdir`. */
export function bundleWithReadmeFlags(
  project: string,
  entry: string,
  outdir: string,
  extra: string[] = [],
): void {
  execFileSync(
    join(REPO, 'node_modules/.bin/esbuild'),
    [entry, ...readmeEsbuildFlags(), `--outdir=${outdir}`, '--log-level=error', ...extra],
    { cwd: project },
  );
}

export interface Size {
  minified: number;
  gzip: number;
}

export interface HandlersBundle {
  /** msw's worker alone. */
  base: Size;
  /** The same page with `createImageHandlers()`. */
  handlers: Size;
  /** What the handlers add. */
  added: Size;
  /** Every module of the handlers' bundle that the base lacks, with its minified bytes, largest first. */
  modules: [path: string, bytes: number][];
}

const PAGES = {
  base: `import { setupWorker } from 'msw/browser';\nexport const worker = setupWorker();\n`,
  handlers: `import { setupWorker } from 'msw/browser';\nimport { createImageHandlers } from 'openrouter-images-mock';\nexport const worker = setupWorker(...createImageHandlers());\n`,
};

interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      imports: { path: string; kind: string }[];
      inputs: Record<string, { bytesInOutput: number }>;
    }
  >;
}

/**
 * Bundles the two pages in `project` (see `installedProject`), minified, and compares them. With
 * `--splitting` in `extra`, what a page loads at start: the entry and the chunks it imports
 * statically (the encoders' glue is imported dynamically, on the first JPEG or WebP).
 */
export function measureHandlersBundle(project: string, extra: string[] = []): HandlersBundle {
  const dir = mkdtempSync(join(project, 'size-'));
  const sizes = {} as Record<keyof typeof PAGES, Size & { inputs: Record<string, number> }>;
  for (const [name, code] of Object.entries(PAGES) as [keyof typeof PAGES, string][]) {
    writeFileSync(join(dir, `${name}.ts`), code);
    const out = join(dir, `out-${name}`);
    const metafile = join(dir, `${name}.meta.json`);
    bundleWithReadmeFlags(project, join(dir, `${name}.ts`), out, [
      '--minify',
      `--metafile=${metafile}`,
      ...extra,
    ]);
    const { outputs } = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
    const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint?.endsWith(`${name}.ts`));
    // The entry, then every chunk it loads before it runs.
    const loaded = new Set<string>();
    const load = (path: string) => {
      if (loaded.has(path) || !outputs[path]) return;
      loaded.add(path);
      for (const chunk of outputs[path].imports) if (chunk.kind === 'import-statement') load(chunk.path);
    };
    load(entry ?? '');
    const js = Buffer.concat([...loaded].map((path) => readFileSync(join(project, path))));
    sizes[name] = {
      minified: js.byteLength,
      gzip: gzipSync(js, { level: 9 }).byteLength,
      inputs: Object.fromEntries(
        [...loaded].flatMap((path) =>
          Object.entries(outputs[path]?.inputs ?? {}).map(([input, { bytesInOutput }]) => [
            input,
            bytesInOutput,
          ]),
        ),
      ),
    };
  }
  const { base, handlers } = sizes;
  return {
    base: { minified: base.minified, gzip: base.gzip },
    handlers: { minified: handlers.minified, gzip: handlers.gzip },
    added: { minified: handlers.minified - base.minified, gzip: handlers.gzip - base.gzip },
    modules: Object.entries(handlers.inputs)
      .filter(([path, bytes]) => !(path in base.inputs) && bytes > 0)
      .map(([path, bytes]): [string, number] => [path.replace(/^.*node_modules\//, ''), bytes])
      .sort((a, b) => b[1] - a[1]),
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

if (import.meta.main) {
  const project = installedProject();
  try {
    const { base, handlers, added, modules } = measureHandlersBundle(project);
    const split = measureHandlersBundle(project, ['--splitting']);
    console.log(`esbuild ${readmeEsbuildFlags().join(' ')} --minify`);
    console.log(`${''.padEnd(27)} ${'minified'.padStart(12)} ${'gzip'.padStart(10)}`);
    for (const [label, size] of [
      ['msw worker alone', base],
      ['with the handlers', handlers],
      ['the handlers add', added],
      ['added at start, --splitting', split.added],
    ] as const)
      console.log(`${label.padEnd(27)} ${kB(size.minified).padStart(12)} ${kB(size.gzip).padStart(10)}`);
    console.log('\nlargest modules the handlers add (minified):');
    for (const [path, bytes] of modules.slice(0, 15)) console.log(`${kB(bytes).padStart(10)}  ${path}`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
