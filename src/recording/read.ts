import { gen, none } from 'stream-chain/core';
import { pick } from 'stream-json/core/filters/pick.js';
import parser from 'stream-json/core/parser.js';
import { streamArray } from 'stream-json/core/streamers/stream-array.js';
import {
  cutOf,
  decodeBody,
  type ExchangeRequest,
  type ExchangeResponse,
  exchangeShapeProblem,
  normalizeHeaders,
  type RecordedExchange,
  toExchange,
} from './exchange.ts';

/** Recording formats `readExchanges` understands. */
export type RecordingFormat = 'har' | 'jsonl';

/** Bytes (or text) of a recording: a Node stream, a Web `ReadableStream`, any (async) iterable of chunks. */
export type RecordingSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** One item read from a recording: an exchange, or why an entry (or the file) could not be used. */
export type RecordingItem =
  | {
      exchange: RecordedExchange;
      /** Where it is: `/log/entries/3` in a HAR, `line 4` in JSONL. */
      position: string;
    }
  | {
      /** What is unusable, in one sentence. */
      problem: string;
      position?: string;
      /** True when reading stopped here (a corrupt HAR cannot be read past the damage). */
      fatal: boolean;
    }
  | {
      /** An entry that is not an exchange to check (a HAR entry without a response, say). */
      skipped: string;
      position: string;
    };

export interface ReadOptions {
  /** The format; sniffed from the first bytes when not given. */
  format?: RecordingFormat;
}

interface HarHeader {
  name?: unknown;
  value?: unknown;
}

function harHeaders(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) return {};
  const pairs: [string, string][] = [];
  for (const header of list as HarHeader[]) {
    if (typeof header?.name !== 'string' || header.name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    pairs.push([header.name, String(header.value ?? '')]);
  }
  return normalizeHeaders(pairs);
}

function base64Text(b64: string): string {
  const binary = atob(b64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** One HAR 1.2 entry as an exchange, or what makes it unusable. */
export function harEntryToExchange(
  entry: unknown,
): RecordedExchange | { problem: string } | { skipped: string } {
  const e = entry as { request?: Record<string, unknown>; response?: Record<string, unknown> } | null;
  const req = e?.request;
  const res = e?.response;
  if (!req || typeof req !== 'object') return { problem: 'not a HAR entry: "request" is missing' };
  if (typeof req.method !== 'string' || typeof req.url !== 'string')
    return { problem: 'not a HAR entry: "request.method" and "request.url" must be strings' };
  if (!res || typeof res !== 'object' || typeof res.status !== 'number')
    return { problem: 'not a HAR entry: "response.status" must be a number' };
  if (res.status === 0) return { skipped: `${req.method} ${req.url}: no response was recorded (status 0)` };

  const request: ExchangeRequest = {
    method: req.method.toUpperCase(),
    url: req.url,
    headers: harHeaders(req.headers),
  };
  const postData = req.postData as { mimeType?: unknown; text?: unknown } | undefined;
  if (typeof postData?.text === 'string' && postData.text !== '') {
    const type = typeof postData.mimeType === 'string' ? postData.mimeType : request.headers['content-type'];
    request.body = decodeBody(postData.text, type);
  }

  const response: ExchangeResponse = { status: res.status, headers: harHeaders(res.headers) };
  const content = res.content as { mimeType?: unknown; text?: unknown; encoding?: unknown } | undefined;
  if (typeof content?.text === 'string') {
    let text = content.text;
    if (content.encoding === 'base64') {
      try {
        text = base64Text(text);
      } catch {
        return { problem: 'response.content.text says base64 but is not' };
      }
    }
    const type =
      response.headers['content-type'] ??
      (typeof content.mimeType === 'string' ? content.mimeType : undefined);
    if (text !== '') response.body = decodeBody(text, type);
  }
  const cut = cutOf(res._cut);
  if (cut) response.cut = cut;
  return { request, response };
}

async function* bytes(source: RecordingSource): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of source) yield chunk;
}

/**
 * Reads a HAR 1.2 file entry by entry with stream-json, so memory stays near the largest single
 * entry whatever the file's size.
 */
