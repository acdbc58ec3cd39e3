/**
 * The resolver's own view of an exchange: what it reads of a request and what it answers, as
 * plain data. MSW hands it Web `Request`s and wants `Response`s (src/http/web.ts converts); the
 * standalone server builds these straight from node:http's objects, so a small JSON exchange
 * costs no `Request`, `Headers` or `Response` at all (the larger part of a 400's cost otherwise).
 */

/** What the resolver reads of a request. */
export interface MockRequest {
  /** As sent, e.g. `POST`. */
  readonly method: string;
  /** Absolute and normalized, as `Request.url` is. */
  readonly url: string;
  /** The path of `url`, percent-encoded, e.g. `/api/v1/images`. */
  readonly pathname: string;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** A header's value (repeated headers joined with `, `), or null; `name` in lower case. */
  header(name: string): string | null;
  /** Every header, names in lower case. */
  headerEntries(): Iterable<[string, string]>;
  /** The body decoded as UTF-8, as `Request.text()` decodes it; read once. */
  text(): Promise<string>;
  /** The same request as a Web `Request`, body unread: for handlers that need one (proxy, recording). */
  toRequest(): Request;
}

/** What the resolver answers. */
export interface MockAnswer {
  /** 0 drops the connection (a network error), as `Response.error()` does. */
  status: number;
  statusText?: string;
  /** Names in lower case; a name may repeat. */
  headers: [string, string][];
  /** A string or bytes known up front, a stream produced as it is read, or nothing. */
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

/** Takes a request, gives an answer: the shape of every layer of the standalone server. */
export type AnswerHandler = (request: MockRequest) => Promise<MockAnswer>;

/** A JSON answer; `body` is serialized once, here. */
export function jsonAnswer(body: unknown, status = 200, headers: Record<string, string> = {}): MockAnswer {
  return textAnswer(JSON.stringify(body), status, { 'content-type': 'application/json', ...headers });
}

/** An answer whose body is `text`. */
export function textAnswer(text: string, status: number, headers: Record<string, string>): MockAnswer {
  return { status, headers: Object.entries(headers), body: text };
}

/** The first value of header `name` (lower case) in an answer, or null. */
export function answerHeader(answer: MockAnswer, name: string): string | null {
  for (const [key, value] of answer.headers) if (key === name) return value;
  return null;
}
