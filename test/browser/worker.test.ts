// The MSW handlers under setupWorker in a real browser (Debian's Chromium, driven by
// playwright-core): the page bundles the library with Vite, registers msw's service worker, and
// makes JSON, streamed and refused requests. Skipped where no Chromium is installed (.ci/run
// installs it).
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './chromium.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

describe.skipIf(!CHROMIUM)('setupWorker in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'orim-browser-'));
    await build({
      configFile: false,
      root: here,
      logLevel: 'error',
      // package.json `browser` swaps the Node loader in the built package; this page bundles the
      // sources, so the same swap is spelled out.
      resolve: {
        alias: [
          {
            find: /^\.\/wasm-node\.ts$/,
            replacement: fileURLToPath(new URL('../../src/synth/wasm-browser.ts', import.meta.url)),
          },
        ],
      },
      build: { outDir, emptyOutDir: true, minify: false, target: 'es2022' },
    });
    copyFileSync(
      fileURLToPath(import.meta.resolve('msw/mockServiceWorker.js')),
      join(outDir, 'mockServiceWorker.js'),
    );
    server = createServer((req, res) => {
      const path = join(outDir, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
      if (!path.startsWith(outDir) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('answers JSON, SSE and errors from a service worker as in Node', async () => {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
    await page.goto(`${origin}/`);
    await page
      .waitForFunction(() => window.__result !== undefined || window.__error !== undefined, undefined, {
        timeout: 45_000,
      })
      .catch(() => {});
    const error = await page.evaluate(() => window.__error);
    expect({ error, console: console.slice(-20) }).toEqual({ error: undefined, console: expect.any(Array) });
    const result = await page.evaluate(() => window.__result);
    expect(result).toMatchObject({
      json: { status: 200, contentType: 'application/json', size: [1344, 768] },
      stream: {
        contentType: 'text/event-stream; charset=utf-8',
        types: [
          'image_generation.partial_image',
          'image_generation.partial_image',
          'image_generation.completed',
        ],
        done: true,
        size: [1024, 1536],
      },
      error: { status: 400, body: { error: { code: 400, message: 'n must be <= 10' } } },
    });
  }, 90_000);
});
