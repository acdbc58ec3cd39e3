/**
 * What users install is what works: the package is packed as `npm publish` would pack it,
 * installed from the tarball into an empty project, and used from there by name, over the CLI,
 * every entry point and the published type declarations (publint, attw).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, run, runOk, type Serving, startListening } from './run.ts';

const BIN = join(REPO, 'node_modules', '.bin');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';

let dir = '';
let app = '';
let tarball = '';
/** Stopped again after all tests, in case a test timed out before its own `finally`. */
let serving: Serving | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orim-pack-'));
  // `prepare` builds dist/ with tsc first, exactly as `npm publish` does.
  await runOk('npm', ['pack', '--pack-destination', dir], REPO);
  const packed = readdirSync(dir).filter((name) => name.endsWith('.tgz'));
  expect(packed).toHaveLength(1);
  tarball = join(dir, packed[0]!);

  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // One install for every check. msw is the peer every entry needs; vitest the optional peer of
  // the `/vitest` entry. --prefer-offline: the npm cache already holds them after `npm ci` here.
  await runOk(
    'npm',
    ['install', tarball, 'msw@3', 'vitest@5', '--prefer-offline', '--no-audit', '--no-fund'],
    app,
    150_000,
  );
}, 240_000);

afterAll(async () => {
  await serving?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('`npx openrouter-images-mock serve` answers a real request with a PNG', async () => {
    // --no: never fetch the name from the registry; only the installed bin will do.
    const server = await startListening(
      'npx',
      ['--no', 'openrouter-images-mock', 'serve', '--port', '0'],
      app,
    );
    try {
      expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
      const response = await fetch(`${server.baseUrl}/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'google/gemini-3.1-flash-image', prompt: 'packed', resolution: '512' }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
      expect(body.data[0]?.media_type).toBe('image/png');
      const png = decode(Buffer.from(body.data[0]!.b64_json, 'base64'));
      expect([png.width, png.height]).toEqual([512, 512]);

      // The CLI reads its version from the shipped package.json.
      const health = (await (await fetch(new URL('/__mock/health', server.baseUrl))).json()) as {
        version: string;
      };
      expect(health.version).toBe(version);
    } finally {
      // The server closes gracefully; npx exits 0 or by the same signal, depending on who is first.
      const { code, signal, output } = await server.stop();
      expect(output).toContain('SIGTERM, closing');
      expect(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`).toBe(true);
    }
  });

  test('every entry point imports by name and answers a request', async () => {
    const script = `
import { setupServer } from 'msw/node';
import { createImageHandlers } from 'openrouter-images-mock';
import { startMockServer } from 'openrouter-images-mock/server';
import { createImagesMockHandle } from 'openrouter-images-mock/testing';

const init = {
  method: 'POST',
  headers: { authorization: 'Bearer ${KEY}', 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'recraft/recraft-v3-svg', prompt: 'packed' }),
};
const seen = {};
const summary = async (response) => {
  const body = await response.json();
  return { status: response.status, media_type: body.data?.[0]?.media_type };
};

// MSW handlers in this process: the request never leaves it.
const msw = setupServer(...createImageHandlers());
msw.listen({ onUnhandledFrame: 'error' });
seen.handlers = await summary(await fetch('https://openrouter.ai/api/v1/images', init));
msw.close();

const server = await startMockServer({ port: 0 });
seen.server = await summary(await fetch(server.baseUrl + '/images', init));
await server.close();

const handle = createImagesMockHandle();
handle.listen();
seen.testing = await summary(await fetch('https://openrouter.ai/api/v1/images', init));
seen.journal = handle.requests.length;
handle.close();

console.log(JSON.stringify(seen));
`;
    writeFileSync(join(app, 'entries.mjs'), script);
    const { stdout } = await runOk(join(BIN, 'node'), ['entries.mjs'], app, 60_000);
    const svg = { status: 200, media_type: 'image/svg+xml' };
    expect(JSON.parse(stdout)).toEqual({ handlers: svg, server: svg, testing: svg, journal: 1 });
  });

  test('the `/vitest` entry works inside a vitest run of the installed project', async () => {
    // The entry registers vitest hooks on import, so it is exercised where users run it: in vitest.
    writeFileSync(
      join(app, 'entry.test.js'),
      `
import { useImagesMock } from 'openrouter-images-mock/vitest';
import { expect, test } from 'vitest';

const mock = useImagesMock({ strict: true });

test('answers through the packed entry', async () => {
  const response = await fetch('https://openrouter.ai/api/v1/images', {
    method: 'POST',
    headers: { authorization: 'Bearer ${KEY}', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'packed vitest' }),
  });
  expect(response.status).toBe(200);
  expect((await response.json()).data[0].media_type).toBe('image/png');
  expect(mock).toHaveReceivedImageRequest({ prompt: 'packed vitest' });
});
`,
    );
    const result = await run('npx', ['--no', 'vitest', 'run', '--reporter=dot'], app, 90_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/1 passed/);
  });

  test('publint finds nothing, strict', async () => {
    const result = await run(join(BIN, 'publint'), ['run', tarball, '--strict'], app);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  test('attw finds no type resolution problem (profile esm-only)', async () => {
    // The same tarball `attw --pack` would make (packing again would rebuild dist/ for nothing).
    // esm-only: the package is ESM only by design, so the node10 and node16-from-CJS resolutions,
    // which need a CommonJS build, are not targets. openapi.yaml is a data file, not a module:
    // TypeScript resolves no `.yaml` import, so attw can only report it unresolved.
    const result = await run(
      join(BIN, 'attw'),
      [
        tarball,
        '--profile',
        'esm-only',
        '--exclude-entrypoints',
        'openapi.yaml',
        '--format',
        'table-flipped',
      ],
      app,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
