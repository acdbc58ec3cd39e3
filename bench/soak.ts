/**
 * Soak: a mixed workload against a fresh `openrouter-images-mock serve` (the built CLI, as users run
 * it), checking every answer, while the control API changes what the next requests get. It is a
 * correctness check as much as a memory one: every answer is classified as asked-for (the workload
 * wanted it: a 429 with Retry-After for `scenario=rate-limited`, a cut for `stream-drop`, an abort
 * the client made) or unexpected; the run exits 1 when anything was unexpected.
 *
 *   npm run bench:soak                               # 60 s after a 10 s warm-up, 64 connections
 *   npm run bench:soak -- --seconds 600 --json soak.json
 *
 * Flags: --seconds <s> (measured, after the warm-up), --warmup <s>, --connections <n>,
 * --json <file>, --cli <path> (another build's dist/cli/main.js), --kinds <regex> (only the kinds
 * whose name matches, to find which one a problem or growth comes from; the control loop still runs).
 *
 * The workload (KINDS below): every format (png, jpeg, webp, svg, several models, new prompts and a
 * few cached ones), streams read with eventsource-parser (as clients read them), the API's errors
 * (400 schema, bad JSON, unknown model, 401, 404, 405, 413), every scenario of the catalog through
 * `Prefer` (src/scenarios/catalog.ts is imported: each error scenario is a kind by itself, and a stream
 * or timing fault added there without a kind here fails the typecheck), requests steered by a control loop that changes scenario and
 * response rules, credits and resets once a second (those requests carry their own prompt marker
 * or key, so the rules never touch the rest), and client disconnects mid-body, mid-stream, during
 * a scenario's latency and mid-upload.
 *
 * One process generates the load (node:http, one keep-alive agent of `--connections` sockets and as
 * many request loops, plus one socket for the control loop); the server runs in its own process: one
 * core each on a 2-core machine. Latencies go into log-bucket histograms and examples are kept per
 * kind of problem, so the generator's memory stays bounded over any duration. The server's RSS is
 * read from /proc/<pid>/status (VmRSS; the peak is VmHWM): at the end of the warm-up (which starts
 * with one request of each kind, so every encoder is loaded), halfway and at the end of the measured
 * time, and each second in between.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createParser } from 'eventsource-parser';
import { MEDIA_TYPES, sniffFormat } from '../src/contract/media-types.ts';
import type { OutputFormat } from '../src/contract/types.ts';
import {
  ERROR_SCENARIOS,
  type ErrorScenario,
  type ErrorScenarioName,
  type FaultScenarioName,
} from '../src/scenarios/catalog.ts';
import { gitDescription, table } from './report.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    json: { type: 'string' },
    cli: { type: 'string' },
    kinds: { type: 'string' },
  },
});
const SECONDS = Number(flags.seconds ?? 60);
const WARMUP = Number(flags.warmup ?? 10);
const CONNECTIONS = Number(flags.connections ?? 64);
if (!(SECONDS > 0 && WARMUP >= 0 && CONNECTIONS > 0)) throw new Error('--seconds, --warmup, --connections');
const RSS_GROWTH_LIMIT = 10; // % after the warm-up
const RSS_PEAK_LIMIT_MB = 150;
const REQUEST_TIMEOUT_MS = 30_000;
/** Seconds between two control changes. */
const CONTROL_EVERY = 1;

const KEY = 'sk-or-v1-soak-0000000000000000000000000000000000000000000000000000000000';
/** The credits rules name keys by their end: only requests with this key are on credits. */
const CREDITS_SUFFIX = 'soak-credits';
const CREDITS_KEY = `sk-or-v1-${CREDITS_SUFFIX}`;
/** Prompt markers the control rules match; no other kind's prompt contains them. */
const CTL_SCENARIO = 'ctl-scenario';
const CTL_RESPONSES = 'ctl-responses';

// ---------------------------------------------------------------------------------------------
// Histogram

/**
 * Latencies in log buckets 1 % wide from 10 µs up (about 2,000 buckets for 10 µs to 10 min): the
 * memory is fixed whatever the run's length, the precision ±1 %, as an HDR histogram would give.
 */
class Histogram {
  static readonly #MIN = 0.01;
  static readonly #LOG_STEP = Math.log(1.01);
  readonly #buckets = new Float64Array(2400);
  count = 0;
  max = 0;

  record(ms: number): void {
    const index = ms <= Histogram.#MIN ? 0 : Math.ceil(Math.log(ms / Histogram.#MIN) / Histogram.#LOG_STEP);
    const at = Math.min(index, this.#buckets.length - 1);
    this.#buckets[at] = (this.#buckets[at] ?? 0) + 1;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The upper bound of the bucket holding the p-th percentile (0 when empty). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, Histogram.#MIN * Math.exp(i * Histogram.#LOG_STEP));
    }
    return this.max;
  }
}

// ---------------------------------------------------------------------------------------------
// One exchange over node:http

type Ending = 'complete' | 'cut' | 'abort' | 'error' | 'timeout';

interface StreamRead {
  /** Parsed `data:` payloads before `[DONE]`. */
  events: Record<string, unknown>[];
  done: boolean;
  /** Events after `[DONE]` (there must be none). */
  afterDone: number;
  comments: number;
  problems: string[];
}

interface Answer {
  /** 0 when no answer head arrived. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The body of an answer that is not an event stream. */
  body: Buffer;
  stream?: StreamRead;
  ending: Ending;
  error?: string;
  ms: number;
}

interface Exchange {
  method?: string;
  path?: string;
  /** JSON bodies are sent as JSON; a string as it is. */
  body?: unknown;
  /** The bearer key; null sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
  /** Client disconnects: on the first body chunk, on the first stream event, or this many ms after sending. */
  abort?: 'first-chunk' | 'first-event' | number;
  /**
   * Announce `announce` bytes and send `send` of them; then disconnect 20 ms later (`wait`: read the
   * answer, then disconnect, as the request can never complete).
   */
  upload?: { announce: number; send: number; wait?: boolean };
}

let origin = { host: '127.0.0.1', port: 0 };

