/**
 * The body of an answer the adapter gives itself, where no handler answered: a body too large
 * (413), a request too slow (408), a malformed request (400), a method no Web `Request` can carry
 * (501), a handler that failed (500). The status is the adapter's, and so are Content-Length and
 * the connection's framing; these are the headers besides.
 */
export interface ErrorAnswer {
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * Makes the {@link ErrorAnswer} for a status and the adapter's short message (`Request payload too
 * large`), each time the adapter answers on its own. It is called synchronously (a request that
 * timed out is answered on the socket at once), so it returns the body whole.
 */
export type ErrorAnswerMaker = (status: number, message: string) => ErrorAnswer;

/**
 * The default {@link ErrorAnswerMaker}: the message as plain text. The adapter serves any
 * Web-standard handler, whose own errors may have any shape, so it assumes none.
 */
export function plainErrorAnswer(_status: number, message: string): ErrorAnswer {
  return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message };
}

/** The headers of `answer`, names in lower case, without a Content-Length (the adapter sets its own). */
export function errorAnswerHeaders(answer: ErrorAnswer): [string, string][] {
  const headers: [string, string][] = [];
  if (answer.headers) {
    for (const [name, value] of Object.entries(answer.headers)) {
      const lower = name.toLowerCase();
      if (lower !== 'content-length') headers.push([lower, value]);
    }
  }
  return headers;
}

/** The head of `answer` as `writeHead` takes it: its headers, then its Content-Length. */
export function errorAnswerHead(answer: ErrorAnswer): string[] {
  const head: string[] = [];
  for (const [name, value] of errorAnswerHeaders(answer)) head.push(name, value);
  head.push('content-length', String(byteLength(answer.body)));
  return head;
}

/** The length in bytes of a body known in full. */
export function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
