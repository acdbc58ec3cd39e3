import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateStreamEvent } from '../../src/contract/validators.ts';
import { decodePngBase64, KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';
import { runCli, type ServingCli, startServe } from './spawn-cli.ts';

describe('openrouter-images-mock serve', () => {
  let serving: ServingCli;
  beforeAll(async () => {
    serving = await startServe(['--seed', '7']);
  });
  afterAll(async () => {
    await serving?.stop();
  });

  it('prints a loopback base URL under /api/v1', () => {
    expect(serving.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('answers POST /images over HTTP with a real PNG', async () => {
    const response = await fetch(`${serving.baseUrl}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'google/gemini-2.5-flash-image',
        prompt: 'over http',
        aspect_ratio: '16:9',
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { b64_json: string }[] };
    const image = decodePngBase64(body.data[0]?.b64_json ?? '');
    expect([image.width, image.height]).toEqual([1344, 768]);
  });

  it('uses --seed for requests that send none', async () => {
    const post = (seed?: number) =>
      fetch(`${serving.baseUrl}/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'bytedance-seed/seedream-4.5',
          prompt: 'seeded',
          resolution: '1K',
          seed,
        }),
      }).then((r) => r.json() as Promise<{ data: { b64_json: string }[] }>);
    const [implicit, explicit7, explicit8] = await Promise.all([post(), post(7), post(8)]);
    expect(implicit.data[0]?.b64_json).toBe(explicit7.data[0]?.b64_json);
    expect(implicit.data[0]?.b64_json).not.toBe(explicit8.data[0]?.b64_json);
  });

  it('streams SSE over HTTP; a real SSE parser reads valid events and [DONE]', async () => {
    const response = await fetch(`${serving.baseUrl}/images`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'stream', stream: true, n: 2 }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await readSse(response);
    expect(stream.done).toBe(true);
    expect(stream.messages.at(-1)?.data).toBe('[DONE]');
    const events = stream.events as { type: string; usage?: unknown }[];
    for (const event of events) expect(validateStreamEvent(event)).toEqual([]);
    expect(events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expect(events[2]?.usage).toBeUndefined();
    expect(events[5]?.usage).toMatchObject({ completion_tokens: 2 * 1056 });
  });

  it('answers unknown paths with 404 in the error shape', async () => {
    const response = await fetch(`${serving.baseUrl.replace('/api/v1', '')}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 404, message: 'Not Found' } });
  });
});

describe('CLI behaviour', () => {
  it('stops cleanly on SIGINT and SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const serving = await startServe();
      expect(await serving.stop(signal)).toBe(0);
    }
  });

  it('honours --base-path and --api-key', async () => {
    const serving = await startServe(['--base-path', '/v1/', '--api-key', 'k-1', '--api-key', 'k-2']);
    try {
      expect(serving.baseUrl).toMatch(/:\d+\/v1$/);
      const models = await fetch(`${serving.baseUrl}/images/models`);
      expect(((await models.json()) as { data: { endpoints: string }[] }).data[0]?.endpoints).toMatch(
        /^\/v1\/images\/models\//,
      );
      const post = (key: string) =>
        fetch(`${serving.baseUrl}/images`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'recraft/recraft-v3-svg', prompt: 'keys' }),
        });
      expect((await post('k-2')).status).toBe(200);
      expect((await post('k-3')).status).toBe(401);
    } finally {
      await serving.stop();
    }
  });

  it('--help and --version print and exit 0', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--port <n>');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['serve', '--port', 'abc'], '--port must be an integer from 0 to 65535, got "abc"'],
    [['serve', '--nope'], 'unknown option --nope; see openrouter-images-mock serve --help'],
    [['launch'], 'unknown command "launch"'],
  ])('a bad command line %j gives one clear line and exit code 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a busy port fails with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      blocker.close();
    }
  });
});
