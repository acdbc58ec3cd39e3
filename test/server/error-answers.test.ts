import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ListenOptions, listen, type RunningServer } from '../../src/server/listen.ts';
import { startMockServer } from '../../src/server/mock-server.ts';
import type { ErrorAnswer } from '../../src/server/node/error-answer.ts';
import type { NodeListenerOptions } from '../../src/server/node/listener.ts';
import type { FetchHandler } from '../../src/server/node/web-handler.ts';
import { nodeRequest, rawExchange, serveAdapter, type TestServer, within } from './helpers.ts';

// The answers the node:http adapter gives on its own, where no handler answered: their bodies come
// from `errorAnswer`, plain text unless told otherwise; the mock server passes the service's shape.

const servers: (TestServer | RunningServer)[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function adapter(handler: FetchHandler, options?: NodeListenerOptions): Promise<TestServer> {
  const server = await serveAdapter(handler, options);
  servers.push(server);
  return server;
}

async function listening(handler: FetchHandler, options: ListenOptions = {}): Promise<RunningServer> {
  const server = await listen(handler, { port: 0, ...options });
  servers.push(server);
  return server;
}

const PLAIN = 'text/plain; charset=utf-8';
const echo: FetchHandler = async (request) => new Response(await request.text());

/** A chunked upload of `bytes`, which the adapter counts as it streams into the handler. */
function chunkedUpload(url: string, bytes: number): Promise<Response> {
  const piece = new Uint8Array(16 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) {
        controller.close();
        return;
      }
      controller.enqueue(piece);
      sent += piece.byteLength;
    },
  });
  return fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit & { duplex: 'half' });
}

/** The head of a request whose body never comes: the request time runs out. */
const STALLED = 'POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n{';

/** What a raw exchange received, the Date header (the only one that changes) blanked. */
const undated = (raw: string): string => raw.replace(/\r\nDate: [^\r]*/i, '\r\nDate: X');

describe('a generic Web handler served through the adapter gets plain-text error bodies', () => {
  it('413 for a body over maxBodyBytes, announced by Content-Length or counted while streaming', async () => {
    const handler = vi.fn(echo);
    const { url } = await adapter(handler, { maxBodyBytes: 1024 });

    const announced = await fetch(`${url}/upload`, { method: 'POST', body: new Uint8Array(4096) });
    const streamed = await chunkedUpload(`${url}/upload`, 64 * 1024);

    for (const response of [announced, streamed]) {
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toBe(PLAIN);
      expect(response.headers.get('content-length')).toBe('25');
      expect(await response.text()).toBe('Request payload too large');
    }
  });

  it('408 from listen for a request not sent within requestTimeoutMs, then the socket closed', async () => {
    const server = await listening(echo, { requestTimeoutMs: 300 });

    const raw = await within(rawExchange(server.port, '127.0.0.1', STALLED), 5_000, 'the 408');

    expect(raw).toBe(
      `HTTP/1.1 408 Request Timeout\r\ncontent-type: ${PLAIN}\r\ncontent-length: 17\r\n` +
        'Connection: close\r\n\r\nRequest timed out',
    );
  });

  it('400 for a Host that makes no URL, 500 for a handler that throws, 501 for TRACE', async () => {
    const onError = vi.fn();
    const { port, url } = await adapter(
      async () => {
        throw new Error('boom');
      },
      { onError },
    );

    const badHost = await rawExchange(
      port,
      '127.0.0.1',
      'GET / HTTP/1.1\r\nHost: evil.example/admin?\r\nConnection: close\r\n\r\n',
    );
    const failed = await nodeRequest(`${url}/`);
    const trace = await rawExchange(
      port,
      '127.0.0.1',
      'TRACE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );

    expect(badHost).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(badHost).toContain(`\r\ncontent-type: ${PLAIN}\r\ncontent-length: 11\r\n`);
    expect(badHost.endsWith('\r\n\r\nBad Request')).toBe(true);
    expect(failed).toMatchObject({ status: 500, body: 'Internal Server Error' });
    expect(failed.headers['content-type']).toBe(PLAIN);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(trace).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/);
    expect(trace).toContain(`\r\ncontent-type: ${PLAIN}\r\n`);
    expect(trace.endsWith('\r\n\r\nMethod TRACE is not supported')).toBe(true);
  });
});

