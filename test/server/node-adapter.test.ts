import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeListenerOptions } from '../../src/server/node/listener.ts';
import type { FetchHandler } from '../../src/server/node/web-handler.ts';
import { serviceErrorAnswer } from '../../src/server/service-error-answer.ts';
import {
  deferred,
  nodeRequest,
  rawExchange,
  serveAdapter,
  sleep,
  type TestServer,
  within,
} from './helpers.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

// The adapter's own answers with the bodies the mock server gives them, the service's error shape;
// its default bodies are pinned in error-answers.test.ts.
async function start(handler: FetchHandler, options?: NodeListenerOptions): Promise<TestServer> {
  server = await serveAdapter(handler, { errorAnswer: serviceErrorAnswer, ...options });
  return server;
}

const MiB = 1024 * 1024;

describe('the request the handler receives', () => {
  it('carries method, URL, headers (repeated ones combined) and a JSON body intact', async () => {
    const seen = deferred<{ method: string; url: string; headers: [string, string][]; body: unknown }>();
    const { url } = await start(async (request) => {
      seen.resolve({
        method: request.method,
        url: request.url,
        headers: [...request.headers],
        body: await request.json(),
      });
      return new Response('ok');
    });

    const payload = { model: 'openai/gpt-image-1', prompt: 'a red fox, ünïcödé', n: 2 };
    const reply = await nodeRequest(`${url}/api/v1/images?x=1&y=%20z`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-or-test',
        'x-multi': ['first', 'second'],
      },
      body: JSON.stringify(payload),
    });

    expect(reply.status).toBe(200);
    const got = await seen.promise;
    expect(got.method).toBe('POST');
    expect(got.url).toBe(`${url}/api/v1/images?x=1&y=%20z`);
    const headers = new Map(got.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('authorization')).toBe('Bearer sk-or-test');
    expect(headers.get('x-multi')).toBe('first, second');
    expect(headers.get('host')).toBe(url.slice('http://'.length));
    expect(got.body).toEqual(payload);
  });

  it('has no body for GET and an unaborted signal while the exchange runs', async () => {
    const seen = deferred<{ body: unknown; aborted: boolean }>();
    const { url } = await start(async (request) => {
      seen.resolve({ body: request.body, aborted: request.signal.aborted });
      return new Response(null, { status: 204 });
    });

    const response = await fetch(`${url}/api/v1/images/models`);

    expect(response.status).toBe(204);
    expect(await seen.promise).toEqual({ body: null, aborted: false });
  });

  it('builds the URL from the socket address when an HTTP/1.0 request has no Host header', async () => {
    const seen = deferred<string>();
    const { port } = await start(async (request) => {
      seen.resolve(request.url);
      return new Response('ok');
    });

    const raw = await rawExchange(port, '127.0.0.1', 'GET /api/v1/images/models HTTP/1.0\r\n\r\n');

    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await seen.promise).toBe(`http://127.0.0.1:${port}/api/v1/images/models`);
  });

  it('answers 400 to a Host header that would change the path', async () => {
    const handler = vi.fn(async () => new Response('ok'));
    const { port } = await start(handler);

    const raw = await rawExchange(
      port,
      '127.0.0.1',
      'GET /api/v1/images HTTP/1.1\r\nHost: evil.example/admin?\r\nConnection: close\r\n\r\n',
    );

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('{"error":{"code":400,"message":"Bad Request"}}');
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers TRACE, which no Web Request can carry, with 501 without calling the handler', async () => {
    const handler = vi.fn(async () => new Response('ok'));
    const { port } = await start(handler);

    const raw = await rawExchange(
      port,
      '127.0.0.1',
      'TRACE /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );

    expect(raw).toMatch(/^HTTP\/1\.1 501 /);
    expect(raw).toContain('{"error":{"code":501,"message":"Method TRACE is not supported"}}');
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('the response the client receives', () => {
  it('keeps status, reason phrase, headers, several Set-Cookie and the body', async () => {
    const { url } = await start(async () => {
      const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': 'abc' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/');
      return new Response('{"created":1}', { status: 201, statusText: 'Made It', headers });
    });

    const reply = await nodeRequest(`${url}/x`);

    expect(reply.status).toBe(201);
    expect(reply.statusMessage).toBe('Made It');
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['x-request-id']).toBe('abc');
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    // A body that is complete at once goes out with its length rather than chunked.
    expect(reply.headers['content-length']).toBe('13');
    expect(reply.body).toBe('{"created":1}');
  });

  it("uses Node's reason phrase when the Response has no statusText", async () => {
    const { url } = await start(async () =>
      Response.json({ error: { code: 404, message: 'nope' } }, { status: 404 }),
    );

    const reply = await nodeRequest(`${url}/missing`);

    expect(reply.status).toBe(404);
    expect(reply.statusMessage).toBe('Not Found');
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 404, message: 'nope' } });
  });

  it('delivers a streamed body chunk by chunk, before the handler has produced the end', async () => {
    const firstRead = deferred();
    const encoder = new TextEncoder();
    const { url } = await start(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('data: {"type":"image_generation.partial_image"}\n\n'));
          // The last event is produced only after the client has read the first one.
          await firstRead.promise;
          await sleep(20);
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });

    const response = await fetch(`${url}/api/v1/images`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.body).not.toBeNull();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();

    const first = await within(reader.read(), 2_000, 'the first chunk');
    expect(decoder.decode(first.value)).toBe('data: {"type":"image_generation.partial_image"}\n\n');
    firstRead.resolve();

    let rest = '';
    for (;;) {
      const { done, value } = await within(reader.read(), 2_000, 'the rest of the stream');
      if (done) break;
      rest += decoder.decode(value, { stream: true });
    }
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('cancels the response stream and aborts the request signal when the client disconnects mid-stream', async () => {
    const cancelled = deferred<unknown>();
    const aborted = deferred();
    const streaming = deferred();
    let pulls = 0;
    let pullsAfterCancel = 0;
    let isCancelled = false;
    const { url } = await start(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve());
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (isCancelled) pullsAfterCancel++;
          pulls++;
          await sleep(10);
          controller.enqueue(new TextEncoder().encode(`data: {"n":${pulls}}\n\n`));
          streaming.resolve();
        },
        cancel(reason) {
          isCancelled = true;
          cancelled.resolve(reason);
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });

    const client = httpRequest(`${url}/api/v1/images`, { method: 'POST' }, (res) => {
      res.once('data', () => client.destroy());
    });
    client.on('error', () => {});
    client.end('{}');

    await within(streaming.promise, 2_000, 'the stream to start');
    await within(cancelled.promise, 2_000, "the response stream's cancel()");
    await within(aborted.promise, 2_000, 'the request signal to abort');
    // Nothing asks the producer for more once cancelled.
    await sleep(50);
    expect(pullsAfterCancel).toBe(0);
  });

  it('never calls the handler when the client leaves during a small upload of announced length', async () => {
    const handler = vi.fn(async () => new Response('unreachable'));
    const onError = vi.fn();
    const { url } = await start(handler, { onError });
    const client = httpRequest(`${url}/api/v1/images`, {
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    client.on('error', () => {});
    client.write('{"prompt":');
    await sleep(50);
    client.destroy();
    await sleep(100);
    expect(handler).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });

  it('aborts the signal and reports nothing when the client leaves during the upload', async () => {
    const onError = vi.fn();
    const aborted = deferred();
    const handlerFailed = deferred<unknown>();
    const reading = deferred();
    const { url } = await start(
      async (request) => {
        request.signal.addEventListener('abort', () => aborted.resolve());
        reading.resolve();
        try {
          await request.arrayBuffer();
        } catch (error) {
          handlerFailed.resolve(error);
          throw error;
        }
        return new Response('unreachable');
      },
      { onError },
    );

    // A chunked upload streams into the handler (small bodies of announced length are buffered first).
    const client = httpRequest(`${url}/api/v1/images`, {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
    });
    client.on('error', () => {});
    client.write('{"prompt":');
    await within(reading.promise, 2_000, 'the handler to start reading');
    await sleep(20);
    client.destroy();

    await within(aborted.promise, 2_000, 'the request signal to abort');
    await within(handlerFailed.promise, 2_000, 'the body read to fail');
    await sleep(20);
    expect(onError).not.toHaveBeenCalled();
  });

  it('sends no body for HEAD and cancels the body the handler made', async () => {
    const cancelled = deferred();
    const { port } = await start(async () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode('never sent'));
        },
        cancel() {
          cancelled.resolve();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/plain', 'content-length': '10' } });
    });

    const raw = await rawExchange(
      port,
      '127.0.0.1',
      'HEAD /api/v1/images/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );

    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\ncontent-length: 10(\r\n|$)/i);
    expect(body).toBe('');
    await within(cancelled.promise, 2_000, 'the HEAD body to be cancelled');
  });

  it('writes large bodies with back-pressure, intact', async () => {
    const size = 8 * MiB;
    const chunk = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    const { url } = await start(async () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= size) {
            controller.close();
            return;
          }
          controller.enqueue(chunk.slice());
          sent += chunk.byteLength;
        },
      });
      return new Response(body);
    });

    const response = await fetch(`${url}/big`);
    const bytes = new Uint8Array(await response.arrayBuffer());

    expect(bytes.byteLength).toBe(size);
    expect(bytes[64 * 1024 + 300]).toBe(300 % 251);
  });
});

