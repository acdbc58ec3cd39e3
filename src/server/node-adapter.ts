import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AnswerHandler, MockAnswer, MockRequest } from '../http/answer.ts';
import { fromWebResponse } from '../http/web.ts';
import { said, TAG } from '../message.ts';

/** A Web-standard request handler: the mock's core, independent of any server. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Largest request body accepted, in bytes. A larger body (announced by Content-Length or
   * counted while streaming) is answered with 413 without being buffered.
   * @default 10 MiB (10_485_760)
   */
  maxBodyBytes?: number;
  /**
   * Receives errors thrown by the handler or raised while writing a response.
   * @default console.error with the prefix `[openrouter-images-mock]`
   */
  onError?: (error: unknown) => void;
}

/** Default request body limit: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * After a 413 the rest of the body is read and dropped so the client, still uploading, can read the
 * answer instead of seeing a reset; this bounds how long that may take before the socket is destroyed.
 */
const DISCARD_LINGER_MS = 5_000;

const errorBodies = {
  400: errorBody(400, 'Bad Request'),
  413: errorBody(413, 'Request payload too large'),
  500: errorBody(500, 'Internal Server Error'),
} as const;

/** Methods the fetch standard forbids in a `Request` (compared in upper case). */
const WEB_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Whether a Web `Request` can carry this method: every token but CONNECT, TRACE and TRACK. */
export function isWebMethod(method: string): boolean {
  return !WEB_FORBIDDEN_METHODS.has(method.toUpperCase());
}

function errorBody(code: number, message: string): Buffer {
  return Buffer.from(JSON.stringify({ error: { code, message } }));
}

/** Raised into the request body stream when the body passes `maxBodyBytes`. */
class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

const noop = (): void => {};

function defaultOnError(error: unknown): void {
  console.error(TAG, error);
}

/**
 * Adapts a Web-standard {@link FetchHandler} to a `node:http` request listener.
 *
 * The handler receives a `Request` whose `signal` aborts when the client disconnects before the
 * response is finished; its body streams from the socket and is capped at `maxBodyBytes` (413).
 * The `Response` is written with back-pressure; its body is cancelled when the client goes away.
 * A handler that throws or rejects yields 500 in OpenRouter's error shape and is reported to
 * `onError`; the listener itself never throws.
 *
 * A `Response.error()` (status 0) destroys the connection, the closest a server gets to a network error.
 * A body that fails, even before its first byte, is a cut: the status and what was read go out,
 * then the socket closes without the body's end (never a 500 once the handler has answered).
 *
 * @param handler The core: `(request) => Promise<Response>`.
 * @param options Body limit (default 10 MiB) and error sink (default `console.error`).
 * @example
 * import { createServer } from 'node:http';
 * const server = createServer(createNodeListener(async () => Response.json({ ok: true })));
 * server.listen(4010, '127.0.0.1');
 * @see listen for a ready-made server with graceful shutdown.
 */
export function createNodeListener(
  handler: FetchHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return createAnswerListener(viaWebHandler(handler), options);
}

/**
 * A Web-standard handler as an {@link AnswerHandler}: the `Request` is built only here. A method no
 * `Request` can carry (CONNECT, TRACE, TRACK) never reaches the handler: it is answered 501, the
 * status for a method the server does not support on any resource (RFC 9110, 15.6.2).
 */
export function viaWebHandler(handler: FetchHandler): AnswerHandler {
  return async (request) => {
    if (!isWebMethod(request.method)) {
      const body = JSON.stringify({
        error: { code: 501, message: `Method ${request.method} is not supported` },
      });
      return { status: 501, headers: [['content-type', 'application/json']], body };
    }
    const response = await handler(request.toRequest());
    if (!isResponse(response)) {
      throw new TypeError(said(`the handler resolved ${String(response)} instead of a Response`));
    }
    return fromWebResponse(response);
  };
}

/**
 * {@link createNodeListener} for a handler of plain requests and answers (src/http/answer.ts):
 * what the standalone server runs, so a small exchange builds no Web `Request` or `Response`.
 */
export function createAnswerListener(
  handler: AnswerHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? defaultOnError;
  return (req, res) => {
    // `serve` catches everything it can; this last guard keeps a bug here from crashing the process.
    serve(handler, req, res, maxBodyBytes, onError).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendError(res, 500);
      else res.destroy();
    });
  };
}

