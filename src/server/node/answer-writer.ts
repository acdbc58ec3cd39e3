import type { ServerResponse } from 'node:http';
import type { MockAnswer } from '../../http/answer.ts';
import {
  byteLength,
  type ErrorAnswer,
  type ErrorAnswerMaker,
  errorAnswerHead,
  plainErrorAnswer,
} from './error-answer.ts';
import type { Exchange } from './exchange.ts';

const noop = (): void => {};

// Node writes a head and a string body as one string in the body's encoding (UTF-8), which would
// turn a header's latin-1 bytes (an echoed Origin, say) into two bytes each. A body given as
// bytes keeps the head in latin-1; only answers with such a header pay for the conversion.
const BEYOND_ASCII = /[\u0080-\uffff]/;
const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body) : body;

/**
 * Writes the handler's answer to `res`. A body known in full goes out in one write with its
 * Content-Length, synchronously (undefined is returned); a stream is written with back-pressure,
 * and the promise returned settles once it is done. Status 0 destroys the connection.
 */
export function writeAnswer(
  res: ServerResponse,
  method: string,
  answer: MockAnswer,
  exchange: Exchange,
  onError: (error: unknown) => void,
): Promise<void> | undefined {
  const source = answer.body;
  if (exchange.settled) {
    cancelBody(source);
    return undefined;
  }
  const status = answer.status;
  if (status === 0) {
    cancelBody(source);
    res.destroy();
    return undefined;
  }
  const headers: string[] = [];
  let hasLength = false;
  let latin1 = false;
  for (const [name, value] of answer.headers) {
    headers.push(name, value);
    if (name === 'content-length') hasLength = true;
    else if (BEYOND_ASCII.test(value)) latin1 = true;
  }
  const statusText = answer.statusText || undefined;
  if (source === null || method === 'HEAD' || status === 204 || status === 304) {
    cancelBody(source);
    writeHead(res, status, statusText, headers);
    res.end();
    return undefined;
  }
  if (!(source instanceof ReadableStream)) {
    // Known in full: one write, with Content-Length.
    if (!hasLength) headers.push('content-length', String(byteLength(source)));
    writeHead(res, status, statusText, headers);
    res.end(latin1 ? bytesOf(source) : source);
    return undefined;
  }
  return writeStream(res, exchange, onError, source, status, statusText, headers, hasLength);
}

async function writeStream(
  res: ServerResponse,
  exchange: Exchange,
  onError: (error: unknown) => void,
  source: ReadableStream<Uint8Array>,
  status: number,
  statusText: string | undefined,
  headers: string[],
  hasLength: boolean,
): Promise<void> {
  // Read from the body but not yet written: what a body failing before the head went out still sends.
  let unsent: Uint8Array | undefined;
  try {
    const reader = source.getReader();
    exchange.reader = reader;
    const first = await reader.read();
    if (exchange.settled) return;
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
    if (exchange.settled) return;
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
      if (exchange.settled) return;
      const result = await (next ?? reader.read());
      next = undefined;
      if (exchange.settled) return;
      if (result.done) break;
      chunk = result.value;
    }
    res.end();
  } catch (error) {
    if (exchange.settled) return;
    exchange.settled = true;
    exchange.reader?.cancel().catch(noop);
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

/**
 * An answer the adapter gives itself (413, 400, 500), its body from `errorAnswer`. Where that
 * throws, or makes headers node:http refuses, the error is reported and the plain default goes
 * out instead: the client still gets its status. Once an answer has begun, the connection is cut.
 */
export function writeErrorAnswer(
  res: ServerResponse,
  status: number,
  message: string,
  options: { errorAnswer: ErrorAnswerMaker; onError: (error: unknown) => void },
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  let answer: ErrorAnswer;
  try {
    answer = options.errorAnswer(status, message);
    res.writeHead(status, errorAnswerHead(answer));
  } catch (error) {
    options.onError(error);
    answer = plainErrorAnswer(status, message);
    res.writeHead(status, errorAnswerHead(answer));
  }
  res.end(bytesOf(answer.body));
}

/** Stops a streamed answer nobody will read (its producer, e.g. an SSE generator, stops too). */
export function cancelBody(body: MockAnswer['body']): void {
  if (body instanceof ReadableStream) body.cancel().catch(noop);
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