function exchange(agent: Agent, spec: Exchange): Promise<Answer> {
  const started = performance.now();
  const body =
    spec.body === undefined
      ? undefined
      : Buffer.from(typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body));
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.key !== null) headers.authorization = `Bearer ${spec.key ?? KEY}`;
  if (body) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(spec.upload?.announce ?? body.byteLength);
  }
  return new Promise((done) => {
    const answer: Answer = { status: 0, headers: {}, body: Buffer.alloc(0), ending: 'error', ms: 0 };
    const chunks: Buffer[] = [];
    let settled = false;
    let aborting = false;
    const finish = (ending: Ending, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (abortTimer) clearTimeout(abortTimer);
      answer.ending = ending;
      if (error !== undefined) answer.error = error;
      if (!answer.stream) answer.body = Buffer.concat(chunks);
      answer.ms = performance.now() - started;
      if (agent !== controlAgent) (req.reusedSocket ? stats.reused : stats.fresh).record(answer.ms);
      done(answer);
    };
    const disconnect = () => {
      aborting = true;
      req.destroy();
      finish('abort');
    };
    const req = httpRequest({
      agent,
      host: origin.host,
      port: origin.port,
      method: spec.method ?? (body ? 'POST' : 'GET'),
      path: spec.path ?? '/api/v1/images',
      headers,
    });
    const timeout = setTimeout(() => {
      finish('timeout');
      req.destroy();
    }, REQUEST_TIMEOUT_MS);
    let abortTimer: NodeJS.Timeout | undefined;
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(aborting ? 'abort' : 'error', `${error.code ?? error.name}: ${error.message}`);
    });
    req.on('response', (res) => {
      answer.status = res.statusCode ?? 0;
      answer.headers = res.headers;
      const sse = String(res.headers['content-type']).startsWith('text/event-stream');
      let onChunk = (chunk: Buffer) => {
        chunks.push(chunk);
      };
      if (sse) {
        const read: StreamRead = { events: [], done: false, afterDone: 0, comments: 0, problems: [] };
        answer.stream = read;
        const parser = createParser({
          onEvent: (message) => {
            if (read.done) read.afterDone++;
            else if (message.data === '[DONE]') read.done = true;
            else {
              try {
                read.events.push(JSON.parse(message.data) as Record<string, unknown>);
              } catch {
                read.problems.push(`an event that is not JSON: ${message.data.slice(0, 80)}`);
              }
            }
            if (spec.abort === 'first-event' && !settled) disconnect();
          },
          onComment: () => {
            read.comments++;
          },
          onError: (error) => read.problems.push(error.message),
        });
        const decoder = new TextDecoder();
        onChunk = (chunk) => parser.feed(decoder.decode(chunk, { stream: true }));
      }
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        onChunk(chunk);
        if (spec.abort === 'first-chunk' && !settled) disconnect();
      });
      res.on('error', () => {}); // an interrupted body: told by 'close' below
      res.on('end', () => {
        finish('complete');
        if (spec.upload) {
          aborting = true;
          req.destroy();
        }
      });
      res.on('close', () => {
        if (!res.complete) finish(aborting ? 'abort' : 'cut');
      });
    });
    if (typeof spec.abort === 'number') abortTimer = setTimeout(() => settled || disconnect(), spec.abort);
    if (spec.upload && body) {
      req.flushHeaders();
      if (spec.upload.send > 0) req.write(body.subarray(0, spec.upload.send));
      if (!spec.upload.wait) abortTimer = setTimeout(() => settled || disconnect(), 20);
    } else req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Checks: each answer against what its kind asked for

/** What the client saw (`200`, `429`, `cut`, `abort`, …) and, when it is not what was asked, why. */
interface Outcome {
  observed: string;
  problem?: string;
  /** An example for the report: what was sent and what came back. */
  detail?: string;
}

const asked = (observed: string): Outcome => ({ observed });

function observedOf(answer: Answer): string {
  if (answer.ending === 'timeout') return 'timeout';
  if (answer.status === 0) return answer.ending === 'abort' ? 'abort' : 'transport error';
  if (answer.ending === 'cut') return 'cut';
  if (answer.ending === 'abort') return 'abort';
  if (answer.ending === 'error') return 'transport error';
  return String(answer.status);
}

function describe(answer: Answer): string {
  const body = answer.stream
    ? `${answer.stream.events.length} events${answer.stream.done ? ' + [DONE]' : ''}`
    : answer.body.toString('utf8', 0, 300);
  return `${answer.status || 'no answer'} ${answer.ending}${answer.error ? ` (${answer.error})` : ''} after ${answer.ms.toFixed(0)} ms, content-type ${answer.headers['content-type'] ?? '-'}: ${body}`;
}

function unexpected(answer: Answer, problem: string): Outcome {
  return { observed: observedOf(answer), problem, detail: describe(answer) };
}

/** Width and height from a PNG's IHDR or a JPEG's SOF marker; undefined for other formats. */
function dimensions(format: OutputFormat, bytes: Buffer): [number, number] | undefined {
  if (format === 'png' && bytes.length >= 24) return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  if (format !== 'jpeg') return undefined;
  for (let at = 2; at + 9 < bytes.length; ) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return [bytes.readUInt16BE(at + 7), bytes.readUInt16BE(at + 5)];
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

interface ImageWant {
  format: OutputFormat;
  width?: number;
  height?: number;
  /** PNG colour type 6 (RGBA): a transparent background. */
  alpha?: boolean;
}

const wholeSvg = (text: string) =>
  /^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text) && text.trimEnd().endsWith('</svg>');

/** Why an image's bytes are not the image asked for, or undefined. */
function imageProblem(b64: unknown, mediaType: unknown, want: ImageWant): string | undefined {
  if (typeof b64 !== 'string' || b64.length === 0) return 'no b64_json';
  if (mediaType !== undefined && mediaType !== MEDIA_TYPES[want.format])
    return `media_type ${String(mediaType)}, wanted ${MEDIA_TYPES[want.format]}`;
  const bytes = Buffer.from(b64, 'base64');
  // The table's signature; an svg must also be one whole document (a stream's chunks add up to it).
  const ok =
    sniffFormat(bytes) === want.format && (want.format !== 'svg' || wholeSvg(bytes.toString('utf8')));
  if (!ok) return `not a ${want.format}: ${bytes.toString('latin1', 0, 16)}`;
  if (want.width !== undefined) {
    const size = dimensions(want.format, bytes);
    if (!size || size[0] !== want.width || size[1] !== (want.height ?? want.width))
      return `size ${size?.join('x') ?? 'unreadable'}, wanted ${want.width}x${want.height ?? want.width}`;
  }
  if (want.alpha && bytes[25] !== 6) return `PNG colour type ${bytes[25]}, wanted 6 (RGBA)`;
  return undefined;
}

