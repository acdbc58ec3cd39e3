// What `serve` tells a person: the banner (a short block, or one JSON line), every line JSON under
// --log json (warnings and errors too), and colour only where it belongs.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bannerOf, jsonEvent, prettyBanner, voiceFor, wantsColor } from '../../src/cli/serve-voice.ts';
import type { MockServer, MockServerOptions } from '../../src/server/mock-server.ts';
import { KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';
import { runCli, startServe } from './spawn-cli.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orim-voice-'));
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** The environment without any colour preference, plus `extra`. */
function envWith(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = process.env;
  return { ...rest, ...extra };
}

const post = (baseUrl: string, body: Record<string, unknown> = {}, prefer?: string) =>
  fetch(`${baseUrl}/images`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      ...(prefer ? { prefer } : {}),
    },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'voice', ...body }),
  });

describe('the banner', () => {
  const fake = { baseUrl: 'http://127.0.0.1:4010/api/v1', url: 'http://127.0.0.1:4010' } as MockServer;
  const block = (options: MockServerOptions) => prettyBanner(bannerOf(fake, options));

  it('pretty: base URL, gallery, journal, control API and how to stop, as a short block', async () => {
    const record = join(dir, 'banner.har');
    const serving = await startServe(['--record', record], envWith());
    try {
      const root = serving.baseUrl.replace('/api/v1', '');
      await expect.poll(() => serving.output()).toContain('  stop');
      expect(serving.output()).toBe(
        [
          `openrouter-images-mock listening at ${root}/api/v1`,
          `  gallery  ${root}/__mock/`,
          `  journal  ${root}/__mock/requests`,
          `  control  ${root}/__mock/scenarios (also /responses, /credits, /reset)`,
          `  record   ${record} (complete once the server stops)`,
          `  stop     Ctrl-C, or SIGTERM to pid ${serving.child.pid}`,
          '',
        ].join('\n'),
      );
    } finally {
      expect(await serving.stop()).toBe(0);
    }
  });

  it.each([
    [{ control: false }, '  control  off (--no-control)'],
    [{ controlToken: 't' }, ', with Authorization: Bearer <--control-token>'],
    [
      { host: '0.0.0.0' },
      '  control  locked: bound beyond loopback, the routes need --control-token (401 until then)',
    ],
    [{ proxy: 'https://openrouter.ai/api/v1' }, '  control  off (--proxy: the upstream answers)'],
    [{ replay: 'traffic.har' }, '  control  off (--replay: the recording answers)'],
    [{ replay: 'traffic.har' }, '  replay   traffic.har\n'],
    [
      { proxy: 'https://openrouter.ai/api/v1' },
      '  proxy    https://openrouter.ai/api/v1 (each exchange checked against the contract)',
    ],
  ] as [MockServerOptions, string][])(
    'says when the control API is off or needs a token: %j',
    (options, line) => {
      expect(block(options)).toContain(line);
    },
  );

  it('json: one line with every address, the control API’s state and the pid', () => {
    const banner = bannerOf(fake, { controlToken: 't', record: 'x.jsonl' });
    expect(JSON.parse(jsonEvent('listening', banner))).toEqual({
      event: 'listening',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      baseUrl: 'http://127.0.0.1:4010/api/v1',
      gallery: 'http://127.0.0.1:4010/__mock/',
      journal: 'http://127.0.0.1:4010/__mock/requests',
      control: {
        state: 'token',
        url: 'http://127.0.0.1:4010/__mock/scenarios',
        header: 'Authorization: Bearer <--control-token>',
      },
      record: 'x.jsonl',
      pid: process.pid,
      stop: 'SIGINT (Ctrl-C), SIGTERM or SIGHUP',
    });
    expect(bannerOf(fake, { host: '::' }).control).toEqual({
      state: 'locked',
      url: 'http://127.0.0.1:4010/__mock/scenarios',
      needs: '--control-token',
      because: 'bound beyond loopback',
    });
  });

  it('warnings and errors: one line each, JSON under --log json (to stderr), stacks only there', () => {
    const out: string[] = [];
    const err: string[] = [];
    const say = (format: 'json' | 'pretty') =>
      voiceFor(
        format,
        (text) => out.push(text),
        (text) => err.push(text),
      );
    say('json').warning('listening on 0.0.0.0, beyond loopback, without --api-key');
    say('json').error('boom', 'Error: boom\n    at x (y.ts:1:1)');
    say('pretty').warning('careful');
    say('pretty').error('boom', 'Error: boom\n    at x');
    say('json').closing('SIGTERM');
    say('pretty').closing('SIGTERM');
    expect(JSON.parse(err[0]!)).toMatchObject({
      event: 'warning',
      message: expect.stringContaining('0.0.0.0'),
    });
    expect(JSON.parse(err[1]!)).toMatchObject({ event: 'error', message: 'boom', stack: expect.any(String) });
    expect(err.slice(2)).toEqual([
      'openrouter-images-mock: warning: careful\n',
      'openrouter-images-mock: boom\n',
    ]);
    expect(JSON.parse(out[0]!)).toMatchObject({ event: 'closing', reason: 'SIGTERM' });
    expect(out[1]).toBe('openrouter-images-mock: SIGTERM, closing\n');
    for (const text of [...out, ...err])
      expect(text.endsWith('\n') && !text.slice(0, -1).includes('\n')).toBe(true);
  });
});

