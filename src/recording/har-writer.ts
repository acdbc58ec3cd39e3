import { closeSync, openSync, writeSync } from 'node:fs';
import { redactHeaders, redactText, redactValue } from '../secrets/redact.ts';
import type { RecordedExchange } from './exchange.ts';

const isText = (contentType: string | undefined) =>
  !contentType || /^(?:text\/|application\/(?:[\w.+-]*\+)?json)/i.test(contentType);

function harHeaders(headers: Record<string, string>) {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

/**
 * An exchange as a recording may hold it: secrets in headers and in the URL's query replaced
 * (src/secrets/redact.ts), and in error bodies, which may echo them. Request bodies are redacted
 * when they are recorded (replay redacts a live body the same way); images carry no keys.
 */
export function redactExchange(exchange: RecordedExchange): RecordedExchange {
  const { request, response } = exchange;
  const redacted: RecordedExchange = {
    request: { ...request, url: redactText(request.url), headers: redactHeaders(request.headers) },
    response: { ...response, headers: redactHeaders(response.headers) },
  };
  if (response.status >= 400 && response.body !== undefined)
    redacted.response.body = redactValue(response.body);
  return redacted;
}

/** A recorded body as the text that went over the wire (JSON bodies were parsed when recorded). */
export function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
}

/**
 * One exchange as a HAR 1.2 entry, credentials redacted. An answer cut short carries the custom
 * field `response._cut` (HAR allows `_`-prefixed fields), e.g. `"after 1 event"`.
 */
export function toHarEntry(exchange: RecordedExchange, started: Date, ms: number) {
  const { request, response } = redactExchange(exchange);
  const requestType = request.headers['content-type'];
  const responseType = response.headers['content-type'] ?? 'application/octet-stream';
  const requestText = bodyText(request.body);
  const responseText = bodyText(response.body);
  const url = new URL(request.url);
  return {
    startedDateTime: started.toISOString(),
    time: ms,
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(request.body === undefined
        ? {}
        : { postData: { mimeType: requestType ?? 'application/json', text: requestText } }),
      headersSize: -1,
      bodySize: requestText.length,
    },
    response: {
      status: response.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(response.headers),
      content: {
        size: responseText.length,
        mimeType: responseType,
        ...(isText(responseType) ? { text: responseText } : {}),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: responseText.length,
      ...(response.cut === undefined ? {} : { _cut: response.cut }),
    },
    cache: {},
    timings: { send: 0, wait: ms, receive: 0 },
  };
}

/**
 * Writes a HAR 1.2 file entry by entry, so memory stays flat however long the recording runs.
 * The file is valid once `close()` has written the closing brackets.
 */
export class HarWriter {
  readonly #fd: number;
  #entries = 0;
  #closed = false;

  constructor(path: string, version: string) {
    this.#fd = openSync(path, 'w');
    const creator = JSON.stringify({ name: 'openrouter-images-mock', version });
    writeSync(this.#fd, `{"log":{"version":"1.2","creator":${creator},"entries":[\n`);
  }

  add(exchange: RecordedExchange, started: Date, ms: number): void {
    if (this.#closed) return;
    const entry = JSON.stringify(toHarEntry(exchange, started, ms));
    writeSync(this.#fd, `${this.#entries++ === 0 ? '' : ',\n'}${entry}`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    writeSync(this.#fd, '\n]}}\n');
    closeSync(this.#fd);
  }
}

/**
 * Writes JSONL exchanges (`{request, response}` per line), credentials redacted: for `validate`.
 * An answer cut short carries `response.cut`, e.g. `"after 1 event"`.
 */
export class JsonlWriter {
  readonly #fd: number;
  #closed = false;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  add(exchange: RecordedExchange): void {
    if (this.#closed) return;
    writeSync(this.#fd, `${JSON.stringify(redactExchange(exchange))}\n`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/** A recorder for `path`: JSONL when it ends in `.jsonl`, HAR 1.2 otherwise. */
export function recorderFor(path: string, version: string): HarWriter | JsonlWriter {
  return path.endsWith('.jsonl') ? new JsonlWriter(path) : new HarWriter(path, version);
}
