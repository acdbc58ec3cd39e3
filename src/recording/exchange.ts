// The recorded-exchange format shared by `validate`, `verify`, the JSONL files and (later) the
// mock's journal export. Defined here once; every reader converts into it.

/** A request as recorded. */
export interface ExchangeRequest {
  /** HTTP method, upper case. */
  method: string;
  /** Absolute URL, e.g. `https://openrouter.ai/api/v1/images`. */
  url: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /**
   * The body: the parsed JSON value when the body was JSON, the text otherwise (including text that
   * claims to be JSON but does not parse, so the check can say so). Absent when there was none or it
   * was not recorded.
   */
  body?: unknown;
}

/** A response as recorded. */
export interface ExchangeResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /**
   * The body: the parsed JSON value for JSON answers, the raw text for SSE (`text/event-stream`)
   * and anything else. Absent when it was not recorded.
   */
  body?: unknown;
  /**
   * Set when the body ended early (the connection dropped, or the client went away): `body` holds
   * what was sent before that, and this says how far it got, e.g. `"after 1 event"`. Stored as
   * `cut` in JSONL and as the custom field `_cut` in a HAR entry's response.
   */
  cut?: string;
}

/**
 * One request and its answer: the unit every check works on, and one line of a JSONL recording:
 *
 * ```json
 * {"request":{"method":"POST","url":"https://openrouter.ai/api/v1/images","headers":{"content-type":"application/json"},"body":{"model":"openai/gpt-image-1","prompt":"a fox"}},"response":{"status":200,"headers":{"content-type":"application/json"},"body":{"created":1767225600,"data":[{"b64_json":"iVBORw0…","media_type":"image/png"}]}}}
 * ```
 */
export interface RecordedExchange {
  request: ExchangeRequest;
  response: ExchangeResponse;
}

/** Header names lower-cased, repeated names joined with `, `. */
export function normalizeHeaders(
  headers: Iterable<readonly [string, string]> | Record<string, unknown> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries =
    Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[key] = key in out ? `${out[key]}, ${text}` : text;
  }
  return out;
}

const isJsonType = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());

/**
 * A body as the format stores it: parsed JSON when the content type says JSON (or, without a
 * content type, when the text starts like JSON and parses), the text otherwise.
 */
export function decodeBody(text: string | undefined, contentType: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (isJsonType(contentType) || (!contentType && /^\s*[[{]/.test(text))) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A fetch `Request` as recorded (reads a clone of the body, so the request stays usable). */
export async function toExchangeRequest(request: Request): Promise<ExchangeRequest> {
  const headers = normalizeHeaders(request.headers);
  const text = request.body ? await request.clone().text() : undefined;
  const recorded: ExchangeRequest = { method: request.method.toUpperCase(), url: request.url, headers };
  if (text !== undefined && text !== '') recorded.body = decodeBody(text, headers['content-type']);
  return recorded;
}

/** A fetch `Response` as recorded (reads a clone of the body, so the response stays usable). */
export async function toExchangeResponse(response: Response): Promise<ExchangeResponse> {
  const headers = normalizeHeaders(response.headers);
  const text = response.bodyUsed ? undefined : await response.clone().text();
  const recorded: ExchangeResponse = { status: response.status, headers };
  if (text !== undefined && text !== '') recorded.body = decodeBody(text, headers['content-type']);
  return recorded;
}

/** Checks the shape of a would-be exchange (a JSONL line, say); returns what is wrong, or undefined. */
export function exchangeShapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'expected an object {"request":…,"response":…}';
  const { request, response } = value as Record<string, unknown>;
  if (request === null || typeof request !== 'object') return '"request" must be an object';
  if (response === null || typeof response !== 'object') return '"response" must be an object';
  const req = request as Record<string, unknown>;
  const res = response as Record<string, unknown>;
  if (typeof req.method !== 'string') return '"request.method" must be a string';
  if (typeof req.url !== 'string') return '"request.url" must be a string';
  if (req.headers !== undefined && (req.headers === null || typeof req.headers !== 'object'))
    return '"request.headers" must be an object';
  if (!Number.isInteger(res.status)) return '"response.status" must be an integer';
  if (res.headers !== undefined && (res.headers === null || typeof res.headers !== 'object'))
    return '"response.headers" must be an object';
  return undefined;
}

/** A shape-checked value as an exchange, with header names normalized. */
export function toExchange(value: Record<string, unknown>): RecordedExchange {
  const req = value.request as Record<string, unknown>;
  const res = value.response as Record<string, unknown>;
  const request: ExchangeRequest = {
    method: String(req.method).toUpperCase(),
    url: String(req.url),
    headers: normalizeHeaders(req.headers as Record<string, unknown> | undefined),
  };
  if (req.body !== undefined && req.body !== null) request.body = req.body;
  const response: ExchangeResponse = {
    status: res.status as number,
    headers: normalizeHeaders(res.headers as Record<string, unknown> | undefined),
  };
  if (res.body !== undefined && res.body !== null) response.body = res.body;
  const cut = cutOf(res.cut);
  if (cut) response.cut = cut;
  return { request, response };
}

/** A recording's cut marker as a description: a string as written, `true` as `"cut"`, else none. */
export function cutOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return value === true ? 'cut' : undefined;
}