function json(answer: Answer): Record<string, unknown> | undefined {
  try {
    return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A 200 JSON answer with `count` images as asked. */
function expectImages(answer: Answer, count: number, want: ImageWant): Outcome {
  if (answer.status !== 200 || answer.ending !== 'complete') return unexpected(answer, 'wanted 200 images');
  if (!String(answer.headers['content-type']).startsWith('application/json'))
    return unexpected(answer, 'content-type of images is not JSON');
  const body = json(answer) as { created?: unknown; data?: unknown; usage?: { cost?: unknown } } | undefined;
  if (!body || typeof body.created !== 'number' || !Array.isArray(body.data))
    return unexpected(answer, 'not an images body');
  if (body.data.length !== count) return unexpected(answer, `${body.data.length} images, wanted ${count}`);
  if (typeof body.usage?.cost !== 'number') return unexpected(answer, 'no usage.cost');
  for (const image of body.data as { b64_json?: unknown; media_type?: unknown }[]) {
    const problem = imageProblem(image.b64_json, image.media_type, want);
    if (problem) return unexpected(answer, problem);
  }
  return asked('200');
}

interface ErrorWant {
  message?: string | RegExp;
  metadata?: Record<string, unknown>;
  retryAfter?: string;
  allow?: string;
  /** error.metadata.violations must list at least one. */
  violations?: boolean;
}

/** An error answer in the service's shape: `{"error": {"code": status, "message", "metadata"?}}`. */
function expectError(answer: Answer, status: number, want: ErrorWant = {}): Outcome {
  if (answer.status !== status || answer.ending !== 'complete') return unexpected(answer, `wanted ${status}`);
  const error = (json(answer) as { error?: { code?: unknown; message?: unknown; metadata?: unknown } })
    ?.error;
  if (!error || error.code !== status || typeof error.message !== 'string')
    return unexpected(answer, 'not in the error shape');
  const { message, metadata } = want;
  if (typeof message === 'string' && error.message !== message)
    return unexpected(answer, `message, wanted "${message}"`);
  if (message instanceof RegExp && !message.test(error.message))
    return unexpected(answer, `message, wanted ${message}`);
  if (metadata && !isDeepStrictEqual(error.metadata, metadata)) return unexpected(answer, 'metadata');
  const violations = (error.metadata as { violations?: unknown[] } | undefined)?.violations;
  if (want.violations && !(Array.isArray(violations) && violations.length > 0))
    return unexpected(answer, 'no metadata.violations');
  if (want.retryAfter !== undefined && answer.headers['retry-after'] !== want.retryAfter)
    return unexpected(answer, `Retry-After ${answer.headers['retry-after']}, wanted ${want.retryAfter}`);
  if (want.allow !== undefined && answer.headers.allow !== want.allow)
    return unexpected(answer, `Allow ${answer.headers.allow}, wanted ${want.allow}`);
  return asked(String(status));
}

/** What an error scenario of the catalog answers, as the client must see it. */
function expectScenarioError(answer: Answer, scenario: ErrorScenario, retryAfter?: number): Outcome {
  const wait = retryAfter ?? scenario.retryAfter;
  return expectError(answer, scenario.status, {
    message: scenario.message,
    ...(scenario.metadata ? { metadata: scenario.metadata } : {}),
    ...(wait === undefined ? {} : { retryAfter: String(wait) }),
  });
}

interface StreamWant {
  format: OutputFormat;
  /** Images in the answer. */
  images?: number;
  /** Partial images before each completed raster image. */
  partials?: number;
  /** The stream-error scenario: this many events, then an `error` event, then the end (no [DONE]). */
  errorAfter?: number;
  /** The stream-drop scenario: this many events, then the connection is cut (no [DONE]). */
  dropAfter?: number;
  /** The keep-alive scenario: a comment before every event. */
  keepAlive?: boolean;
}

/**
 * A streamed answer: for each image its partial previews (text chunks for svg), then
 * `image_generation.completed` (usage on the last), then `[DONE]`; or that sequence cut short as a
 * stream fault asks.
 */
function expectStream(answer: Answer, want: StreamWant): Outcome {
  const read = answer.stream;
  if (answer.status !== 200 || !read) return unexpected(answer, 'wanted 200 text/event-stream');
  if (read.problems.length > 0) return unexpected(answer, `SSE framing: ${read.problems[0]}`);
  if (read.afterDone > 0) return unexpected(answer, 'events after [DONE]');
  const events = read.events;
  let limit = events.length;
  let observed = '200';
  if (want.dropAfter !== undefined) {
    if (answer.ending !== 'cut' || read.done)
      return unexpected(answer, 'wanted the stream cut (stream-drop)');
    if (events.length !== want.dropAfter)
      return unexpected(answer, `${events.length} events before the cut, wanted ${want.dropAfter}`);
    observed = 'cut';
  } else if (want.errorAfter !== undefined) {
    const last = events.at(-1) as { type?: unknown; error?: { message?: unknown } } | undefined;
    if (answer.ending !== 'complete' || read.done || last?.type !== 'error')
      return unexpected(answer, 'wanted an error event, then the end (stream-error)');
    if (typeof last.error?.message !== 'string') return unexpected(answer, 'error event without a message');
    if (events.length !== want.errorAfter + 1)
      return unexpected(answer, `${events.length - 1} events before the error, wanted ${want.errorAfter}`);
    limit = want.errorAfter;
    observed = 'stream error event';
  } else if (answer.ending !== 'complete' || !read.done)
    return unexpected(answer, 'stream did not end with [DONE]');
  if (want.keepAlive && read.comments < events.length)
    return unexpected(answer, `${read.comments} keep-alive comments for ${events.length} events`);

  // Walk the sequence the answer must follow, up to `limit` events.
  const images = want.images ?? 1;
  const image: ImageWant = { format: want.format };
  let at = 0;
  for (let index = 0; index < images && at < limit; index++) {
    let text = '';
    if (want.format === 'svg') {
      while (at < limit && events[at]?.type === 'image_generation.text_chunk')
        text += String(events[at++]?.text);
      if (text === '' && at < limit) return unexpected(answer, `event ${at}: wanted a text_chunk`);
    } else {
      for (let k = 0; k < (want.partials ?? 2) && at < limit; k++, at++) {
        const event = events[at] as { type?: unknown; partial_image_index?: unknown; b64_json?: unknown };
        if (event.type !== 'image_generation.partial_image' || event.partial_image_index !== k)
          return unexpected(answer, `event ${at}: wanted partial image ${k}, got ${String(event.type)}`);
        const problem = imageProblem(event.b64_json, undefined, image);
        if (problem) return unexpected(answer, `event ${at}: ${problem}`);
      }
    }
    if (at >= limit) break;
    const completed = events[at++] as {
      type?: unknown;
      b64_json?: unknown;
      media_type?: unknown;
      usage?: unknown;
    };
    if (completed.type !== 'image_generation.completed')
      return unexpected(answer, `event ${at - 1}: wanted completed, got ${String(completed.type)}`);
    const problem = imageProblem(completed.b64_json, completed.media_type, image);
    if (problem) return unexpected(answer, `completed: ${problem}`);
    if (text !== '' && Buffer.from(String(completed.b64_json), 'base64').toString('utf8') !== text)
      return unexpected(answer, 'the text chunks are not the completed svg');
    if ((completed.usage !== undefined) !== (index === images - 1))
      return unexpected(answer, 'usage must ride on the last completed event only');
  }
  if (at !== limit) return unexpected(answer, `${limit - at} events beyond the sequence`);
  return asked(observed);
}

/** A disconnect the client made: whatever arrived before it must be what was asked for. */
function expectAbort(answer: Answer, before: 'head' | 'body' | 'upload'): Outcome {
  if (answer.ending !== 'abort') return unexpected(answer, 'wanted a client abort');
  if (before === 'body' && answer.status !== 200) return unexpected(answer, 'wanted 200 before the abort');
  if (before !== 'body' && answer.status !== 0) return unexpected(answer, 'an answer came before the abort');
  if (answer.stream && answer.stream.problems.length > 0) return unexpected(answer, 'SSE framing');
  return asked('abort');
}

// ---------------------------------------------------------------------------------------------
// The control loop and what requests it steers may get

/** What the steered requests may get, as the control rules stand. */
interface ControlState {
  /** `ctl-scenario` requests: 200, or the statuses of the scenario rules that may apply. */
  scenario: readonly string[];
  /** `ctl-responses` requests: the 64² fixture or the synthesized 512² image. */
  responses: readonly ('fixture' | 'synthesized')[];
  /** Requests with the credits key: 200 while the balance lasts, then 402. */
  credits: readonly ('200' | '402')[];
}

const CLEAN: ControlState = { scenario: ['200'], responses: ['synthesized'], credits: ['200'] };

/**
 * The states the control loop went through. A change is announced before its request goes out and
 * applied once its answer is back; a request may meet any state from the one applied when it
 * started to the one announced when it ended.
 */
class ControlHistory {
  /** The latest states; older ones are dropped, since no request outlives its 30 s timeout. */
  #states: ControlState[] = [CLEAN];
  /** The version of `#states[0]`. */
  #base = 0;
  announced = 0;
  applied = 0;

  get current(): ControlState {
    return this.#states[this.#states.length - 1] ?? CLEAN;
  }

  async change(next: Partial<ControlState>, call: () => Promise<boolean>): Promise<void> {
    this.#states.push({ ...this.current, ...next });
    if (this.#states.length > 128) {
      this.#states.shift();
      this.#base++;
    }
    this.announced = this.#base + this.#states.length - 1;
    // A refused change leaves the state unknown: the failure is reported, later checks may be too.
    await call();
    this.applied = this.announced;
  }

  /** Every outcome a request may see between these two versions. */
  union<K extends keyof ControlState>(key: K, from: number, to: number): Set<ControlState[K][number]> {
    const out = new Set<ControlState[K][number]>();
    for (let v = Math.max(from, this.#base); v <= to; v++)
      for (const value of this.#states[v - this.#base]?.[key] ?? []) out.add(value);
    return out;
  }
}

const control = new ControlHistory();
const controlAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** A steered request: runs it and checks the answer against every state it may have met. */
async function steered(
  key: keyof ControlState,
  spec: Exchange,
  check: (answer: Answer, allowed: Set<string>) => Outcome,
): Promise<Outcome> {
  const from = control.applied;
  const answer = await exchange(agent, spec);
  return check(answer, control.union(key, from, control.announced) as Set<string>);
}

/** One control call, checked and counted as a request of the `control API` kind. */
async function controlCall(spec: Exchange, status: number, check?: (body: unknown) => string | undefined) {
  const answer = await exchange(controlAgent, spec);
  let outcome: Outcome = asked(String(status));
  if (answer.status !== status || answer.ending !== 'complete')
    outcome = unexpected(answer, `${spec.method ?? 'GET'} ${spec.path}: wanted ${status}`);
  else if (check) {
    const problem = check(answer.body.length > 0 ? json(answer) : undefined);
    if (problem) outcome = unexpected(answer, `${spec.method ?? 'GET'} ${spec.path}: ${problem}`);
  }
  stats.record('control API', outcome, answer.ms);
  return { ok: outcome.problem === undefined, body: json(answer) };
}

const listed = (id: string | undefined) => (body: unknown) =>
  (body as { data?: { id?: string }[] })?.data?.some((rule) => rule.id === id)
    ? undefined
    : `${id} not listed`;
const isList = (body: unknown) =>
  Array.isArray((body as { data?: unknown })?.data) ? undefined : 'no data array';
const ruleOf = (body: unknown) => (body as { id?: string } | undefined)?.id;

const FIXTURE = { synthesize: { width: 64, height: 64, format: 'png', label: 'soak fixture' } };

/** The control loop's cycle: each step one change or listing, one a second. */
function controlSteps(): (() => Promise<void>)[] {
  let limited: string | undefined;
  let fixture: string | undefined;
  const post = (path: string, body: unknown) => ({ method: 'POST', path, body, key: null });
  return [
    () =>
      control.change({ scenario: ['429'] }, async () => {
        const added = await controlCall(
          post('/__mock/scenarios', { scenario: 'rate-limited', match: { prompt: CTL_SCENARIO } }),
          201,
        );
        limited = ruleOf(added.body);
        return added.ok;
      }),
    async () => {
      await controlCall({ path: '/__mock/scenarios', key: null }, 200, listed(limited));
    },
    // Newer, so it wins for its 5 uses; then the rate limit is back.
    () =>
      control.change({ scenario: ['503', '429'] }, async () => {
        const scenario = { code: 503, retryAfter: 7 };
        const body = { scenario, times: 5, match: { prompt: CTL_SCENARIO } };
        return (await controlCall(post('/__mock/scenarios', body), 201)).ok;
      }),
    () =>
      control.change({ responses: ['fixture'] }, async () => {
        const body = { images: [FIXTURE], match: { prompt: CTL_RESPONSES } };
        const added = await controlCall(post('/__mock/responses', body), 201);
        fixture = ruleOf(added.body);
        return added.ok;
      }),
    () =>
      control.change({ credits: ['200', '402'] }, async () => {
        const body = { balance: 0.4, key: CREDITS_SUFFIX };
        return (await controlCall({ method: 'PUT', path: '/__mock/credits', body, key: null }, 200)).ok;
      }),
    async () => {
      await controlCall({ path: '/__mock/requests?limit=20', key: null }, 200, isList);
      await controlCall({ path: '/__mock/requests?status=4xx&limit=5', key: null }, 200, isList);
    },
    () =>
      control.change({ scenario: ['503', '200'] }, async () => {
        const path = `/__mock/scenarios/${limited}`;
        return (await controlCall({ method: 'DELETE', path, key: null }, 204)).ok;
      }),
    () =>
      control.change({ credits: ['402'] }, async () => {
        const body = { balance: 0, key: CREDITS_SUFFIX };
        return (await controlCall({ method: 'PUT', path: '/__mock/credits', body, key: null }, 200)).ok;
      }),
    async () => {
      await controlCall({ path: '/__mock/responses', key: null }, 200, listed(fixture));
    },
    () =>
      control.change({ responses: ['synthesized'] }, async () => {
        const path = `/__mock/responses/${fixture}`;
        return (await controlCall({ method: 'DELETE', path, key: null }, 204)).ok;
      }),
    () =>
      control.change({ responses: ['fixture', 'synthesized'] }, async () => {
        const body = { images: [FIXTURE], times: 3, match: { prompt: CTL_RESPONSES } };
        return (await controlCall(post('/__mock/responses', body), 201)).ok;
      }),
    // A control body the control document refuses: 400 naming the field, nothing changes.
    async () => {
      await controlCall(post('/__mock/scenarios', { scenario: 'no-such-scenario' }), 400, (body) =>
        (body as { error?: { metadata?: { violations?: unknown[] } } })?.error?.metadata?.violations?.length
          ? undefined
          : 'no violations',
      );
    },
    () =>
      control.change(
        CLEAN,
        async () => (await controlCall({ method: 'POST', path: '/__mock/reset', key: null }, 204)).ok,
      ),
    async () => {
      await controlCall({ path: '/__mock/health', key: null }, 200, (body) =>
        (body as { status?: unknown })?.status === 'ok' ? undefined : 'status is not ok',
      );
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The workload

interface Kind {
  name: string;
  /** Relative share of the requests. */
  weight: number;
  run(): Promise<Outcome>;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
let prompts = 0;
/** A prompt no earlier request had, so no cache can hide growth. */
const fresh = (what: string) => `${what} #${++prompts}`;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const post = (body: Record<string, unknown>, extra: Omit<Exchange, 'body'> = {}) =>
  exchange(agent, { ...extra, body });
const images = (body: Record<string, unknown>, count: number, want: ImageWant) => async () =>
  expectImages(await post({ ...body, prompt: fresh(String(body.prompt)) }), count, want);
const stream = (body: Record<string, unknown>, want: StreamWant, prefer?: string) => async () =>
  expectStream(
    await post(
      { ...body, prompt: fresh(String(body.prompt)), stream: true },
      prefer ? { headers: { prefer } } : {},
    ),
    want,
  );
const failing = (spec: Exchange, status: number, want?: ErrorWant) => async () =>
  expectError(await exchange(agent, spec), status, want);

const GEMINI = { model: 'google/gemini-3.1-flash-image', prompt: 'a fox' };
const GPT = { model: 'openai/gpt-image-1', prompt: 'a lighthouse', quality: 'low' };
const MINI = { model: 'openai/gpt-image-1-mini', prompt: 'three boats', quality: 'low', n: 3 };
const SVG = { model: 'recraft/recraft-v3-svg', prompt: 'an owl' };
const PNG_STREAM = { model: 'openai/gpt-image-1', prompt: 'a heron', quality: 'low' };
const FLUX = { model: 'black-forest-labs/flux.2-pro', prompt: 'a barn' };
const SEEDREAM = { model: 'bytedance-seed/seedream-4.5', prompt: 'a bay' };
const WEBP: ImageWant = { format: 'webp' };

/** A cheap valid request for the error scenarios, buffered or streamed (errors come as JSON either way). */
const scenarioBody = () => ({ ...SVG, prompt: fresh('scenario'), stream: Math.random() < 0.5 });

const errorScenarioKinds = (Object.entries(ERROR_SCENARIOS) as [ErrorScenarioName, ErrorScenario][]).map(
  ([name, scenario]): Kind => ({
    name: `scenario ${name}`,
    weight: 0.4,
    run: async () =>
      expectScenarioError(await post(scenarioBody(), { headers: { prefer: `scenario=${name}` } }), scenario),
  }),
);

/** Every stream and timing fault of the catalog (the type makes a new one fail the typecheck here). */
const FAULT_KINDS: Record<FaultScenarioName, Kind['run']> = {
  slow: async () => {
    const answer = await post(
      { ...SVG, prompt: fresh('slow') },
      { headers: { prefer: 'scenario=slow, latency=100-300' } },
    );
    const outcome = expectImages(answer, 1, { format: 'svg' });
    if (!outcome.problem && answer.ms < 100) return unexpected(answer, 'answered before its latency');
    return outcome;
  },
  'stream-error': stream(PNG_STREAM, { format: 'png', errorAfter: 1 }, 'scenario=stream-error, after=1'),
  'stream-drop': stream(PNG_STREAM, { format: 'png', dropAfter: 2 }, 'scenario=stream-drop, after=2'),
  'keep-alive': stream(SVG, { format: 'svg', keepAlive: true }, 'scenario=keep-alive'),
  'split-frames': stream(PNG_STREAM, { format: 'png' }, 'scenario=split-frames'),
  'merged-frames': stream(SVG, { format: 'svg' }, 'scenario=merged-frames'),
  'fewer-images': async () => {
    const count = pick([undefined, 1]);
    const prefer = count === undefined ? 'scenario=fewer-images' : `scenario=fewer-images, count=${count}`;
    const answer = await post({ ...MINI, prompt: fresh('fewer') }, { headers: { prefer } });
    return expectImages(answer, count ?? MINI.n - 1, { format: 'png', width: 1024 });
  },
};

const kind = (name: string, weight: number, run: Kind['run']): Kind => ({ name, weight, run });
const png = (width: number, alpha?: boolean): ImageWant => ({
  format: 'png',
  width,
  ...(alpha ? { alpha } : {}),
});

const ALL_KINDS: Kind[] = [
  // Images, every format, several models.
  kind('png 512² gemini', 6, images({ ...GEMINI, resolution: '512' }, 1, png(512))),
  kind('png 1K gemini', 4, images({ ...GEMINI, resolution: '1K' }, 1, png(1024))),
  kind('png 1K gemini, cached prompt', 3, async () => {
    const prompt = `a cached fox ${Math.floor(Math.random() * 8)}`;
    return expectImages(await post({ ...GEMINI, resolution: '1K', prompt }), 1, png(1024));
  }),
  kind('png transparent gpt-image-1', 2, images({ ...GPT, background: 'transparent' }, 1, png(1024, true))),
  kind('png ×3 gpt-image-1-mini', 2, images(MINI, 3, png(1024))),
  kind('jpeg 512² flux.2-pro', 3, images({ ...FLUX, size: '512x512' }, 1, { format: 'jpeg', width: 512 })),
  kind('jpeg 2K seedream-4.5', 0.7, images(SEEDREAM, 1, { format: 'jpeg', width: 2048 })),
  kind(
    'jpeg q60 gpt-image-1',
    1,
    images({ ...GPT, quality: 'medium', output_format: 'jpeg', output_compression: 60 }, 1, {
      format: 'jpeg',
      width: 1024,
    }),
  ),
  kind(
    'webp lossless 512² gemini',
    2,
    images({ ...GEMINI, resolution: '512', output_format: 'webp' }, 1, WEBP),
  ),
  kind(
    'webp lossy gpt-image-1',
    2,
    images({ ...GPT, output_format: 'webp', output_compression: 80 }, 1, WEBP),
  ),
  kind('svg recraft-v3-svg', 4, images(SVG, 1, { format: 'svg' })),
  kind(
    'svg recraft-v4-vector',
    2,
    images({ ...SVG, model: 'recraft/recraft-v4-vector' }, 1, { format: 'svg' }),
  ),
  kind('GET models, endpoints', 1, async () => {
    const path = pick(['/api/v1/images/models', '/api/v1/images/models/openai/gpt-image-1/endpoints']);
    const answer = await exchange(agent, { path });
    if (answer.status !== 200 || answer.ending !== 'complete') return unexpected(answer, 'wanted 200');
    // The list has `data`, a model's endpoints record `endpoints`.
    const body = json(answer) as { data?: unknown; endpoints?: unknown } | undefined;
    const list = path.endsWith('/endpoints') ? body?.endpoints : body?.data;
    return Array.isArray(list) && list.length > 0 ? asked('200') : unexpected(answer, 'no list');
  }),

  // Streams.
  kind('stream png gpt-image-1', 4, stream(PNG_STREAM, { format: 'png' })),
  kind('stream png, 4 partials', 1, stream(PNG_STREAM, { format: 'png', partials: 4 }, 'partial-images=4')),
  kind('stream svg recraft', 3, stream(SVG, { format: 'svg' })),

  // The API's own errors.
  kind('400 schema', 2, async () => {
    const body = pick([{ ...GPT, n: 99 }, { model: GPT.model }, { ...GPT, size: 7 }]);
    return expectError(await post(body), 400, { violations: true });
  }),
  kind(
    '400 body not JSON',
    1,
    failing({ body: '{"model": "a/b", ' }, 400, { message: /^Request body is not valid JSON/ }),
  ),
  kind(
    '400 unknown model',
    1,
    failing({ body: { model: 'nobody/nothing', prompt: 'x' } }, 400, {
      message: /^nobody\/nothing is not a valid model ID/,
    }),
  ),
  kind(
    '400 unknown Prefer scenario',
    0.5,
    failing({ body: SVG, headers: { prefer: 'scenario=no-such-scenario' } }, 400, {
      message: /unknown scenario "no-such-scenario"/,
    }),
  ),
  kind(
    '401 without key',
    1,
    failing({ body: SVG, key: null }, 401, { message: 'Missing Authentication header' }),
  ),
  kind(
    '401 malformed key',
    0.5,
    failing({ body: SVG, key: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }, 401, {
      message: /^Malformed Authentication header/,
    }),
  ),
  kind('404 unknown path', 1, async () => {
    const spec = pick<Exchange>([{ path: '/api/v1/nope' }, { path: '/nope', method: 'POST', body: {} }]);
    return expectError(await exchange(agent, spec), 404, { message: 'Not Found' });
  }),
  kind('405 wrong method', 1, async () => {
    const method = pick(['GET', 'PUT', 'DELETE']);
    return expectError(await exchange(agent, { method }), 405, { allow: 'POST' });
  }),
  // Refused from its Content-Length alone; the client then leaves without sending the body.
  kind(
    '413 body too large',
    0.3,
    failing({ body: '{}', upload: { announce: 11 << 20, send: 0, wait: true } }, 413),
  ),

  // Every scenario of the catalog through Prefer.
  ...errorScenarioKinds,
  kind('scenario code=429, retry-after=3', 0.4, async () => {
    const answer = await post(scenarioBody(), { headers: { prefer: 'code=429, retry-after=3' } });
    return expectScenarioError(answer, ERROR_SCENARIOS['rate-limited'], 3);
  }),
  ...Object.entries(FAULT_KINDS).map(([name, run]) => kind(`scenario ${name}`, 0.6, run)),
  kind(
    'scenario keep-alive split-frames',
    0.4,
    stream(PNG_STREAM, { format: 'png', keepAlive: true }, 'scenario=keep-alive split-frames'),
  ),

  // Steered by the control loop: each may meet any state the loop went through while it ran.
  kind('control-steered scenario', 2, () =>
    steered('scenario', { body: { ...SVG, prompt: fresh(CTL_SCENARIO) } }, (answer, allowed) => {
      const status = String(answer.status);
      if (!allowed.has(status)) return unexpected(answer, `wanted one of ${[...allowed].join(', ')}`);
      if (status === '429') return expectScenarioError(answer, ERROR_SCENARIOS['rate-limited']);
      if (status === '503') return expectScenarioError(answer, ERROR_SCENARIOS['no-provider'], 7);
      return expectImages(answer, 1, { format: 'svg' });
    }),
  ),
  kind('control-steered responses', 1.5, () =>
    steered(
      'responses',
      { body: { ...GEMINI, resolution: '512', prompt: fresh(CTL_RESPONSES) } },
      (answer, allowed) => {
        const fixture = expectImages(answer, 1, png(64));
        if (!fixture.problem && allowed.has('fixture')) return fixture;
        const made = expectImages(answer, 1, png(512));
        if (!made.problem && allowed.has('synthesized')) return made;
        return unexpected(answer, `wanted ${[...allowed].join(' or ')}: ${made.problem ?? fixture.problem}`);
      },
    ),
  ),
  kind('control-steered credits', 1.5, () =>
    steered(
      'credits',
      { body: { ...SVG, prompt: fresh('credits') }, key: CREDITS_KEY },
      (answer, allowed) => {
        const status = String(answer.status);
        if (!allowed.has(status)) return unexpected(answer, `wanted ${[...allowed].join(' or ')}`);
        if (status === '402')
          return expectError(answer, 402, { message: ERROR_SCENARIOS['insufficient-credits'].message });
        return expectImages(answer, 1, { format: 'svg' });
      },
    ),
  ),

  // Client disconnects. Mid-body: a 2K JPEG answer (about 200 KB) comes in several chunks.
  kind('abort mid-body', 0.7, async () =>
    expectAbort(await post({ ...SEEDREAM, prompt: fresh('abort') }, { abort: 'first-chunk' }), 'body'),
  ),
  kind('abort mid-stream', 1, async () => {
    const headers = { prefer: 'partial-images=4, interval=50' };
    const body = { ...PNG_STREAM, prompt: fresh('abort'), stream: true };
    return expectAbort(await post(body, { abort: 'first-event', headers }), 'body');
  }),
  kind('abort during latency', 1, async () => {
    const headers = { prefer: 'scenario=slow, latency=300' };
    const body = { ...GEMINI, resolution: '1K', prompt: fresh('abort') };
    return expectAbort(await post(body, { abort: 50, headers }), 'head');
  }),
  kind('abort mid-upload', 1, async () => {
    const body = { ...GEMINI, prompt: fresh('upload'), padding: 'x'.repeat(4000) };
    return expectAbort(await exchange(agent, { body, upload: { announce: 4100, send: 1000 } }), 'upload');
  }),
];

const KINDS = flags.kinds
  ? ALL_KINDS.filter((kind) => new RegExp(flags.kinds ?? '').test(kind.name))
  : ALL_KINDS;
if (KINDS.length === 0) throw new Error(`--kinds ${flags.kinds}: no kind matches`);
const TOTAL_WEIGHT = KINDS.reduce((sum, kind) => sum + kind.weight, 0);

let tour = 0;
/** One of each kind first, so the warm-up loads every encoder and path; then by weight. */
function pickKind(): Kind {
  if (tour < KINDS.length) return KINDS[tour++] as Kind;
  let r = Math.random() * TOTAL_WEIGHT;
  for (const kind of KINDS) {
    r -= kind.weight;
    if (r < 0) return kind;
  }
  return KINDS[KINDS.length - 1] as Kind;
}

// ---------------------------------------------------------------------------------------------
// Figures

class KindStats {
  requests = 0;
  unexpected = 0;
  readonly outcomes = new Map<string, number>();
  readonly latency = new Histogram();
}

const SUCCESS = /^2\d\d$/;
/** Kinds of problem kept with an example; more are counted, not kept (bounded memory). */
const MAX_PROBLEMS = 200;

class Stats {
  readonly kinds = new Map<string, KindStats>();
  /** By what the client saw (`429`, `cut`, …): asked-for and unexpected counts. */
  readonly errors = new Map<string, { asked: number; unexpected: number }>();
  readonly problems = new Map<string, { count: number; example: string }>();
  requests = 0;
  unexpected = 0;
  /**
   * Exchanges on a kept-alive connection and on a new one (after an abort, a cut, a 413): a
   * saturated Node server accepts new connections late, which is where the long tails come from.
   */
  readonly reused = new Histogram();
  readonly fresh = new Histogram();

  record(kind: string, outcome: Outcome, ms?: number): void {
    let row = this.kinds.get(kind);
    if (!row) {
      row = new KindStats();
      this.kinds.set(kind, row);
    }
    this.requests++;
    row.requests++;
    if (ms !== undefined) row.latency.record(ms);
    row.outcomes.set(outcome.observed, (row.outcomes.get(outcome.observed) ?? 0) + 1);
    const failed = outcome.problem !== undefined;
    if (failed || !SUCCESS.test(outcome.observed)) {
      const label = SUCCESS.test(outcome.observed) ? `${outcome.observed}, wrong answer` : outcome.observed;
      const counts = this.errors.get(label) ?? { asked: 0, unexpected: 0 };
      if (failed) counts.unexpected++;
      else counts.asked++;
      this.errors.set(label, counts);
    }
    if (!failed) return;
    this.unexpected++;
    row.unexpected++;
    const key = `${kind}: ${outcome.problem}`;
    const known = this.problems.get(key);
    if (known) known.count++;
    else if (this.problems.size < MAX_PROBLEMS)
      this.problems.set(key, { count: 1, example: outcome.detail ?? '' });
  }
}

const warmStats = new Stats();
const runStats = new Stats();
let stats = warmStats;

// ---------------------------------------------------------------------------------------------
// The server under test

interface Server {
  process: ChildProcess;
  pid: number;
  host: string;
  port: number;
}

function startServer(cli: string): Promise<Server> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Anything the server writes beyond its first line is a failure it reports (a mock bug, a crash).
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const lines = stderr.split('\n');
    stderr = lines.pop() ?? '';
    for (const line of lines.filter(Boolean))
      stats.record('server process', { observed: 'stderr', problem: 'wrote to stderr', detail: line });
  });
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the server exited (${code}) before it was ready`)));
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening at http:\/\/([^:/\s]+):(\d+)/.exec(out);
      if (!found || out === '') return;
      out = '';
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => {
        if (!stopping)
          stats.record('server process', {
            observed: 'exit',
            problem: 'the server exited during the run',
            detail: `code ${code}, signal ${signal}`,
          });
      });
      done({ process: child, pid: child.pid ?? 0, host: found[1] ?? '127.0.0.1', port: Number(found[2]) });
    });
  });
}

let stopping = false;

interface ProcStatus {
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM (the peak) of a process, in bytes. */
function procStatus(pid: number): ProcStatus | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The run

// The generator's live heap, after a full collection, shows whether it holds on to anything; `gc`
// is exposed at run time so `node bench/soak.ts` needs no flag.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const number = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const cli = resolve(flags.cli ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)));
  if (!existsSync(cli)) throw new Error(`no built CLI at ${cli}: run npm run build first (bench:soak does)`);
  const server = await startServer(cli);
  origin = { host: server.host, port: server.port };
  const idle = procStatus(server.pid);
  const stopServer = () => {
    stopping = true;
    server.process.kill('SIGTERM');
  };
  // The server must not outlive the soak, however the soak ends (Ctrl-C, kill, a crash).
  process.once('exit', () => {
    const running = server.process.exitCode === null && server.process.signalCode === null;
    if (running && !stopping) server.process.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      stopServer();
      process.exit(130);
    });

  console.log(
    `soak: ${SECONDS} s after a ${WARMUP} s warm-up, ${CONNECTIONS} connections, against ${cli} serve ` +
      `(pid ${server.pid}); node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}, git ${gitDescription()}`,
  );
  console.log(`server RSS at start, idle: ${idle ? mb(idle.rss) : '?'}`);
  console.log(
    `workload: ${KINDS.length} kinds of request (images in every format, streams, errors, every scenario of the catalog, ` +
      `requests steered by the control API, client disconnects), control changes every ${CONTROL_EVERY} s\n`,
  );

  let running = true;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    loops.push(
      (async () => {
        while (running) {
          const kind = pickKind();
          const started = performance.now();
          let outcome: Outcome;
          try {
            outcome = await kind.run();
          } catch (error) {
            outcome = { observed: 'exception', problem: 'the check threw', detail: String(error) };
          }
          stats.record(kind.name, outcome, performance.now() - started);
        }
      })(),
    );
  }
  const steps = controlSteps();
  loops.push(
    (async () => {
      for (let step = 0; running; step++) {
        await steps[step % steps.length]?.();
        await sleep(CONTROL_EVERY * 1000);
      }
    })(),
  );

  await sleep(WARMUP * 1000);
  // The measured time starts here: figures from now on, memory compared with now.
  stats = runStats;
  const start = procStatus(server.pid);
  const startedAt = performance.now();
  const serverCpu0 = cpuSeconds(server.pid);
  const ownCpu0 = process.cpuUsage();
  const ownRss0 = process.memoryUsage.rss();
  const ownHeap0 = liveHeap();
  const samples: { s: number; rss: number }[] = [];
  let middle: ProcStatus | undefined;
  let ownRssMiddle = 0;
  const every = Math.max(10, Math.round(SECONDS / 6));
  for (let s = 1; s <= SECONDS; s++) {
    await sleep(Math.max(0, startedAt + s * 1000 - performance.now()));
    const now = procStatus(server.pid);
    if (now) samples.push({ s, rss: now.rss });
    if (s === Math.round(SECONDS / 2)) {
      middle = now;
      ownRssMiddle = process.memoryUsage.rss();
    }
    if (s % every === 0 && s < SECONDS)
      console.log(
        `  ${s} s: ${number(runStats.requests)} requests, ${number(runStats.requests / s)}/s, ` +
          `server RSS ${now ? mb(now.rss) : '?'}, ${runStats.unexpected} unexpected`,
      );
  }
  const end = procStatus(server.pid);
  const elapsed = (performance.now() - startedAt) / 1000;
  const serverCpu = (cpuSeconds(server.pid) - serverCpu0) / elapsed;
  const ownCpuUsed = process.cpuUsage(ownCpu0);
  const ownCpu = (ownCpuUsed.user + ownCpuUsed.system) / 1e6 / elapsed;
  const measured = runStats.requests;
  running = false;
  // Requests in flight finish (and are checked); none may hang past its timeout.
  await Promise.all(loops);
  const ownRss = process.memoryUsage.rss();
  const ownHeap = liveHeap();
  const peak = procStatus(server.pid)?.hwm ?? 0;
  stopServer();
  await new Promise((done) => {
    if (server.process.exitCode !== null || server.process.signalCode !== null) done(undefined);
    else server.process.once('exit', (code) => done(code));
  });
  agent.destroy();
  controlAgent.destroy();

  // Tables
  const order = [...KINDS.map((kind) => kind.name), 'control API', 'server process'];
  const byKind = [...runStats.kinds].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const rows = byKind.map(([name, row]) => [
    name,
    number(row.requests),
    [...row.outcomes]
      .map(([label, count]) => (row.outcomes.size === 1 ? label : `${label} ×${number(count)}`))
      .join(', '),
    number(row.unexpected),
    ms(row.latency.percentile(50)),
    ms(row.latency.percentile(99)),
  ]);
  console.log(`\n${table(['kind', 'requests', 'outcome', 'unexpected', 'p50 ms', 'p99 ms'], rows)}\n`);
  const errorRows = [...runStats.errors]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([label, counts]) => [label, number(counts.asked), number(counts.unexpected)]);
  console.log(`${table(['error seen by the client', 'asked-for', 'unexpected'], errorRows)}\n`);

  const unexpectedTotal = warmStats.unexpected + runStats.unexpected;
  const problems = [...warmStats.problems, ...runStats.problems];
  if (problems.length > 0) {
    console.log(`unexpected (${number(unexpectedTotal)}, warm-up included), one example each:`);
    for (const [key, { count, example }] of problems)
      console.log(`  ${number(count)} × ${key}\n      ${example}`);
    console.log('');
  }
  const asked = [...runStats.errors.values()].reduce((sum, counts) => sum + counts.asked, 0);
  console.log(
    `requests: ${number(measured)} in ${SECONDS} s (${number(measured / elapsed)}/s; ${number(warmStats.requests)} more in the warm-up), ` +
      `errors asked-for ${number(asked)}, unexpected ${number(unexpectedTotal)}`,
  );
  const { reused, fresh: opened } = runStats;
  const latencies = (h: Histogram) => `p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms`;
  console.log(
    `latency by connection: ${number(reused.count)} exchanges on kept-alive connections ${latencies(reused)}; ` +
      `${number(opened.count)} on new ones ${latencies(opened)}`,
  );
  const percent = (from?: ProcStatus, to?: ProcStatus) =>
    from && to ? ((to.rss - from.rss) / from.rss) * 100 : Number.NaN;
  const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} %`;
  const growth = percent(start, end);
  const growthMet = growth < RSS_GROWTH_LIMIT;
  const low = Math.min(...samples.map((sample) => sample.rss));
  const high = Math.max(...samples.map((sample) => sample.rss));
  const peakMet = peak < RSS_PEAK_LIMIT_MB * 1024 * 1024;
  console.log(
    `server RSS (VmRSS): ${start ? mb(start.rss) : '?'} after the warm-up, ${middle ? mb(middle.rss) : '?'} at ${Math.round(SECONDS / 2)} s, ` +
      `${end ? mb(end.rss) : '?'} at ${SECONDS} s: growth ${signed(growth)} ` +
      `(target < ${RSS_GROWTH_LIMIT} %: ${growthMet ? 'met' : 'MISSED'}; in the second half ${signed(percent(middle, end))}); ` +
      `${mb(low)} to ${mb(high)} over the run, sampled each second; peak (VmHWM) ${mb(peak)} ` +
      `(target < ${RSS_PEAK_LIMIT_MB} MB: ${peakMet ? 'met' : 'MISSED'})`,
  );
  console.log(
    `CPU: server ${(serverCpu * 100).toFixed(0)} % of a core, load generator ${(ownCpu * 100).toFixed(0)} %; ` +
      `load generator RSS ${mb(ownRss0)} after the warm-up, ${mb(ownRssMiddle)} halfway, ${mb(ownRss)} at the end ` +
      `(live heap ${mb(ownHeap0)} and ${mb(ownHeap)})`,
  );
  const verdict =
    unexpectedTotal === 0 && growthMet && peakMet
      ? 'PASS'
      : unexpectedTotal > 0
        ? `FAIL: ${number(unexpectedTotal)} unexpected`
        : 'PASS with the memory target MISSED';
  console.log(
    `verdict: ${verdict} (${number(unexpectedTotal)} unexpected, RSS growth ${growth.toFixed(1)} %, peak ${mb(peak)})`,
  );

  if (flags.json) {
    const kinds = Object.fromEntries(
      [...runStats.kinds].map(([name, row]) => [
        name,
        {
          requests: row.requests,
          outcomes: Object.fromEntries(row.outcomes),
          unexpected: row.unexpected,
          p50: row.latency.percentile(50),
          p99: row.latency.percentile(99),
          max: row.latency.max,
        },
      ]),
    );
    writeFileSync(
      flags.json,
      JSON.stringify(
        {
          node: process.version,
          git: gitDescription(),
          seconds: SECONDS,
          warmup: WARMUP,
          connections: CONNECTIONS,
          requests: measured,
          warmupRequests: warmStats.requests,
          requestsPerSecond: measured / elapsed,
          kinds,
          errors: Object.fromEntries(runStats.errors),
          byConnection: {
            reused: { count: reused.count, p50: reused.percentile(50), p99: reused.percentile(99) },
            new: { count: opened.count, p50: opened.percentile(50), p99: opened.percentile(99) },
          },
          unexpected: unexpectedTotal,
          problems: problems.map(([key, value]) => ({ key, ...value })),
          rss: {
            idle: idle?.rss,
            start: start?.rss,
            middle: middle?.rss,
            end: end?.rss,
            peak,
            growthPercent: growth,
            secondHalfGrowthPercent: percent(middle, end),
            samples,
          },
          cpu: { server: serverCpu, generator: ownCpu },
          generator: {
            rss: { start: ownRss0, middle: ownRssMiddle, end: ownRss },
            liveHeap: { start: ownHeap0, end: ownHeap },
          },
          verdict,
        },
        null,
        2,
      ),
    );
  }
  process.exitCode = unexpectedTotal > 0 ? 1 : 0;
}

await main();