async function serve(
  handler: AnswerHandler,
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  onError: (error: unknown) => void,
): Promise<void> {
  const method = req.method ?? 'GET';
  const contentLength = req.headers['content-length'];
  if (contentLength !== undefined && Number(contentLength) > maxBodyBytes) {
    // Known too large up front: answer without ever calling the handler or reading the body.
    sendError(res, 413);
    discardBody(req);
    return;
  }
  const target = targetUrl(req.url ?? '/', req.headers.host, req.socket);
  if (target === undefined) {
    // Malformed target or Host header.
    sendError(res, 400);
    discardBody(req);
    return;
  }

  const abort = new LazyAbort();
  // Set by whoever answers on the handler's behalf (413) or when the client leaves.
  let settled = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let body: RequestBody | undefined;
  res.once('close', () => {
    if (res.writableFinished) {
      // Answered before reading the whole body: drop the rest so the connection can go on.
      body?.release();
      return;
    }
    settled = true;
    abort.abort();
    // Cancel at once so a producer (e.g. an SSE generator) stops instead of filling a dead socket.
    reader?.cancel().catch(noop);
  });

  let buffered: Buffer | undefined;
  if (
    method !== 'GET' &&
    method !== 'HEAD' &&
    contentLength !== undefined &&
    Number(contentLength) <= BUFFER_BELOW
  ) {
    // A small body of announced length (every JSON request of this API) is read whole first: it is
    // already bounded above, and bytes in hand are far cheaper to decode than a stream.
    buffered = await readSmallBody(req);
    if (buffered === undefined) return;
  } else if (method !== 'GET' && method !== 'HEAD' && hasBody(req, contentLength)) {
    body = createRequestBody(req, maxBodyBytes, () => {
      if (settled) return;
      settled = true;
      abort.abort();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 413);
      discardBody(req);
    });
  }

  const request = new NodeRequest(req, method, target, abort, buffered ?? body?.stream ?? null);
  let answer: MockAnswer;
  try {
    answer = await handler(request);
  } catch (error) {
    // A handler failing because we aborted it (413) or the client left is expected, not an error.
    if (settled || req.socket.destroyed) return;
    onError(error);
    sendError(res, 500);
    return;
  }
  const source = answer.body;
  if (settled) {
    cancelBody(source);
    return;
  }

  const status = answer.status;
  if (status === 0) {
    cancelBody(source);
    res.destroy();
    return;
  }
  const headers: string[] = [];
  let hasLength = false;
  for (const [name, value] of answer.headers) {
    headers.push(name, value);
    if (name === 'content-length') hasLength = true;
  }
  const statusText = answer.statusText || undefined;
  if (source === null || method === 'HEAD' || status === 204 || status === 304) {
    cancelBody(source);
    writeHead(res, status, statusText, headers);
    res.end();
    return;
  }
  if (!(source instanceof ReadableStream)) {
    // Known in full: one write, with Content-Length.
    if (!hasLength) headers.push('content-length', String(byteLength(source)));
    writeHead(res, status, statusText, headers);
    res.end(source);
    return;
  }

  // Read from the body but not yet written: what a body failing before the head went out still sends.
  let unsent: Uint8Array | undefined;
  try {
    reader = source.getReader();
    const first = await reader.read();
    if (settled) return;
    if (first.done) {
      writeHead(res, status, statusText, headers);
      res.end();
      return;
    }
    // A body built from a string or bytes arrives as one chunk and is already closed: peek without
    // waiting for I/O, so such bodies go out in one `res.end` with Content-Length instead of chunked.
    let next: Promise<ReadableStreamReadResult<Uint8Array>> | undefined = reader.read();
    // Awaited below unless the exchange is abandoned first; then its failure must not go unhandled.
    next.catch(noop);
    unsent = first.value;
    const peeked = await peek(next);
    if (settled) return;
    if (peeked?.done) {
      // writeHead fixes the framing, so the length must be among the headers it gets.
      if (!hasLength) headers.push('content-length', String(first.value.byteLength));
      writeHead(res, status, statusText, headers);
      res.end(first.value);
      return;
    }
    writeHead(res, status, statusText, headers);
    unsent = undefined;
    let chunk: Uint8Array = first.value;
    for (;;) {
      if (!res.write(chunk)) await drained(res);
      if (settled) return;
      const result = await (next ?? reader.read());
      next = undefined;
      if (settled) return;
      if (result.done) break;
      chunk = result.value;
    }
    res.end();
  } catch (error) {
    if (settled) return;
    settled = true;
    reader?.cancel().catch(noop);
    onError(error);
    // The handler has answered: a body that fails (a dropped stream, a cut upstream) is a cut
    // connection, never a 500. A head not out yet goes out now, with what was read of the body.
    if (!res.headersSent) writeHead(res, status, statusText, headers);
    if (unsent) res.write(unsent);
    else res.flushHeaders();
    // Close the socket without the final chunk, so the client gets what was written and then sees
    // the body cut. `end` flushes first; `destroy` alone would drop bytes still queued.
    const socket = res.socket;
    socket?.end();
    setTimeout(() => socket?.destroy(), 1000).unref();
  }
}

