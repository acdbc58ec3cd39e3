import type { AnswerHandler } from '../../http/answer.ts';
import { fromWebResponse } from '../../http/web.ts';
import { said } from '../../message.ts';
import { type ErrorAnswerMaker, errorAnswerHeaders, plainErrorAnswer } from './error-answer.ts';

/** A Web-standard request handler: the mock's core, independent of any server. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Methods the fetch standard forbids in a `Request` (compared in upper case). */
const WEB_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Whether a Web `Request` can carry this method: every token but CONNECT, TRACE and TRACK. */
export function isWebMethod(method: string): boolean {
  return !WEB_FORBIDDEN_METHODS.has(method.toUpperCase());
}

/**
 * A Web-standard handler as an {@link AnswerHandler}: the `Request` is built only here. A method no
 * `Request` can carry (CONNECT, TRACE, TRACK) never reaches the handler: it is answered 501, the
 * status for a method the server does not support on any resource (RFC 9110, 15.6.2), with the
 * body `errorAnswer` makes.
 */
export function viaWebHandler(
  handler: FetchHandler,
  errorAnswer: ErrorAnswerMaker = plainErrorAnswer,
): AnswerHandler {
  return async (request) => {
    if (!isWebMethod(request.method)) {
      const answer = errorAnswer(501, `Method ${request.method} is not supported`);
      return { status: 501, headers: errorAnswerHeaders(answer), body: answer.body };
    }
    const response = await handler(request.toRequest());
    if (!isResponse(response)) {
      throw new TypeError(said(`the handler resolved ${String(response)} instead of a Response`));
    }
    return fromWebResponse(response);
  };
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
