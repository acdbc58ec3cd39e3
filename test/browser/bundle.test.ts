// The package as a browser user bundles it: built, installed by name, bundled with esbuild (the
// README's command, run as written) and with Vite (no options), served under a
// Content-Security-Policy without 'unsafe-eval', run under setupWorker in Chromium. Every format
// decodes, a stream completes, nothing needs eval, nothing is copied by hand. Skipped where no
// Chromium is installed. And what the handlers add to a page's bundle (`npm run size`): no
// server-only code, within a budget.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build as vite } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWithReadmeFlags, installedProject, measureHandlersBundle } from '../../scripts/bundle-size.ts';
import { CHROMIUM, launchChromium } from './chromium.ts';

const CSP = "script-src 'self' 'wasm-unsafe-eval'";
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};
/** The encoders' files, as a bundler names what it emits (`mozjpeg_enc-<hash>.wasm`). */
const WASM = [/^mozjpeg_enc\b.*\.wasm$/, /^webp_enc\b.*\.wasm$/, /^webp_enc_simd\b.*\.wasm$/];

/** Whether `dir` holds each encoder's file, however the bundler named it. */
const emitted = (dir: string) =>
  WASM.map((name) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((file) =>
      name.test(file.split('/').pop() ?? ''),
    ),
  );

/** What the handlers may add to a page's bundle, gzipped: today's size and some room. */
const BUDGET_GZIP = 75_000;

/** The installed build, shared by every test here. */
let project = '';

beforeAll(() => {
  project = installedProject();
  mkdirSync(join(project, 'app'));
  copyFileSync(fileURLToPath(new URL('./bundle-page.ts', import.meta.url)), join(project, 'app/page.ts'));
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const page = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="${script}"></script></body></html>`;

/** The JavaScript a bundle emitted, all files. */
function scripts(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js') && !file.endsWith('mockServiceWorker.js'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
    if (!path.startsWith(dir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
    });
    res.end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!CHROMIUM)('a browser bundle of the package', () => {
  let browser: Browser;
  const servers: Server[] = [];
  const worker = () => fileURLToPath(import.meta.resolve('msw/mockServiceWorker.js'));

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
  });

  async function runIn(dir: string) {
    copyFileSync(worker(), join(dir, 'mockServiceWorker.js'));
    const server = await serve(dir);
    servers.push(server);
    const tab = await browser.newPage();
    const console: string[] = [];
    tab.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
    tab.on('pageerror', (error) => console.push(`pageerror: ${error.name}: ${error.message}`));
    await tab.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await tab
      .waitForFunction(() => window.__result !== undefined || window.__error !== undefined, undefined, {
        timeout: 60_000,
      })
      .catch(() => {});
    const outcome = await tab.evaluate(() => ({ result: window.__result, error: window.__error }));
    await tab.close();
    return { ...outcome, console };
  }

  const expected = {
    error: undefined,
    result: {
      evalBlocked: true,
      formats: {
        png: { status: 200, mediaType: 'image/png', size: [1024, 1024] },
        jpeg: { status: 200, mediaType: 'image/jpeg', size: [1024, 1024] },
        webp: { status: 200, mediaType: 'image/webp', size: [1024, 1024] },
        svg: { status: 200, mediaType: 'image/svg+xml', size: [1024, 1024] },
      },
      stream: {
        types: [
          'image_generation.partial_image',
          'image_generation.partial_image',
          'image_generation.completed',
        ],
        done: true,
        size: [1024, 1024],
      },
    },
  };
  const noEval = (console: string[]) =>
    console.filter((line) => /EvalError|unsafe-eval|Content.Security.Policy/i.test(line));

  it("works bundled by the README's esbuild command, with nothing copied", async () => {
    const out = join(project, 'esbuild');
    bundleWithReadmeFlags(project, 'app/page.ts', out);
    writeFileSync(join(out, 'index.html'), page('/page.js'));
    expect(scripts(out)).not.toMatch(/createRequire|node:fs/); // the Node loader was swapped out
    expect(emitted(out)).toEqual([true, true, true]);
    const outcome = await runIn(out);
    expect({ ...outcome, console: noEval(outcome.console) }).toMatchObject({ ...expected, console: [] });
  }, 120_000);

  it('works bundled by Vite', async () => {
    writeFileSync(join(project, 'app/index.html'), page('./page.ts'));
    const out = join(project, 'vite');
    await vite({
      configFile: false,
      root: join(project, 'app'),
      logLevel: 'error',
      build: { outDir: out, emptyOutDir: true, target: 'es2022' },
    });
    expect(scripts(out)).not.toMatch(/createRequire|node:fs/); // the Node loader was swapped out
    expect(emitted(out)).toEqual([true, true, true]);
    const outcome = await runIn(out);
    expect({ ...outcome, console: noEval(outcome.console) }).toMatchObject({ ...expected, console: [] });
  }, 120_000);
});

describe("what the handlers add to a page's bundle (npm run size)", () => {
  it('leaves server-only code out and stays within its budget', () => {
    const { added, modules } = measureHandlersBundle(project);
    const paths = modules.map(([path]) => path);
    expect(paths).toContain('openrouter-images-mock/dist/handlers/index.js');
    // The control API and its validators come with createImagesMock, not with the handlers (which
    // never expose their mock); the server and the CI checks have entries of their own.
    expect(
      paths.filter((path) =>
        /dist\/(core\/control\/(control|inputs)|contract\/control-|server\/|cli\/|check\/|verify\/|drift\/|recording\/)|^(ajv|yaml|stream-json|stream-chain)\//.test(
          path,
        ),
      ),
    ).toEqual([]);
    // Minified and gzipped (level 9), beyond a page with msw's worker alone. Over budget? `npm
    // run size` lists the modules: keep what a page never runs out of the handlers' imports.
    expect(added.gzip, `${added.gzip} bytes gzipped`).toBeLessThan(BUDGET_GZIP);
  }, 60_000);
});
