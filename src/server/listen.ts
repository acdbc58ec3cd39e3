import { createServer, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnswerHandler } from '../http/answer.ts';
import { said, TAG } from '../message.ts';
import { type ErrorAnswer, plainErrorAnswer } from './node/error-answer.ts';
import { createAnswerListener } from './node/listener.ts';
import { answerOffParser } from './node/off-parser.ts';
import { type FetchHandler, viaWebHandler } from './node/web-handler.ts';

/** Options of {@link listen}. */
export interface ListenOptions {
  /** TCP port; 0 picks any free port. @default 4010 */
  port?: number;
  /** Interface to bind; `::1` and other IPv6 literals are accepted without brackets. @default '127.0.0.1' */
  host?: string;
  /** Largest request body accepted, in bytes (413 beyond). @default 10 MiB */
  maxBodyBytes?: number;
  /** How long `close()` lets in-flight requests finish before cutting them off. @default 5000 */
  shutdownTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, head and body; past it the answer is 408
   * (its body from `errorAnswer`) and the connection is closed, so a client that stalls or drips its
   * upload cannot hold a socket. The time to answer is not counted. 0 turns the limit off.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /** Receives handler and write errors. @default console.error with the `[openrouter-images-mock]` prefix */
  onError?: (error: unknown) => void;
  /**
   * Makes the headers and body of each answer the server gives on its own: 408 (`requestTimeoutMs`),
   * 413 (`maxBodyBytes`), 400 (a request that makes no URL), 500 (the handler failed), 501 (CONNECT,
   * TRACE or TRACK, which no Web `Request` can carry). Gets the status and a short message
   * (`Request timed out`); Content-Length and Connection are the server's.
   * @default the message as plain text (`text/plain; charset=utf-8`)
   */
  errorAnswer?: (status: number, message: string) => ErrorAnswer;
}

/** A server started by {@link listen}. */
export interface RunningServer {
  /** Origin to send requests to, e.g. `http://127.0.0.1:4010` or `http://[::1]:4010`. */
  url: string;
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** The address actually bound, e.g. `127.0.0.1` or `::1`. */
  host: string;
  /**
   * Stops accepting connections, closes idle keep-alive connections at once, lets in-flight
   * requests finish for up to `shutdownTimeoutMs`, then destroys what is left. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Serves a {@link FetchHandler} over HTTP/1.1 with keep-alive, on 127.0.0.1:4010 unless told otherwise.
 *
 * Rejects with a one-line error when the port cannot be bound, e.g.
 * said(`port 4010 on 127.0.0.1 is already in use (EADDRINUSE)`).
 *
 * @param handler The core: `(request) => Promise<Response>`.
 * @param options `port` (default 4010, 0 = any free), `host` (default `127.0.0.1`), `maxBodyBytes`
 *   (default 10 MiB), `shutdownTimeoutMs` (default 5000), `requestTimeoutMs` (default 30000),
 *   `onError` (default `console.error`), `errorAnswer` (default: the message as plain text).
 * @example
 * const server = await listen(async () => Response.json({ ok: true }), { port: 0 });
 * await fetch(`${server.url}/api/v1/images/models`);
 * await server.close();
 * @see createNodeListener to mount the handler on a server you create yourself.
 */
export function listen(handler: FetchHandler, options: ListenOptions = {}): Promise<RunningServer> {
  return listenAnswers(viaWebHandler(handler, options.errorAnswer), options);
}

/**
 * {@link listen} for a handler of plain requests and answers: how the standalone server runs.
 * Every method reaches the handler, CONNECT and methods node:http's parser does not know included
 * (those without their body, on a connection closed after the answer).
 */
export async function listenAnswers(
  handler: AnswerHandler,
  options: ListenOptions = {},
): Promise<RunningServer> {
  const onError = options.onError ?? ((error: unknown) => console.error(TAG, error));
  const errorAnswer = options.errorAnswer ?? plainErrorAnswer;
  const listener = createAnswerListener(handler, {
    maxBodyBytes: options.maxBodyBytes,
    onError,
    errorAnswer,
  });
  const port = options.port ?? 4010;
  const host = options.host ?? '127.0.0.1';
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  let closing: Promise<void> | undefined;
  // Responses not yet finished: close() must turn their connections over once they are done,
  // because Node keeps a connection that was busy at close() open until its keep-alive timeout.
  const active = new Set<ServerResponse>();
  const server = createServer(requestTimeouts(requestTimeoutMs), (req, res) => {
    active.add(res);
    res.once('close', () => active.delete(res));
    if (closing !== undefined) releaseAfter(res);
    listener(req, res);
  });
  const inFlight = (socket: unknown) => [...active].find((res) => res.socket === socket);
  answerOffParser(server, handler, { inFlight, onError, errorAnswer });

  function releaseAfter(res: ServerResponse): void {
    // Tell the client not to reuse the connection, when the head is not out yet.
    if (!res.headersSent) res.shouldKeepAlive = false;
    // The connection counts as idle once Node has detached the finished response; then drop it.
    res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(listenError(error, port, host));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const boundHost = address.address;
  return {
    url: `http://${urlHost(boundHost)}:${address.port}`,
    port: address.port,
    host: boundHost,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => server.closeAllConnections(), shutdownTimeoutMs);
        timer.unref();
        server.close((error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        });
        // server.close() drops idle connections itself; busy ones go as their responses finish.
        for (const res of active) releaseAfter(res);
      });
      return closing;
    },
  };
}

/** Default of `requestTimeoutMs`: ample for any upload on loopback, short for a stalled one. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * node:http's own request and head timeouts, at `ms`. Node checks them only every
 * `connectionsCheckingInterval` (30 s by default), so that follows the timeout: it fires within a
 * quarter of it more, never more often than every 50 ms.
 */
function requestTimeouts(ms: number): ServerOptions {
  if (!(ms > 0)) return { requestTimeout: 0 };
  return {
    requestTimeout: ms,
    headersTimeout: ms,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(ms / 4))),
  };
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `port ${port} on ${host}`;
  let reason: string;
  switch (error.code) {
    case 'EADDRINUSE':
      reason = 'is already in use';
      break;
    case 'EACCES':
      reason = 'needs more privileges';
      break;
    case 'EADDRNOTAVAIL':
      reason = 'is not available: that address is not on this machine';
      break;
    default:
      return new Error(said(`cannot listen on ${where}: ${error.message}`), { cause: error });
  }
  return new Error(said(`${where} ${reason} (${error.code})`), { cause: error });
}

/** Wildcard binds are reached through loopback; IPv6 literals need brackets in a URL. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
