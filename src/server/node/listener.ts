import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnswerHandler, MockAnswer } from '../../http/answer.ts';
import { TAG } from '../../message.ts';
import { writeAnswer, writeErrorAnswer } from './answer-writer.ts';
import { type ErrorAnswer, type ErrorAnswerMaker, plainErrorAnswer } from './error-answer.ts';
import { Exchange } from './exchange.ts';
import {
  BUFFER_BELOW,
  createRequestBody,
  discardBody,
  hasBody,
  type RequestBody,
  readSmallBody,
} from './request-body.ts';
import { NodeRequest } from './request-reader.ts';
import { targetUrl } from './target-url.ts';
import { type FetchHandler, viaWebHandler } from './web-handler.ts';

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
  /**
   * Makes the headers and body of each answer the adapter gives on its own, where the handler
   * does not answer: 413 (a body over `maxBodyBytes`), 400 (a Host or target that makes no URL),
   * 500 (the handler threw, or resolved something other than a Response), 501 (CONNECT, TRACE or
   * TRACK, which no Web `Request` can carry); with `listen`, also 408 (`requestTimeoutMs`). Gets
   * the status and a short message (`Request payload too large`); Content-Length is the adapter's.
   * @default the message as plain text (`text/plain; charset=utf-8`)
   */
  errorAnswer?: (status: number, message: string) => ErrorAnswer;
}

/** Default request body limit: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

const TOO_LARGE = 'Request payload too large';

/** The options of one listener, defaults resolved once. */
interface ListenerContext {
  maxBodyBytes: number;
  onError: (error: unknown) => void;
  errorAnswer: ErrorAnswerMaker;
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
 * A handler that throws or rejects yields 500 and is reported to `onError`; the listener itself
 * never throws. The bodies of the adapter's own answers (413, 400, 500, 501) come from
 * `errorAnswer`, plain text unless told otherwise.
 *
 * A `Response.error()` (status 0) destroys the connection, the closest a server gets to a network error.
 * A body that fails, even before its first byte, is a cut: the status and what was read go out,
 * then the socket closes without the body's end (never a 500 once the handler has answered).
 *
 * @param handler The core: `(request) => Promise<Response>`.
 * @param options Body limit (default 10 MiB), error sink (default `console.error`) and the
 *   adapter's own error bodies (default plain text).
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
  return createAnswerListener(viaWebHandler(handler, options.errorAnswer), options);
}

/**
 * {@link createNodeListener} for a handler of plain requests and answers (src/http/answer.ts):
 * what the standalone server runs, so a small exchange builds no Web `Request` or `Response`.
 */
export function createAnswerListener(
  handler: AnswerHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const context: ListenerContext = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onError: options.onError ?? defaultOnError,
    errorAnswer: options.errorAnswer ?? plainErrorAnswer,
  };
  return (req, res) => {
    // `serve` catches everything it can; this last guard keeps a bug here from crashing the process.
    serve(handler, req, res, context).catch((error: unknown) => {
      context.onError(error);
      if (!res.headersSent) writeErrorAnswer(res, 500, 'Internal Server Error', context);
      else res.destroy();
    });
  };
}

async function serve(
  handler: AnswerHandler,
  req: IncomingMessage,
  res: ServerResponse,
  context: ListenerContext,
): Promise<void> {
  const method = req.method ?? 'GET';
  const contentLength = req.headers['content-length'];
  if (contentLength !== undefined && Number(contentLength) > context.maxBodyBytes) {
    // Known too large up front: answer without ever calling the handler or reading the body.
    writeErrorAnswer(res, 413, TOO_LARGE, context);
    discardBody(req);
    return;
  }
  const target = targetUrl(req.url ?? '/', req.headers.host, req.socket);
  if (target === undefined) {
    // Malformed target or Host header.
    writeErrorAnswer(res, 400, 'Bad Request', context);
    discardBody(req);
    return;
  }

  const exchange = new Exchange();
  let body: RequestBody | undefined;
  res.once('close', () => {
    if (res.writableFinished) {
      // Answered before reading the whole body: drop the rest so the connection can go on.
      body?.release();
      return;
    }
    exchange.abort();
    // Cancel at once so a producer (e.g. an SSE generator) stops instead of filling a dead socket.
    exchange.reader?.cancel().catch(noop);
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
    body = createRequestBody(req, context.maxBodyBytes, () => {
      if (exchange.settled) return;
      exchange.abort();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      writeErrorAnswer(res, 413, TOO_LARGE, context);
      discardBody(req);
    });
  }

  const request = new NodeRequest(req, method, target, exchange, buffered ?? body?.stream ?? null);
  let answer: MockAnswer;
  try {
    answer = await handler(request);
  } catch (error) {
    // A handler failing because we aborted it (413) or the client left is expected, not an error.
    if (exchange.settled || req.socket.destroyed) return;
    context.onError(error);
    writeErrorAnswer(res, 500, 'Internal Server Error', context);
    return;
  }
  // Only a streamed body is written asynchronously; the rest costs no further await.
  const writing = writeAnswer(res, method, answer, exchange, context.onError);
  if (writing !== undefined) await writing;
}
