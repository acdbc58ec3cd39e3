import { Agent, request as httpRequest } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerHandler, MockRequest } from '../../src/http/answer.ts';
import { listen, listenAnswers, type RunningServer } from '../../src/server/listen.ts';
import { serviceErrorAnswer } from '../../src/server/service-error-answer.ts';
import { rawRequest } from '../raw-http.ts';
import { deferred, nodeRequest, rawExchange, sleep, within } from './helpers.ts';

const servers: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(...args: Parameters<typeof listen>): Promise<RunningServer> {
  const server = await listen(...args);
  servers.push(server);
  return server;
}

async function canBind(host: string): Promise<boolean> {
  const probe = createNetServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}

const hasIpv6Loopback = await canBind('::1');

describe('listen', () => {
  it('serves the handler on 127.0.0.1 and reports url, port and host', async () => {
    const server = await start(async (request) => Response.json({ url: request.url }), { port: 0 });

    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.url}/api/v1/images/models`);
    expect(await response.json()).toEqual({ url: `${server.url}/api/v1/images/models` });
  });

  it('passes maxBodyBytes and onError to the adapter', async () => {
    const errors: unknown[] = [];
    const server = await start(
      async (request) => {
        if (request.method === 'GET') throw new Error('boom');
        return new Response('ok');
      },
      { port: 0, maxBodyBytes: 10, onError: (error) => errors.push(error) },
    );

    expect((await fetch(server.url, { method: 'POST', body: 'more than ten bytes' })).status).toBe(413);
    expect((await fetch(server.url)).status).toBe(500);
    expect(errors.map(String)).toEqual(['Error: boom']);
  });

  it('rejects with one clear line when the port is taken', async () => {
    const first = await start(async () => new Response('ok'), { port: 0 });

    await expect(listen(async () => new Response('ok'), { port: first.port })).rejects.toThrow(
      new Error(`[openrouter-images-mock] port ${first.port} on 127.0.0.1 is already in use (EADDRINUSE)`),
    );
  });

  it('keeps connections alive between requests', async () => {
    const server = await start(async () => new Response('ok'), { port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(server.url, { agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('socket', (socket) => sockets.add(socket));
          req.on('error', reject);
          req.end();
        });
      }
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it.skipIf(!hasIpv6Loopback)('listens on IPv6 ::1 with a bracketed url', async () => {
    const server = await start(async (request) => new Response(request.url), { port: 0, host: '::1' });

    expect(server.host).toBe('::1');
    expect(server.url).toBe(`http://[::1]:${server.port}`);
    const response = await fetch(`${server.url}/api/v1/images/models`);
    expect(await response.text()).toBe(`http://[::1]:${server.port}/api/v1/images/models`);
  });
});