/** Stops a streamed answer nobody will read (its producer, e.g. an SSE generator, stops too). */
function cancelBody(body: MockAnswer['body']): void {
  if (body instanceof ReadableStream) body.cancel().catch(noop);
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function hasBody(req: IncomingMessage, contentLength: string | undefined): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return contentLength !== undefined && contentLength !== '0';
}

/** Host header syntax: no characters that could change the path of the URL built from it. */
const HOST_PATTERN = /^[\w.~%!$&'()*+,;=:[\]-]+$/;

/**
 * A request's absolute URL, normalized (as `Request.url` is), or undefined when it is unusable:
 * from its target (origin or absolute form), its Host header and the socket it came on.
 */
export function targetUrl(target: string, host: string | undefined, on: Socket): URL | undefined {
  const socket = on as Socket & { encrypted?: boolean };
  let url: string;
  if (target.charCodeAt(0) === 47 /* '/' */) {
    if (host === undefined) host = socketAuthority(socket);
    else if (!HOST_PATTERN.test(host)) return undefined;
    url = `${socket.encrypted ? 'https' : 'http'}://${host}${target}`;
  } else {
    // Absolute-form target (proxy style).
    url = target;
  }
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
  return parsed;
}

const utf8 = new TextDecoder();

/**
 * An AbortController made only when someone asks for its signal: most answers (every error, every
 * cached image) never wait on anything, and an AbortSignal is an EventTarget, costly per request.
 */
class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}

/**
 * A node:http request as the resolver reads it. Headers come from `rawHeaders` (repeated ones
 * joined with `, `, as `Headers` joins them); the Web `Request` is built only if asked for.
 */
class NodeRequest implements MockRequest {
  readonly method: string;
  readonly url: string;
  readonly pathname: string;
  readonly #abort: LazyAbort;
  readonly #req: IncomingMessage;
  readonly #body: Buffer | ReadableStream<Uint8Array> | null;
  #headers: Map<string, string> | undefined;
  #request: Request | undefined;
  #read = false;

