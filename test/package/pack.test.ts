/**
 * What users install is what works: the package is packed as `npm publish` would pack it,
 * installed from the tarball into two empty projects, one with msw 3 and one with msw 2 (the peer
 * range takes both), and used from there by name, over the CLI, every entry point and the
 * published type declarations (publint, attw); on the machine's own older Node, if it has one,
 * every entry point refuses in one sentence.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeVersionProblem } from '../../src/node-version.ts';
import { readmeSnippets, snippetFile } from '../readme/snippets.ts';
import { runProcess } from '../run-process.ts';
import { REPO, run, runOk, type Serving, startListening, userEnv } from './run.ts';

const BIN = join(REPO, 'node_modules', '.bin');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';
/** msw majors the package's peer range accepts; each gets its own project. */
const MSW_MAJORS = [3, 2] as const;
/** The machine's own Node, when it is older than the package accepts (this machine: 20). */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (path) =>
    existsSync(path) &&
    nodeVersionProblem(execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()) !==
      undefined,
);

let dir = '';
let tarball = '';
/** The consumer project for each msw major. */
const apps = new Map<number, string>();
/** Stopped again after all tests, in case a test timed out before its own `finally`. */
let serving: Serving | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orim-pack-'));
  // `prepare` builds dist/ with tsc first, exactly as `npm publish` does.
  await runOk('npm', ['pack', '--pack-destination', dir], REPO);
  const packed = readdirSync(dir).filter((name) => name.endsWith('.tgz'));
  expect(packed).toHaveLength(1);
  tarball = join(dir, packed[0]!);

  // One project per msw major, installed side by side from the same tarball. msw is the peer
  // every entry needs; vitest the optional peer of the `/vitest` entry. No --legacy-peer-deps: a
  // peer range that refused either major would stop its install with ERESOLVE, as for a user.
  // --prefer-offline: the npm cache already holds most of it after `npm ci` here.
  await Promise.all(
    MSW_MAJORS.map(async (major) => {
      const app = join(dir, `app-msw${major}`);
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: `consumer-msw${major}`, private: true, type: 'module' }),
      );
      // jest beside msw 3 only: the README's jest snippet runs there (see below).
      const jest = major === 3 ? ['jest@30'] : [];
      await runOk(
        'npm',
        [
          'install',
          tarball,
          `msw@${major}`,
          'vitest@5',
          ...jest,
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
        ],
        app,
        150_000,
      );
      apps.set(major, app);
    }),
  );
}, 240_000);