describe('methods node:http does not hand to a request listener', () => {
  async function startAnswers(handler: AnswerHandler): Promise<RunningServer> {
    const server = await listenAnswers(handler, { port: 0 });
    servers.push(server);
    return server;
  }
  const echo: AnswerHandler = async (request: MockRequest) => ({
    status: 405,
    headers: [
      ['allow', 'POST'],
      [
        'x-seen',
        `${request.method} ${request.pathname} ${request.header('x-one')} body=${await request.text()}`,
      ],
    ],
    body: 'no',
  });

  it.each(['CONNECT', 'TRACK', 'FOO'])(
    'hands %s to the handler without its body, then closes',
    async (method) => {
      const server = await startAnswers(echo);

      const answer = await rawRequest(`${server.url}/api/v1/images`, method, {
        headers: { 'x-one': '1' },
        body: 'ignored',
      });

      expect(answer).toEqual({
        status: 405,
        headers: {
          allow: 'POST',
          'x-seen': `${method} /api/v1/images 1 body=`,
          'content-length': '2',
          connection: 'close',
        },
        body: 'no',
      });
    },
  );

  it('answers such a method after the answer in flight on the same connection', async () => {
    const server = await startAnswers(async (request) => {
      if (request.method === 'GET') await sleep(50);
      return { status: request.method === 'GET' ? 200 : 405, headers: [], body: request.method };
    });

    const raw = await rawExchange(
      server.port,
      '127.0.0.1',
      'GET / HTTP/1.1\r\nHost: a\r\n\r\nTRACK / HTTP/1.1\r\nHost: a\r\n\r\n',
    );

    expect(raw).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nGETHTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*TRACK$/,
    );
  });

  it('answers 501 for CONNECT and TRACK when the handler is a Web handler', async () => {
    const server = await start(async () => new Response('ok'), { port: 0, errorAnswer: serviceErrorAnswer });
    for (const method of ['CONNECT', 'TRACK', 'TRACE']) {
      const answer = await rawRequest(`${server.url}/api/v1/images`, method);
      expect(answer.status, method).toBe(501);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 501, message: `Method ${method} is not supported` },
      });
    }
  });

  it('still answers what node:http answers to requests it cannot parse', async () => {
    const server = await startAnswers(echo);

    expect(await rawExchange(server.port, '127.0.0.1', 'GET / HTTP/1.1\r\nno colon\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
    );
    expect(
      await rawExchange(server.port, '127.0.0.1', `GET / HTTP/1.1\r\nx: ${'a'.repeat(20_000)}\r\n\r\n`),
    ).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });

  it('answers 400 to CONNECT host:port: this server is no proxy', async () => {
    const server = await startAnswers(echo);

    const answer = await rawRequest(`${server.url}/`, 'CONNECT', {});
    const raw = await rawExchange(
      server.port,
      '127.0.0.1',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );

    expect(answer.status).toBe(405);
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

describe('close', () => {
  it('waits for an in-flight slow response to finish, then resolves', async () => {
    const arrived = deferred();
    const server = await listen(
      async () => {
        arrived.resolve();
        await sleep(300);
        return new Response('slow but complete');
      },
      { port: 0 },
    );

    const reply = nodeRequest(`${server.url}/slow`);
    await within(arrived.promise, 2_000, 'the request to reach the handler');
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });

    const { status, body, headers } = await reply;
    expect(status).toBe(200);
    expect(body).toBe('slow but complete');
    // The client is told not to reuse a connection that is going away.
    expect(headers.connection).toBe('close');
    await within(closing, 1_000, 'close() after the response');
    expect(closed).toBe(true);
    await expect(fetch(`${server.url}/again`)).rejects.toThrow();
  });

  it('closes a keep-alive connection once its in-flight response is done, even after the head was sent', async () => {
    const release = deferred();
    const server = await listen(
      async () => {
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('head sent; '));
            await release.promise;
            controller.enqueue(new TextEncoder().encode('done'));
            controller.close();
          },
        });
        return new Response(body);
      },
      { port: 0 },
    );
    const agent = new Agent({ keepAlive: true });
    try {
      const started = deferred();
      const body = new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${server.url}/stream`, { agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            started.resolve();
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      await within(started.promise, 2_000, 'the first chunk');

      const t0 = Date.now();
      const closing = server.close();
      release.resolve();

      expect(await body).toBe('head sent; done');
      await within(closing, 2_000, 'close()');
      // Well under the 5 s keep-alive timeout that would otherwise hold the connection.
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it('closes idle keep-alive connections at once', async () => {
    const server = await listen(async () => new Response('ok'), { port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      const socketClosed = deferred();
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(server.url, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('socket', (socket) => socket.once('close', () => socketClosed.resolve()));
        req.on('error', reject);
        req.end();
      });

      const t0 = Date.now();
      await within(server.close(), 1_000, 'close() with an idle connection');
      await within(socketClosed.promise, 1_000, 'the idle connection to be closed');
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it('cuts off what is still running after shutdownTimeoutMs and cancels its stream', async () => {
    const cancelled = deferred();
    const streaming = deferred();
    const server = await listen(
      async () => {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await sleep(20);
            controller.enqueue(new TextEncoder().encode('data: {}\n\n'));
            streaming.resolve();
          },
          cancel() {
            cancelled.resolve();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
      { port: 0, shutdownTimeoutMs: 200 },
    );
    const ended = nodeRequest(`${server.url}/forever`).catch((error: unknown) => error);
    await within(streaming.promise, 2_000, 'the stream to start');

    const t0 = Date.now();
    await within(server.close(), 2_000, 'close() after the shutdown timeout');
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    await within(cancelled.promise, 1_000, "the stream's cancel()");
    expect(await ended).toBeInstanceOf(Error);
  });

  it('is idempotent', async () => {
    const server = await listen(async () => new Response('ok'), { port: 0 });

    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
  });
});
