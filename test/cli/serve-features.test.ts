import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOptions } from '../../src/cli/serve.ts';
import { defaultModels } from '../../src/index.ts';
import { KEY } from '../helpers.ts';
import { runCli, type ServingCli, startServe } from './spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-serve-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('serve options', () => {
  it('reads a config file; the command line wins', () => {
    const config = file('config.json', {
      port: 5000,
      host: '127.0.0.1',
      seed: 9,
      'rate-limit': '5/10',
      log: 'json',
      quiet: false,
    });
    const options = serveOptions(['--config', config, '--port', '0']);
    expect(options).toMatchObject({
      port: 0,
      seed: 9,
      rateLimit: { requests: 5, windowMs: 10_000 },
      log: 'json',
    });
  });

  it.each([
    [['--max-body', 'lots'], '--max-body must be a size such as 10mb'],
    [['--log', 'xml'], '--log must be pretty or json'],
    [['--config', '/nonexistent.json'], '--config /nonexistent.json: ENOENT'],
    [['--config', file('bad.json', '{')], 'is not JSON'],
    [['--config', file('unknown.json', { prot: 1 })], 'unknown option "prot"'],
    [['--catalog', file('catalog.json', { models: 'no' })], 'must be an object {"models": [...]}'],
  ])('%j → a one-line usage error', (args, message) => {
    expect(() => serveOptions(args)).toThrow(message);
  });

  it('takes sizes in bytes, kb and mb', () => {
    expect(serveOptions(['--max-body', '512kb'])).toMatchObject({ maxBodyBytes: 512 * 1024 });
    expect(serveOptions(['--max-body', '2mb'])).toMatchObject({ maxBodyBytes: 2 * 1024 * 1024 });
  });
});

describe('serve over HTTP', () => {
  let serving: ServingCli;
  const custom = { ...structuredClone(defaultModels[4]), id: 'acme/painter-1', name: 'Acme Painter' };
  beforeAll(async () => {
    serving = await startServe([
      '--max-body',
      '2kb',
      '--log',
      'json',
      '--catalog',
      file('extra.json', { models: [custom] }),
    ]);
  });
  afterAll(async () => {
    await serving?.stop();
  });
  const root = () => serving.baseUrl.replace(/\/api\/v1$/, '');

  it('answers CORS preflights and lets another origin read answers and rate-limit headers', async () => {
    const preflight = await fetch(`${serving.baseUrl}/images`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    const answer = await post(
      serving.baseUrl,
      { model: 'openai/gpt-image-1', prompt: 'x' },
      { origin: 'http://app.test', prefer: 'code=429' },
    );
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://app.test');
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ]),
    );
    await answer.arrayBuffer();
  });

  it('refuses a body over --max-body with 413 in the error shape', async () => {
    const response = await post(serving.baseUrl, { model: 'openai/gpt-image-1', prompt: 'x'.repeat(4096) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 413, message: 'Request payload too large' } });
  });

  it('HEAD, unknown paths and wrong methods answer as the service would', async () => {
    const head = await fetch(`${serving.baseUrl}/images/models`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${serving.baseUrl}/chat/completions`)).status).toBe(404);
    const wrong = await fetch(`${serving.baseUrl}/images/models`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves --catalog models beside the defaults', async () => {
    const list = (await (await fetch(`${serving.baseUrl}/images/models`)).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((m) => m.id)).toContain('acme/painter-1');
    expect(list.data.length).toBe(defaultModels.length + 1);
  });

  it('inspection: health, the journal with keys redacted, and DELETE to reset', async () => {
    await fetch(`${root()}/__mock/requests`, { method: 'DELETE' });
    const health = (await (await fetch(`${root()}/__mock/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', models: defaultModels.length + 1, requests: 0 });
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    await (
      await post(serving.baseUrl, { model: 'openai/gpt-image-1', prompt: 'journal', n: 11 })
    ).arrayBuffer();
    const journal = (await (await fetch(`${root()}/__mock/requests`)).json()) as {
      data: Record<string, unknown>[];
    };
    expect(journal.data).toHaveLength(1);
    expect(journal.data[0]).toMatchObject({
      method: 'POST',
      path: '/images',
      body: { model: 'openai/gpt-image-1', n: 11 },
      verdict: { valid: false, violations: [expect.objectContaining({ pointer: '/n', rule: 'maximum' })] },
      response: { status: 400 },
    });
    expect(JSON.stringify(journal)).not.toContain(KEY);
    expect((await fetch(`${root()}/__mock/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await fetch(`${root()}/__mock/requests`)).json()) as { data: unknown[] }).data).toEqual(
      [],
    );
    expect((await fetch(`${root()}/__mock/nothing`)).status).toBe(404);
  });

  it('logs one JSON line per request with method, path, status, model and ms, never the key', async () => {
    await (await post(serving.baseUrl, { model: 'recraft/recraft-v3-svg', prompt: 'logged' })).arrayBuffer();
    await new Promise((r) => setTimeout(r, 50));
    const lines = serving
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = lines.filter((l) => l.model === 'recraft/recraft-v3-svg');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ method: 'POST', path: '/api/v1/images', status: 200 });
    expect(typeof logged[0]?.ms).toBe('number');
    expect(serving.output()).not.toContain(KEY);
  });
});

describe('serve log formats', () => {
  it('pretty by default, nothing with --quiet', async () => {
    for (const [args, expectLine] of [
      [[], true],
      [['--quiet'], false],
    ] as const) {
      const serving = await startServe([...args]);
      await (await post(serving.baseUrl, { model: 'openai/gpt-image-1', prompt: 'x', n: 0 })).arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
      const lines = serving
        .output()
        .split('\n')
        .filter((l) => l.startsWith('POST '));
      await serving.stop();
      if (expectLine) {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^POST \/api\/v1\/images 400 openai\/gpt-image-1 [\d.]+ms \(n must be >= 1\)$/,
        );
      } else {
        expect(lines).toEqual([]);
      }
    }
  });

  it('a catalog model that breaks the contract is a usage error', async () => {
    const bad = file('bad-catalog.json', { models: [{ ...defaultModels[0], id: 'acme/x', endpoints: [] }] });
    const result = await runCli(['serve', '--port', '0', '--catalog', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('catalog model "acme/x": needs at least one endpoint');
  });
});