afterAll(async () => {
  await serving?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const appFor = (major: number) => apps.get(major) ?? '';

describe('the packed package', () => {
  test('ships its licence, changelog and source maps with their sources', () => {
    const installed = join(appFor(3), 'node_modules', 'openrouter-images-mock');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain('MIT License');
    expect(readFileSync(join(installed, 'CHANGELOG.md'), 'utf8')).toContain('## [Unreleased]');
    const map = JSON.parse(readFileSync(join(installed, 'dist', 'index.js.map'), 'utf8')) as {
      sourcesContent?: string[];
    };
    expect(map.sourcesContent?.[0]).toContain('createImageHandlers');
  });

  test('`npx openrouter-images-mock serve` answers a real request with a PNG', async () => {
    // --no: never fetch the name from the registry; only the installed bin will do.
    const server = await startListening(
      'npx',
      ['--no', 'openrouter-images-mock', 'serve', '--port', '0'],
      appFor(3),
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

  test.skipIf(!OLD_NODE)(
    'on an older Node every entry point says in one sentence which Node it needs',
    async () => {
      const app = appFor(3);
      const sentence = /^(?:Error: )?openrouter-images-mock needs Node >= 22\.12 \(this is \d+\.\d+\.\d+\)$/m;
      const cli = await run(
        OLD_NODE!,
        [join('node_modules', 'openrouter-images-mock', 'dist', 'cli', 'main.js'), 'serve'],
        app,
      );
      expect(cli.code).toBe(1);
      expect(cli.stderr.trim()).toMatch(sentence);
      for (const entry of ['', '/vitest', '/testing', '/server', '/check']) {
        const result = await run(
          OLD_NODE!,
          ['--input-type=module', '-e', `import 'openrouter-images-mock${entry}';`],
          app,
        );
        expect(result.code, entry).not.toBe(0);
        expect(result.stderr, entry).toMatch(sentence);
        expect(result.stderr, entry).not.toContain('withResolvers');
      }
    },
  );
});

describe.each(MSW_MAJORS)('beside msw %i', (major) => {
  test('the project has that msw', () => {
    const msw = JSON.parse(readFileSync(join(appFor(major), 'node_modules', 'msw', 'package.json'), 'utf8'));
    expect((msw as { version: string }).version).toMatch(new RegExp(`^${major}\\.`));
  });

  test('every entry point imports by name and answers a request', async () => {
    const app = appFor(major);
    const script = `
import { setupServer } from 'msw/node';
import { createImageHandlers } from 'openrouter-images-mock';
import { startMockServer } from 'openrouter-images-mock/server';
import { createImagesMockHandle } from 'openrouter-images-mock/testing';
import { validateExchange } from 'openrouter-images-mock/check';

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

// MSW handlers in this process: the request never leaves it. (msw 3 names the option
// onUnhandledFrame, msw 2 onUnhandledRequest.)
const msw = setupServer(...createImageHandlers());
msw.listen({ onUnhandledFrame: 'error', onUnhandledRequest: 'error' });
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

// The checks judge what the mock answered.
const exchange = { request: { method: 'POST', url: 'https://openrouter.ai/api/v1/images', headers: {}, body: JSON.parse(init.body) }, response: { status: 200, headers: { 'content-type': 'application/json' }, body: { created: 1, data: [] } } };
seen.check = validateExchange(exchange).ok;

console.log(JSON.stringify(seen));
`;
    writeFileSync(join(app, 'entries.mjs'), script);
    const { stdout } = await runOk(join(BIN, 'node'), ['entries.mjs'], app, 60_000);
    const svg = { status: 200, media_type: 'image/svg+xml' };
    expect(JSON.parse(stdout)).toEqual({ handlers: svg, server: svg, testing: svg, journal: 1, check: true });
  });

  test('the `/vitest` entry works inside a vitest run of the installed project', async () => {
    // The entry registers vitest hooks on import, so it is exercised where users run it: in vitest.
    const app = appFor(major);
    writeFileSync(
      join(app, 'entry.test.js'),
      `
import { respondWith, useImagesMock } from 'openrouter-images-mock/vitest';
import { expect, test } from 'vitest';

const mock = useImagesMock({ strict: true });
const post = (body) =>
  fetch('https://openrouter.ai/api/v1/images', {
    method: 'POST',
    headers: { authorization: 'Bearer ${KEY}', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('answers through the packed entry', async () => {
  const response = await post({ model: 'openai/gpt-image-1', prompt: 'packed vitest' });
  expect(response.status).toBe(200);
  expect((await response.json()).data[0].media_type).toBe('image/png');
  expect(mock).toHaveReceivedImageRequest({ prompt: 'packed vitest' });
});

test('answers with what respondWith gives, once', async () => {
  mock.use(respondWith({ images: [{ synthesize: { width: 64, height: 32 } }] }, { once: true }));
  const png = Buffer.from((await (await post({ model: 'openai/gpt-image-1', prompt: 'a' })).json()).data[0].b64_json, 'base64');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 32]);
  const streamed = await post({ model: 'openai/gpt-image-1', prompt: 'b', stream: true });
  expect(streamed.headers.get('content-type')).toMatch(/event-stream/);
  expect(await streamed.text()).toContain('data: [DONE]');
  expect(mock.requests.map((r) => r.response?.status)).toEqual([200, 200]);
});

test('refuses a request no handler answers (strategy "error" on either msw)', async () => {
  // msw 2 rejects with its own error; msw 3 with fetch's, caused by its own.
  const error = await fetch('https://example.com/elsewhere').catch((e) => e);
  expect(String(error?.cause?.message ?? error?.message)).toMatch(/"error" strategy/);
});
`,
    );
    const result = await run(
      'npx',
      ['--no', 'vitest', 'run', 'entry.test.js', '--reporter=dot'],
      app,
      90_000,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/3 passed/);
  });
});

describe("the README's jest snippets, beside msw 3", () => {
  // jest cannot load the TypeScript sources test/readme.test.ts runs the other snippets on; here
  // it loads the built package as a user's project does (msw 3: the one that needs nextTick real).
  const jestSnippets = readmeSnippets().filter((s) => s.kind === 'jest');

  test.each(jestSnippets.map((s) => [`README.md:${s.line}`, s] as const))('%s passes', async (_, snippet) => {
    const dir = join(appFor(3), `jest-${snippet.line}`);
    mkdirSync(dir);
    writeFileSync(join(dir, snippetFile(snippet)), snippet.code);
    const result = await runProcess('npx', ['--no', 'jest', '--rootDir', dir, '--ci'], {
      cwd: appFor(3),
      env: { ...userEnv(), NODE_OPTIONS: '--experimental-vm-modules' },
      timeoutMs: 90_000,
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+\d+ passed/);
  });
});

describe('the published metadata and types', () => {
  test('publint finds nothing, strict', async () => {
    const result = await run(join(BIN, 'publint'), ['run', tarball, '--strict'], dir);
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
      dir,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