async function* readHar(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<RecordingItem> {
  let sawEntries = false;
  const seen = (token: parser.Token) => {
    if (!sawEntries && token.name !== 'startArray') throw new HarShapeError('"log.entries" is not an array');
    sawEntries = true;
    return token;
  };
  const pipeline = gen(
    parser({ streamValues: false }),
    pick({ filter: 'log.entries' }),
    seen,
    streamArray(),
  ) as unknown as (chunk: unknown) => AsyncIterable<{ key: number; value: unknown }>;
  let read = 0;
  let index = -1;
  const handle = (value: unknown, key: number): RecordingItem => {
    index = key;
    const position = `/log/entries/${key}`;
    const converted = harEntryToExchange(value);
    if ('problem' in converted) return { problem: converted.problem, position, fatal: false };
    if ('skipped' in converted) return { skipped: converted.skipped, position };
    return { exchange: converted, position };
  };
  try {
    for await (const chunk of source) {
      read += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
      for await (const { key, value } of pipeline(chunk)) yield handle(value, key);
    }
    for await (const { key, value } of pipeline(none)) yield handle(value, key);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const where = index >= 0 ? `after entry /log/entries/${index}` : 'before the first entry';
    const problem =
      read === 0
        ? 'the file is empty'
        : error instanceof HarShapeError
          ? `not a HAR file: ${detail}`
          : `corrupt HAR: the JSON is cut off or malformed ${where}, within the first ${read} bytes (${detail.replace(/^Parser /, 'parser: ')})`;
    yield { problem, fatal: true };
    return;
  }
  if (!sawEntries) yield { problem: 'not a HAR file: it has no "log.entries" array', fatal: true };
}

class HarShapeError extends Error {}

/** Reads JSONL: one exchange per line; a bad line is reported and reading goes on. */
async function* readJsonl(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<RecordingItem> {
  const decoder = new TextDecoder();
  let pending = '';
  let line = 0;
  const handle = (text: string): RecordingItem | undefined => {
    line++;
    const position = `line ${line}`;
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { problem: `not JSON: ${detail}`, position, fatal: false };
    }
    const problem = exchangeShapeProblem(value);
    if (problem) return { problem: `not an exchange: ${problem}`, position, fatal: false };
    return { exchange: toExchange(value as Record<string, unknown>), position };
  };
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const item = handle(pending.slice(0, newline).replace(/\r$/, ''));
      if (item) yield item;
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  const item = handle(pending);
  if (item) yield item;
}

/** `har` when the first key of the top-level object is `log`, `jsonl` when a line starts with `{"request"` or `{"response"`. */
export function sniffFormat(head: string): RecordingFormat | undefined {
  const text = head.replace(/^\uFEFF/, '');
  if (/^\s*\{\s*"log"\s*:/.test(text)) return 'har';
  if (/^\s*\{\s*"(?:request|response)"\s*:/.test(text)) return 'jsonl';
  return undefined;
}

/**
 * Reads a recording (HAR 1.2 or JSONL of `RecordedExchange`) as a stream of items; never throws
 * for bad input, which comes back as `{ problem }` items.
 *
 * @example
 * import { createReadStream } from 'node:fs';
 * for await (const item of readExchanges(createReadStream('session.har'))) {
 *   if ('exchange' in item) console.log(item.position, validateExchange(item.exchange).ok);
 * }
 */
export async function* readExchanges(
  source: RecordingSource,
  options: ReadOptions = {},
): AsyncGenerator<RecordingItem> {
  const iterator = bytes(source)[Symbol.asyncIterator]();
  const buffered: (Uint8Array | string)[] = [];
  let head = '';
  let format = options.format;
  let ended = false;
  while (!format && head.length < 4096) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    buffered.push(next.value);
    head +=
      typeof next.value === 'string' ? next.value : new TextDecoder().decode(next.value.subarray(0, 4096));
    format = sniffFormat(head);
    if (!format && /\S/.test(head) && !/^\s*\{?\s*$/.test(head)) break;
  }
  format ??= sniffFormat(head);
  if (!format) {
    yield {
      problem: /\S/.test(head)
        ? 'neither a HAR file ({"log":…}) nor JSONL exchanges ({"request":…,"response":…} per line)'
        : 'the input is empty',
      fatal: true,
    };
    return;
  }
  const rest: AsyncIterable<Uint8Array | string> = {
    async *[Symbol.asyncIterator]() {
      yield* buffered;
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
  yield* format === 'har' ? readHar(rest) : readJsonl(rest);
}