/** Runs `serve` with separate stdout and stderr, until `stop` is called. */
function serveApart(args: string[], env = envWith()) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [MAIN, 'serve', '--port', '0', ...args],
    {
      env,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async baseUrl(): Promise<string> {
      await expect
        .poll(() => /"baseUrl":"([^"]+)"|listening at (\S+)/.exec(stdout), { timeout: 10_000 })
        .toBeTruthy();
      const match = /"baseUrl":"([^"]+)"|listening at (\S+)/.exec(stdout);
      return (match?.[1] ?? match?.[2]) as string;
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return closed;
    },
  };
}

describe('--log json: every line is JSON', () => {
  it('the banner, each request (scenario, rules, cut), the closing: stdout and stderr alike', async () => {
    const serving = serveApart(['--log', 'json', '--record', join(dir, 'json.jsonl')]);
    try {
      const baseUrl = await serving.baseUrl();
      const root = baseUrl.replace('/api/v1', '');
      await (await post(baseUrl)).arrayBuffer();
      await readSse(await post(baseUrl, { stream: true }, 'scenario=stream-drop, after=1'));
      await fetch(`${root}/__mock/scenarios`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: 'no-provider', times: 1 }),
      });
      await (await post(baseUrl)).arrayBuffer();
      await (await post(baseUrl, { model: 'no/such-model' })).arrayBuffer();
      await (await fetch(`${root}/nothing`)).arrayBuffer();
      await expect.poll(() => lines(serving.stdout()).length).toBe(6);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
    const all = [...lines(serving.stdout()), ...lines(serving.stderr())].map((line) => JSON.parse(line));
    for (const line of all)
      expect(line).toMatchObject({ event: expect.any(String), time: expect.any(String) });
    expect(all.map((line) => line.event)).toEqual([
      'listening',
      'request',
      'request',
      'request',
      'request',
      'request',
      'closing',
    ]);
    expect(all[2]).toMatchObject({ status: 200, scenario: 'stream-drop after=1', cut: 'after 1 event' });
    expect(all[3]).toMatchObject({
      status: 503,
      scenario: 'no-provider',
      rules: [expect.stringMatching(/^scenario-/)],
    });
    expect(all[4]).toMatchObject({ status: 400, violations: [expect.any(String)] });
    expect(all[5]).toMatchObject({ path: '/nothing', status: 404 });
    expect(all[6]).toMatchObject({ event: 'closing', reason: 'SIGTERM' });
  });

  it('errors while starting: a bad option, a busy port, a bad config, each one JSON line on stderr', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const config = join(dir, 'json.config.json');
    writeFileSync(config, JSON.stringify({ log: 'json', seed: 'x' }));
    try {
      const cases = [
        [['serve', '--log', 'json', '--port', 'abc'], 2, '--port must be an integer'],
        [
          ['serve', '--log=json', '--nope'],
          2,
          'unknown option --nope; see openrouter-images-mock serve --help',
        ],
        [['serve', '--log', 'json', '--port', port], 1, `port ${port} on 127.0.0.1 is already in use`],
        [['serve', '--config', config], 2, '--seed must be an integer'],
      ] as const;
      for (const [args, exitCode, message] of cases) {
        const result = await runCli([...args]);
        expect(result.code, args.join(' ')).toBe(exitCode);
        expect(result.stdout).toBe('');
        const [line, ...rest] = lines(result.stderr);
        expect(rest).toEqual([]);
        expect(JSON.parse(line!)).toMatchObject({
          event: 'error',
          exitCode,
          message: expect.stringContaining(message),
        });
      }
    } finally {
      blocker.close();
    }
  });
});

describe('colour: the status of pretty lines, on a terminal or when forced, never with NO_COLOR', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{}, undefined, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, true],
    [{ FORCE_COLOR: '0' }, false, false],
    [{ FORCE_COLOR: 'false' }, false, false],
  ] as [Record<string, string>, boolean | undefined, boolean][])('env %j, TTY %s → %s', (env, tty, color) => {
    expect(wantsColor(env, tty)).toBe(color);
  });

  it.each([
    ['FORCE_COLOR=1', envWith({ FORCE_COLOR: '1' }), [], true],
    ['a pipe, no preference', envWith(), [], false],
    ['FORCE_COLOR=1 NO_COLOR=1', envWith({ FORCE_COLOR: '1', NO_COLOR: '1' }), [], false],
    ['FORCE_COLOR=1 --log json', envWith({ FORCE_COLOR: '1' }), ['--log', 'json'], false],
  ] as const)('serve with %s', async (_name, env, args, painted) => {
    const serving = serveApart([...args], env);
    try {
      const baseUrl = await serving.baseUrl();
      await (await post(baseUrl)).arrayBuffer();
      await (await post(baseUrl, {}, 'scenario=rate-limited')).arrayBuffer();
      await expect.poll(() => /429/.test(serving.stdout())).toBe(true);
    } finally {
      await serving.stop();
    }
    const out = serving.stdout().replaceAll('\x1b', '<ESC>');
    expect(out.includes('<ESC>')).toBe(painted);
    if (painted) {
      // Only the statuses: the banner and the rest of each line stay plain.
      expect(out.match(/<ESC>\[\d+m/g)).toEqual(['<ESC>[32m', '<ESC>[0m', '<ESC>[33m', '<ESC>[0m']);
      expect(out).toContain(' <ESC>[33m429<ESC>[0m openai/gpt-image-1 ');
    }
  });
});
