import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateStreamEvent } from '../../src/contract/validators.ts';
import { decodePngBase64, KEY } from '../helpers.ts';
import { rawRequest } from '../raw-http.ts';
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

  it('prints where the gallery is', async () => {
    const root = serving.baseUrl.replace('/api/v1', '');
    await expect.poll(() => serving.output()).toContain(`  gallery  ${root}/__mock/\n`);
    expect((await fetch(`${root}/__mock/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
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

  describe('every method a route lacks gets 405 with Allow, as the service answers', () => {
    const routes = [
      ['/images', 'POST'],
      ['/images/models', 'GET, HEAD'],
      ['/images/models/openai/gpt-image-1/endpoints', 'GET, HEAD'],
      ['/images/models/no-such/model/endpoints', 'GET, HEAD'],
    ] as const;
    const methods = ['TRACE', 'TRACK', 'CONNECT', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'FOO'];

    it.each(routes)('%s (Allow: %s)', async (route, allow) => {
      const lacking = [...methods, ...(allow === 'POST' ? ['GET', 'HEAD'] : ['POST'])];
      for (const method of lacking) {
        const answer = await rawRequest(`${serving.baseUrl}${route}`, method);
        expect(answer.status, method).toBe(405);
        expect(answer.headers.allow, method).toBe(allow);
        if (method === 'HEAD') continue;
        expect(answer.headers['content-type'], method).toBe('application/json');
        expect(JSON.parse(answer.body), method).toEqual({
          error: { code: 405, message: `Method ${method} is not allowed on ${route}` },
        });
      }
    });

    it('the inspection routes too', async () => {
      const root = serving.baseUrl.replace('/api/v1', '');
      for (const [route, allow] of [
        ['/__mock/health', 'GET, HEAD'],
        ['/__mock/requests', 'GET, HEAD, DELETE'],
      ]) {
        for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PUT', 'POST']) {
          const answer = await rawRequest(`${root}${route}`, method);
          expect(answer.status, `${method} ${route}`).toBe(405);
          expect(answer.headers.allow).toBe(allow);
          expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 405 } });
        }
      }
    });

    it('HEAD on the GET routes answers as GET does, without the body', async () => {
      for (const route of routes.slice(1, 3).map(([path]) => path)) {
        const answer = await rawRequest(`${serving.baseUrl}${route}`, 'HEAD');
        expect(answer.status, route).toBe(200);
        expect(answer.headers['content-type']).toBe('application/json');
        expect(answer.body).toBe('');
      }
    });

    it('unknown paths stay 404, whatever the method', async () => {
      const root = serving.baseUrl.replace('/api/v1', '');
      for (const url of [
        `${serving.baseUrl}/chat/completions`,
        `${root}/nothing`,
        `${serving.baseUrl}/images/x`,
      ]) {
        for (const method of ['GET', 'TRACE', 'TRACK', 'CONNECT', 'PUT']) {
          const answer = await rawRequest(url, method);
          expect(answer.status, `${method} ${url}`).toBe(404);
          expect(answer.headers.allow).toBeUndefined();
          expect(JSON.parse(answer.body)).toEqual({ error: { code: 404, message: 'Not Found' } });
        }
      }
    });

    it('a POST /images without a usable key gets 401 whatever its body', async () => {
      const bodies = ['{not json', '', '[]', '{"model":1}', '{"model":"openai/gpt-image-1","prompt":"ok"}'];
      for (const authorization of [undefined, 'Basic abc', 'Bearer']) {
        for (const body of bodies) {
          const answer = await rawRequest(`${serving.baseUrl}/images`, 'POST', {
            headers: {
              'content-type': 'application/json',
              ...(authorization === undefined ? {} : { authorization }),
            },
            body,
          });
          expect(answer.status, `${authorization} ${body}`).toBe(401);
          expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 401 } });
        }
      }
    });
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

  it('with --no-cors, OPTIONS (a preflight too) is a method the routes lack', async () => {
    const serving = await startServe(['--no-cors', '--quiet']);
    try {
      const answer = await rawRequest(`${serving.baseUrl}/images`, 'OPTIONS', {
        headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' },
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('POST');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await serving.stop();
    }
  });

  it('--replay and --proxy modes answer methods no Web Request carries from the mock', async () => {
    const recording = fileURLToPath(new URL('../../fixtures/recordings/clean.jsonl', import.meta.url));
    for (const mode of [
      ['--proxy', 'http://127.0.0.1:9/api/v1'],
      ['--replay', recording],
    ]) {
      const serving = await startServe([...mode, '--quiet']);
      try {
        for (const method of ['TRACE', 'TRACK', 'CONNECT']) {
          const answer = await rawRequest(`${serving.baseUrl}/images/models`, method);
          expect(answer.status, `${mode[0]} ${method}`).toBe(405);
          expect(answer.headers.allow).toBe('GET, HEAD');
        }
      } finally {
        await serving.stop();
      }
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