  constructor(
    req: IncomingMessage,
    method: string,
    url: URL,
    abort: LazyAbort,
    body: Buffer | ReadableStream<Uint8Array> | null,
  ) {
    this.#req = req;
    this.method = method;
    this.url = url.href;
    this.pathname = url.pathname;
    this.#abort = abort;
    this.#body = body;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  #map(): Map<string, string> {
    if (this.#headers) return this.#headers;
    const map = new Map<string, string>();
    const raw = this.#req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      const value = raw[i + 1] as string;
      const previous = map.get(name);
      map.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
    this.#headers = map;
    return map;
  }

  header(name: string): string | null {
    return this.#map().get(name) ?? null;
  }

  headerEntries(): Iterable<[string, string]> {
    return this.#map();
  }

  async text(): Promise<string> {
    if (this.#request) return this.#request.text();
    if (this.#read) throw new TypeError(said(`the request body has already been read`));
    this.#read = true;
    const body = this.#body;
    if (body === null) return '';
    // Decoded as `Request.text()` decodes: UTF-8, a leading BOM dropped, bad bytes replaced.
    if (body instanceof Buffer) return utf8.decode(body);
    return new Response(body as ReadableStream<Uint8Array>).text();
  }

  toRequest(): Request {
    if (this.#request) return this.#request;
    if (this.#read) throw new TypeError(said(`the request body has already been read`));
    // Pairs from rawHeaders keep repeated headers as separate entries, which `Headers` combines per spec.
    const raw = this.#req.rawHeaders;
    const headers: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
    const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers };
    const body = this.#body;
    if (body instanceof Buffer) init.body = body as unknown as BodyInit;
    else if (body !== null) {
      init.body = body as ReadableStream<Uint8Array>;
      // Required by the fetch spec for a stream body; the request is read while the response may start.
      init.duplex = 'half';
    }
    const request = new Request(this.url, init);
    // Set after construction: a signal given to the constructor is followed through a WeakRef and a
    // FinalizationRegistry, which keeps every request alive longer and costs throughput and memory.
    Object.defineProperty(request, 'signal', { value: this.signal });
    this.#request = request;
    return request;
  }
}

/** Bodies of announced length up to this are read whole before the handler runs. */
const BUFFER_BELOW = 1024 * 1024;

/** The whole body of a request (small, of announced length), or undefined if the client left. */
function readSmallBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', () => resolve(undefined));
    req.once('close', () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

function socketAuthority(socket: Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${socket.localPort ?? 80}`;
}

interface RequestBody {
  stream: ReadableStream<Uint8Array>;
  /** Stops feeding the stream (which errors if still open) and drops the rest of the body. */
  release(): void;
}

/**
 * Streams the request body from the socket, lazily: nothing is read until the handler reads, so a
 * handler that ignores the body costs nothing. Counts bytes and reports the limit being passed.
 */
function createRequestBody(req: IncomingMessage, maxBodyBytes: number, onTooLarge: () => void): RequestBody {
  let received = 0;
  let listening = false;
  let finished = false;
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const stop = (): void => {
    finished = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onFailure);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.byteLength;
    if (received > maxBodyBytes) {
      stop();
      controller.error(new PayloadTooLargeError(said(`request body exceeds ${maxBodyBytes} bytes`)));
      onTooLarge();
      return;
    }
    controller.enqueue(chunk);
    // Pause when nobody is waiting: at most one chunk sits in the queue (highWaterMark 0).
    if ((controller.desiredSize ?? 0) < 0) req.pause();
  };
  const onEnd = (): void => {
    stop();
    controller.close();
  };
  const onFailure = (error: Error): void => {
    stop();
    controller.error(error);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (finished) return;
        if (listening) {
          req.resume();
          return;
        }
        listening = true;
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onFailure);
      },
      cancel() {
        stop();
        discardBody(req);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    release() {
      // Never read: Node drops the rest itself. Already finished: nothing left to drop.
      if (!listening || finished) return;
      stop();
      controller.error(new Error(said(`the response was sent before the request body was read`)));
      discardBody(req);
    },
  };
}

/**
 * Reads and drops what is left of a request body, so the connection can carry the next request
 * and a client still uploading gets to read the answer; destroys the socket if that takes too long.
 */
function discardBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_LINGER_MS);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
  req.on('error', noop);
  req.resume();
}

function sendError(res: ServerResponse, status: keyof typeof errorBodies): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = errorBodies[status];
  res.writeHead(status, ['content-type', 'application/json', 'content-length', String(body.byteLength)]);
  res.end(body);
}

function writeHead(
  res: ServerResponse,
  status: number,
  statusText: string | undefined,
  headers: string[],
): void {
  // An empty statusText would put an empty reason phrase on the wire; Node's default is better.
  if (statusText === undefined) res.writeHead(status, headers);
  else res.writeHead(status, statusText, headers);
}

function isResponse(value: unknown): value is Response {
  // Duck-typed: a Response from another realm or a compatible implementation is fine too.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers === 'object'
  );
}

const PENDING = Symbol('pending');

/** Settles with the read result if it is already available after a few microtasks, else undefined. */
async function peek(
  read: Promise<ReadableStreamReadResult<Uint8Array>>,
): Promise<ReadableStreamReadResult<Uint8Array> | undefined> {
  const result = await Promise.race([read, microtasks(3)]);
  return result === PENDING ? undefined : (result as ReadableStreamReadResult<Uint8Array>);
}

async function microtasks(count: number): Promise<typeof PENDING> {
  for (let i = 0; i < count; i++) await null;
  return PENDING;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