describe('errorAnswer', () => {
  /** RFC 9457 problem details: a shape of the caller's own. */
  const problem = (status: number, message: string): ErrorAnswer => ({
    headers: { 'Content-Type': 'application/problem+json', 'x-made-by': 'test' },
    body: JSON.stringify({ status, title: message }),
  });

  it('makes the body of every answer the adapter gives on its own, from its status and message', async () => {
    const made = vi.fn(problem);
    const server = await listening(
      async (request) => {
        if (new URL(request.url).pathname === '/throw') throw new Error('boom');
        return echo(request);
      },
      { maxBodyBytes: 1024, requestTimeoutMs: 300, errorAnswer: made, onError: () => {} },
    );

    const tooLarge = await nodeRequest(`${server.url}/upload`, { method: 'POST', body: 'x'.repeat(2048) });
    const failed = await nodeRequest(`${server.url}/throw`);
    const trace = await rawExchange(
      server.port,
      '127.0.0.1',
      'TRACE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    const timedOut = await within(rawExchange(server.port, '127.0.0.1', STALLED), 5_000, 'the 408');

    expect(made.mock.calls).toEqual([
      [413, 'Request payload too large'],
      [500, 'Internal Server Error'],
      [501, 'Method TRACE is not supported'],
      [408, 'Request timed out'],
    ]);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['content-type']).toBe('application/problem+json');
    expect(tooLarge.headers['x-made-by']).toBe('test');
    expect(JSON.parse(tooLarge.body)).toEqual({ status: 413, title: 'Request payload too large' });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ status: 500, title: 'Internal Server Error' });
    expect(trace).toMatch(/^HTTP\/1\.1 501 /);
    expect(trace).toContain('\r\ncontent-type: application/problem+json\r\n');
    const body408 = '{"status":408,"title":"Request timed out"}';
    expect(timedOut).toBe(
      'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nx-made-by: test\r\n' +
        `content-length: ${body408.length}\r\nConnection: close\r\n\r\n${body408}`,
    );
  });

  it('that throws is reported to onError, and the answer still goes out in plain text', async () => {
    const onError = vi.fn();
    const broken = new Error('no shape today');
    const server = await listening(echo, {
      maxBodyBytes: 10,
      requestTimeoutMs: 300,
      onError,
      errorAnswer: () => {
        throw broken;
      },
    });

    const tooLarge = await nodeRequest(`${server.url}/upload`, {
      method: 'POST',
      body: 'more than ten bytes',
    });
    const timedOut = await within(rawExchange(server.port, '127.0.0.1', STALLED), 5_000, 'the 408');

    expect(tooLarge).toMatchObject({ status: 413, body: 'Request payload too large' });
    expect(tooLarge.headers['content-type']).toBe(PLAIN);
    expect(timedOut).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\nRequest timed out$/);
    expect(onError.mock.calls).toEqual([[broken], [broken]]);
  });

  it('whose headers node:http refuses is reported, and the answer still goes out in plain text', async () => {
    const onError = vi.fn();
    const { url } = await adapter(echo, {
      maxBodyBytes: 10,
      onError,
      errorAnswer: () => ({ headers: { 'x-split': 'a\r\nx-injected: 1' }, body: 'unsent' }),
    });

    const tooLarge = await nodeRequest(`${url}/upload`, { method: 'POST', body: 'more than ten bytes' });

    expect(tooLarge).toMatchObject({ status: 413, body: 'Request payload too large' });
    expect(tooLarge.headers['x-injected']).toBeUndefined();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_INVALID_CHAR' }));
  });
});

describe("the mock server's own error answers are the service's, byte for byte", () => {
  it('413, 408 and 400 over HTTP on 127.0.0.1', async () => {
    const server = await startMockServer({ port: 0, log: false, maxBodyBytes: 1024, requestTimeoutMs: 300 });
    servers.push(server);
    const post = 'POST /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

    const [tooLarge, streamedTooLarge, badHost, timedOut] = await Promise.all([
      rawExchange(server.port, '127.0.0.1', `${post}Content-Length: 2048\r\nConnection: close\r\n\r\n`),
      rawExchange(
        server.port,
        '127.0.0.1',
        `${post}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
          `800\r\n${'a'.repeat(2048)}\r\n0\r\n\r\n`,
      ),
      rawExchange(
        server.port,
        '127.0.0.1',
        'GET /api/v1/images HTTP/1.1\r\nHost: evil.example/admin?\r\nConnection: close\r\n\r\n',
      ),
      within(rawExchange(server.port, '127.0.0.1', `${post}Content-Length: 100\r\n\r\n{`), 5_000, 'the 408'),
    ]);

    const json = (status: number, reason: string, body: string, dated = true) =>
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n` +
      `${dated ? 'Date: X\r\n' : ''}Connection: close\r\n\r\n${body}`;
    const tooLargeBody = '{"error":{"code":413,"message":"Request payload too large"}}';
    expect(undated(tooLarge)).toBe(json(413, 'Payload Too Large', tooLargeBody));
    expect(undated(streamedTooLarge)).toBe(json(413, 'Payload Too Large', tooLargeBody));
    expect(undated(badHost)).toBe(json(400, 'Bad Request', '{"error":{"code":400,"message":"Bad Request"}}'));
    expect(timedOut).toBe(
      json(408, 'Request Timeout', '{"error":{"code":408,"message":"Request timed out"}}', false),
    );
  });
});