describe('request body limit', () => {
  const tooLarge = { error: { code: 413, message: 'Request payload too large' } };

  it('answers 413 to a Content-Length above the limit without calling the handler', async () => {
    const handler = vi.fn(async () => new Response('ok'));
    const { url } = await start(handler, { maxBodyBytes: MiB });

    const response = await fetch(`${url}/api/v1/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(20 * MiB),
    });

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(tooLarge);
    expect(handler).not.toHaveBeenCalled();
    // The server is still there for the next request.
    expect((await fetch(`${url}/next`)).status).toBe(200);
  });

  it('answers 413 once a chunked body passes the limit, having read at most the limit', async () => {
    const onError = vi.fn();
    const handlerFailure = deferred<unknown>();
    let bytesSeen = 0;
    const { url } = await start(
      async (request) => {
        try {
          const reader = (request.body as ReadableStream<Uint8Array>).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytesSeen += value.byteLength;
          }
        } catch (error) {
          handlerFailure.resolve(error);
          throw error;
        }
        return new Response('read it all');
      },
      { maxBodyBytes: MiB, onError },
    );

    const piece = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20 * MiB) {
          controller.close();
          return;
        }
        controller.enqueue(piece);
        sent += piece.byteLength;
      },
    });
    const response = await fetch(`${url}/api/v1/images`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(tooLarge);
    expect(await within(handlerFailure.promise, 2_000, 'the handler to see the error')).toBeInstanceOf(Error);
    expect(bytesSeen).toBeLessThanOrEqual(MiB);
    // Failing because the body was refused is expected, not an error to report.
    expect(onError).not.toHaveBeenCalled();
  });

  it('drops the unread rest of a body so the connection serves the next request', async () => {
    const { url } = await start(async (request) => {
      if (request.body) {
        const reader = request.body.getReader();
        await reader.read();
        // Answer after one chunk, leaving the rest of the upload unread.
        return new Response('partial read');
      }
      return new Response('next');
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = (method: string, body?: Uint8Array): Promise<string> =>
        new Promise((resolve, reject) => {
          const req = httpRequest(`${url}/x`, { method, agent }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end(body);
        });

      expect(await send('POST', new Uint8Array(512 * 1024))).toBe('partial read');
      expect(await within(send('GET'), 2_000, 'the next request on the same connection')).toBe('next');
    } finally {
      agent.destroy();
    }
  });

  it('accepts a body exactly at the limit', async () => {
    const { url } = await start(
      async (request) => new Response(String((await request.arrayBuffer()).byteLength)),
      {
        maxBodyBytes: 1000,
      },
    );

    const response = await fetch(`${url}/x`, { method: 'POST', body: new Uint8Array(1000) });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1000');
  });
});

describe('handler failures', () => {
  it('answers 500 in the error shape, reports through onError, and keeps serving', async () => {
    const onError = vi.fn();
    const boom = new Error('boom');
    const { url } = await start(
      async (request) => {
        const path = new URL(request.url).pathname;
        if (path === '/throw') throw boom;
        if (path === '/reject') return Promise.reject(new TypeError('nope'));
        if (path === '/not-a-response') return 'hello' as unknown as Response;
        return new Response('still here');
      },
      { onError },
    );

    for (const path of ['/throw', '/reject', '/not-a-response']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ error: { code: 500, message: 'Internal Server Error' } });
    }
    expect(onError).toHaveBeenCalledTimes(3);
    expect(onError.mock.calls[0]?.[0]).toBe(boom);

    const next = await fetch(`${url}/fine`);
    expect(next.status).toBe(200);
    expect(await next.text()).toBe('still here');
  });

  it('logs to console.error with the project prefix by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { url } = await start(async () => {
        throw new Error('boom');
      });
      expect((await fetch(`${url}/`)).status).toBe(500);
      expect(spy).toHaveBeenCalledWith('[openrouter-images-mock]', expect.any(Error));
    } finally {
      spy.mockRestore();
    }
  });

  it('cuts the connection when the body stream fails after the head was sent', async () => {
    const onError = vi.fn();
    const { url } = await start(
      async () => {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            controller.enqueue(new TextEncoder().encode('partial'));
            await sleep(20);
            controller.error(new Error('generator failed'));
          },
        });
        return new Response(body);
      },
      { onError },
    );

    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'generator failed' }));
  });

  it('turns Response.error() into a dropped connection', async () => {
    const { url } = await start(async () => Response.error());

    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
