import type { IncomingMessage } from 'node:http';
import { said } from '../../message.ts';

// Reading a request's body from the socket: whole when small, as a stream with a byte limit
// otherwise, and dropping what nobody reads so the connection can go on.

/** Bodies of announced length up to this are read whole before the handler runs. */
export const BUFFER_BELOW = 1024 * 1024;

/**
 * After a 413 the rest of the body is read and dropped so the client, still uploading, can read the
 * answer instead of seeing a reset; this bounds how long that may take before the socket is destroyed.
 */
const DISCARD_LINGER_MS = 5_000;

const noop = (): void => {};

/** Raised into the request body stream when the body passes `maxBodyBytes`. */
class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** Whether the request announces a body: chunked, or a Content-Length other than 0. */
export function hasBody(req: IncomingMessage, contentLength: string | undefined): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return contentLength !== undefined && contentLength !== '0';
}

/** The whole body of a request (small, of announced length), or undefined if the client left. */
export function readSmallBody(req: IncomingMessage): Promise<Buffer | undefined> {
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

export interface RequestBody {
  stream: ReadableStream<Uint8Array>;
  /** Stops feeding the stream (which errors if still open) and drops the rest of the body. */
  release(): void;
}

/**
 * Streams the request body from the socket, lazily: nothing is read until the handler reads, so a
 * handler that ignores the body costs nothing. Counts bytes and reports the limit being passed.
 */
export function createRequestBody(
  req: IncomingMessage,
  maxBodyBytes: number,
  onTooLarge: () => void,
): RequestBody {
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
export function discardBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_LINGER_MS);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
  req.on('error', noop);
  req.resume();
}
