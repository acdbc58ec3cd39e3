import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerHandler, MockRequest } from '../../src/http/answer.ts';
import { createAnswerListener, type NodeListenerOptions } from '../../src/server/node/listener.ts';
import { serviceErrorAnswer } from '../../src/server/service-error-answer.ts';
import { deferred, nodeRequest, rawExchange, serveListener, type TestServer } from './helpers.ts';

// The standalone server's own path: plain requests and answers, no Web Request or Response.

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

// The adapter's own answers with the bodies the mock server gives them (see error-answers.test.ts).
async function start(handler: AnswerHandler, options?: NodeListenerOptions): Promise<TestServer> {
  server = await serveListener(
    createAnswerListener(handler, { errorAnswer: serviceErrorAnswer, ...options }),
  );
  return server;
}

interface Seen {
  method: string;
  url: string;
  pathname: string;
  headers: [string, string][];
  multi: string | null;
  missing: string | null;
  text: string;
}

function recordInto(seen: ReturnType<typeof deferred<Seen>>): AnswerHandler {
  return async (request: MockRequest) => {
    seen.resolve({
      method: request.method,
      url: request.url,
      pathname: request.pathname,
      headers: [...request.headerEntries()],
      multi: request.header('x-multi'),
      missing: request.header('x-missing'),
      text: await request.text(),
    });
    return { status: 200, headers: [], body: 'ok' };
  };
}

describe('the plain request the handler receives', () => {
  it('reads as the Web Request of the same bytes would: URL normalized, headers combined, body decoded', async () => {
    const seen = deferred<Seen>();
    const { url } = await start(recordInto(seen));
    // A BOM, a bad UTF-8 byte and a multi-byte character: decoded as Request.text() decodes them.
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"prompt":"ü'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const target = `${url}/api/v1/./x/../images?y=%20z&q=a b`;

    const reply = await nodeRequest(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Multi': ['first', 'second'] },
      body,
    });

    expect(reply.status).toBe(200);
    const got = await seen.promise;
    const web = new Request(target, {
      method: 'POST',
      headers: [
        ['x-multi', 'first'],
        ['x-multi', 'second'],
      ],
      body,
    });
    expect(got.method).toBe('POST');
    expect(got.url).toBe(web.url);
    expect(got.pathname).toBe('/api/v1/images');
    expect(got.text).toBe(await web.text());
    expect(got.multi).toBe('first, second');
    expect(got.missing).toBeNull();
    const headers = new Map(got.headers);
    expect(headers.get('x-multi')).toBe('first, second');
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('host')).toBe(url.slice('http://'.length));
    expect([...headers.keys()].every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('streams a chunked body into text() and offers the same request as a Web Request', async () => {
    const seen = deferred<{ text: string; again: string }>();
    const { url } = await start(async (request) => {
      const web = request.toRequest();
      const text = await web.text();
      seen.resolve({ text, again: web.url });
      return { status: 204, headers: [], body: null };
    });
    const payload = 'x'.repeat(3 * 1024 * 1024);

    const reply = await nodeRequest(`${url}/big`, {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: payload,
    });

    expect(reply.status).toBe(204);
    const got = await seen.promise;
    expect(got.text).toBe(payload);
    expect(got.again).toBe(`${url}/big`);
  });

  it('answers 400 without calling the handler to a Host that would change the path', async () => {
    const handler = vi.fn<AnswerHandler>(async () => ({ status: 200, headers: [], body: 'ok' }));
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

  it('hands TRACE to the handler like any method: the plain path builds no Web Request', async () => {
    const seen = deferred<Seen>();
    const { port } = await start(recordInto(seen));

    const raw = await rawExchange(
      port,
      '127.0.0.1',
      'TRACE /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );

    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(await seen.promise).toMatchObject({ method: 'TRACE', pathname: '/api/v1/images', text: '' });
  });
});

describe('the plain answer the client receives', () => {
  it('writes a string or bytes body in one piece with its Content-Length, headers as given', async () => {
    const { url } = await start(async (request) =>
      request.pathname === '/text'
        ? {
            status: 201,
            statusText: 'Made',
            headers: [
              ['content-type', 'application/json'],
              ['x-twice', 'a'],
              ['x-twice', 'b'],
            ],
            body: '{"name":"ü"}',
          }
        : { status: 200, headers: [['content-type', 'image/png']], body: new Uint8Array([137, 80, 78, 71]) },
    );

    const text = await rawExchange(
      Number(new URL(url).port),
      '127.0.0.1',
      'GET /text HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    const bytes = await fetch(`${url}/bytes`);

    expect(text).toMatch(/^HTTP\/1\.1 201 Made\r\n/);
    expect(text).toMatch(/\r\ncontent-length: 13\r\n/i);
    expect(text).toMatch(/\r\nx-twice: a\r\nx-twice: b\r\n/i);
    expect(text).not.toMatch(/transfer-encoding/i);
    expect(Buffer.from(text, 'latin1').toString('utf8').endsWith('{"name":"ü"}')).toBe(true);
    expect(bytes.headers.get('content-length')).toBe('4');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([137, 80, 78, 71]);
  });

  it('streams a ReadableStream body chunk by chunk and drops the connection for status 0', async () => {
    const { url } = await start(async (request) => {
      if (request.pathname === '/drop') return { status: 0, headers: [], body: null };
      const encoder = new TextEncoder();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (sent === 3) controller.close();
          else controller.enqueue(encoder.encode(`data: ${sent++}\n\n`));
        },
      });
      return { status: 200, headers: [['content-type', 'text/event-stream']], body };
    });

    const streamed = await fetch(`${url}/stream`);

    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(await streamed.text()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\n');
    await expect(fetch(`${url}/drop`)).rejects.toThrow(TypeError);
  });

  it('answers 413 when a chunked body passes the limit while the handler reads it', async () => {
    const { url } = await start(
      async (request) => ({ status: 200, headers: [], body: String((await request.text()).length) }),
      { maxBodyBytes: 1024 },
    );

    const reply = await nodeRequest(`${url}/upload`, {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'y'.repeat(64 * 1024),
    });

    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 413, message: 'Request payload too large' } });
  });
});
