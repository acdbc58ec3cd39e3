import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRecording } from '../../src/checks.ts';
import { startMockServer } from '../../src/server/index.ts';
import { KEY } from '../helpers.ts';
import { runCli, startServe } from './spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-proxy-'));

/** A deliberately broken upstream on loopback: a string `created`, and an error with a string code. */
let upstream: Server;
let upstreamUrl = '';
const seen: { url: string; authorization: string | undefined; body: string }[] = [];
beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
      const parsed = body ? (JSON.parse(body) as { prompt?: string }) : {};
      res.setHeader('content-type', 'application/json');
      if (parsed.prompt === 'fail') {
        res.statusCode = 429;
        res.end(JSON.stringify({ error: { code: '429', message: 'slow down' } }));
        return;
      }
      res.end(JSON.stringify({ created: 'yesterday', data: [{ b64_json: 'iVBORw0KGgo=' }] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/api/v1`;
});
afterAll(() => upstream.close());

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('serve --proxy --record', () => {
  it('forwards to the upstream, reports its contract breaks in the log and the journal, and records HAR', async () => {
    const har = join(dir, 'traffic.har');
    const lines: string[] = [];
    const server = await startMockServer({
      port: 0,
      proxy: upstreamUrl,
      record: har,
      log: 'pretty',
      logLine: (l) => lines.push(l),
    });
    try {
      const ok = await post(server.baseUrl, { model: 'openai/gpt-image-1', prompt: 'through the proxy' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ created: 'yesterday', data: [{ b64_json: 'iVBORw0KGgo=' }] });
      const limited = await post(server.baseUrl, { model: 'openai/gpt-image-1', prompt: 'fail' });
      expect(limited.status).toBe(429);
      await limited.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));

      // The upstream got the request as sent, key included.
      expect(seen.at(-2)).toMatchObject({ url: '/api/v1/images', authorization: `Bearer ${KEY}` });
      expect(JSON.parse(seen.at(-2)?.body ?? '')).toEqual({
        model: 'openai/gpt-image-1',
        prompt: 'through the proxy',
      });
      // Violations: in the log …
      expect(lines.join('\n')).toContain(
        'contract: POST /api/v1/images → 200: response /created [type] created must be integer',
      );
      expect(lines.join('\n')).toMatch(/→ 429: response \/error\/code \[type\]/);
      // … and in the journal, with the key redacted.
      const journal = (await (await fetch(`${server.url}/__mock/requests`)).json()) as {
        data: Record<string, unknown>[];
      };
      expect(journal.data).toHaveLength(2);
      expect(journal.data[0]).toMatchObject({
        path: '/images',
        verdict: { valid: true },
        responseVerdict: { valid: false, violations: [expect.objectContaining({ pointer: '/created' })] },
        response: { status: 200 },
      });
      expect(JSON.stringify(journal)).not.toContain(KEY);
    } finally {
      await server.close();
    }
    // A valid HAR 1.2 that `validate` reads, with the key redacted and the violations found again.
    const text = readFileSync(har, 'utf8');
    expect(text).not.toContain(KEY);
    const parsed = JSON.parse(text) as { log: { version: string; entries: unknown[] } };
    expect(parsed.log.version).toBe('1.2');
    expect(parsed.log.entries).toHaveLength(2);
    const result = await runCli(['validate', har, '--reporter', 'json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('created must be integer');
  });

  it('an upstream that does not answer gives 502 in the error shape', async () => {
    const server = await startMockServer({ port: 0, proxy: 'http://127.0.0.1:9/api/v1', log: false });
    try {
      const response = await post(server.baseUrl, { model: 'openai/gpt-image-1', prompt: 'x' });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /did not answer/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('serve --record with the mock, then --replay', () => {
  it('replays the recorded answers for the same requests, in order; others get 404 saying so', async () => {
    const har = join(dir, 'mock.har');
    const recording = await startServe(['--record', har, '--quiet']);
    const bodies = [
      { model: 'openai/gpt-image-1', prompt: 'first', n: 1 },
      { model: 'bytedance-seed/seedream-4.5', prompt: 'second', resolution: '1K' },
    ];
    const recorded: unknown[] = [];
    for (const body of bodies) recorded.push(await (await post(recording.baseUrl, body)).json());
    // The second body once more, answered otherwise (a scenario; the body is the same).
    const limited = await post(recording.baseUrl, bodies[1], { prefer: 'scenario=rate-limited' });
    expect(limited.status).toBe(429);
    recorded.push(await limited.json());
    expect(await recording.stop('SIGINT')).toBe(0);
    // The mock's own recording keeps the contract, as `validate` sees it.
    const checked = await validateRecording([readFileSync(har)], { name: 'mock.har' });
    expect(checked.problems).toEqual([]);
    expect(checked.exchanges).toHaveLength(3);
    expect(checked.exchanges.every((e) => 'violations' in e && e.violations.length === 0)).toBe(true);

    const replaying = await startServe(['--replay', har, '--quiet']);
    try {
      // Key order does not matter.
      const again = await post(replaying.baseUrl, { n: 1, prompt: 'first', model: 'openai/gpt-image-1' });
      expect(await again.json()).toEqual(recorded[0]);
      // The same request again and again: its recorded answers in order, then from the first.
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const answer = await post(replaying.baseUrl, bodies[1]);
        answers.push([answer.status, await answer.json()]);
      }
      expect(answers).toEqual([
        [200, recorded[1]],
        [429, recorded[2]],
        [200, recorded[1]],
      ]);
      const unknown = await post(replaying.baseUrl, {
        model: 'openai/gpt-image-1',
        prompt: 'never recorded',
      });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
        'no recorded exchange',
      );
    } finally {
      await replaying.stop();
    }
  });

  it('records JSONL when the file name ends in .jsonl, and replays it', async () => {
    const jsonl = join(dir, 'mock.jsonl');
    const recording = await startServe(['--record', jsonl, '--quiet']);
    const body = { model: 'recraft/recraft-v3-svg', prompt: 'lines' };
    const recorded = await (await post(recording.baseUrl, body)).json();
    await recording.stop();
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      request: { method: 'POST', body },
      response: { status: 200 },
    });
    expect(lines[0]).not.toContain(KEY);
    const replaying = await startServe(['--replay', jsonl, '--quiet']);
    try {
      expect(await (await post(replaying.baseUrl, body)).json()).toEqual(recorded);
    } finally {
      await replaying.stop();
    }
  });

  it.each([
    [['serve', '--replay', '/nonexistent.har'], '--replay /nonexistent.har: ENOENT'],
    [['serve', '--proxy', 'ftp://x'], '--proxy must be an http(s) URL'],
    [['serve', '--proxy', 'http://x', '--replay', 'y'], '--proxy and --replay cannot be combined'],
    [['serve', '--record', '/nonexistent/dir/x.har'], 'the folder /nonexistent/dir does not exist'],
  ])('%j is a usage error', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
