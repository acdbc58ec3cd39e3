import { ImagesApiError } from '../contract/errors.ts';
import type { ImageGenerationUsage } from '../contract/types.ts';
import { said } from '../message.ts';
import {
  ERROR_SCENARIOS,
  type ErrorScenario,
  errorScenarioForStatus,
  FAULT_SCENARIOS,
  isErrorScenario,
  isFaultScenario,
  type ScenarioName,
} from './catalog.ts';

/** Milliseconds, fixed or drawn (seeded by the request) between two bounds. */
export type Latency = number | { min: number; max: number };

/** How one answer departs from the happy path. Every field is optional; they combine. */
export interface Scenario {
  /** Answer this error instead of images (after validation, as the service would). */
  error?: ErrorScenario;
  /** Wait before the answer starts. */
  latency?: Latency;
  /** Partial images before each completed raster image of a stream. */
  partialImages?: number;
  /** Milliseconds between stream events (0: as fast as the reader pulls). */
  interval?: number;
  /**
   * Send an `error` event after this many events, then end the stream; 0: before the first event;
   * at or beyond the stream's events: after all of them, instead of `[DONE]`.
   */
  streamErrorAfter?: number;
  /**
   * Drop the connection after this many events (the head is sent first); 0: before the first
   * event; at or beyond the stream's events: after all of them, instead of `[DONE]`.
   */
  dropAfter?: number;
  /** Send `: keep-alive` comments before every event. */
  keepAlive?: boolean;
  /** `split`: cut every frame into several chunks; `merged`: several frames per chunk. */
  framing?: 'split' | 'merged';
  /** Return at most this many images (0: none); below 0, n - 1 and at least 1. */
  maxImages?: number;
  /** Answer with these images instead of synthesized ones (in JSON and in streams). */
  images?: ProvidedImage[];
  /** Fields of `usage` to answer instead of the computed ones. */
  usage?: Partial<ImageGenerationUsage>;
  /** `created` to answer instead of the clock's. */
  created?: number;
  /** Check this answer against the contract before it leaves. @default the mock's `checkResponses` */
  checkResponse?: boolean;
}

/** An image given by a test instead of a synthesized one. */
export interface ProvidedImage {
  bytes: Uint8Array;
  mediaType: string;
}

/** Options of a named scenario; what each reads is said in the catalog. */
export interface ScenarioOptions {
  retryAfter?: number;
  message?: string;
  latency?: Latency;
  after?: number;
  count?: number;
}

const badControl = (message: string) => new ImagesApiError(400, said(`${message}`), { header: 'prefer' });

/** A modifier of the `Prefer` header (and the option of the same name in code). */
export interface PreferParameter {
  /** Largest value taken; every parameter is a whole number from 0. */
  max: number;
  /** What the value means at its edges, as the README's Scenarios section says it. */
  edges: string;
}

const ANY = Number.MAX_SAFE_INTEGER;
/** Longest wait a latency or interval may ask for: 10 minutes (as `serve --interval` takes). */
const LONGEST_WAIT_MS = 600_000;

/**
 * Every numeric parameter, its range and its meaning at the edges. Values are decimal digits only;
 * anything else (empty, negative, `1.5`, `1e3`, beyond `max`) is a 400 naming the parameter.
 */
export const PREFER_PARAMETERS = {
  code: {
    max: 999,
    edges:
      'a status of the table selects its scenario; `200` switches a server-wide error scenario off; any other status is a 400',
  },
  'retry-after': {
    max: ANY,
    edges:
      'seconds, on error answers only; `0` sends `Retry-After: 0`; on an error scenario without the header it adds one',
  },
  latency: {
    max: LONGEST_WAIT_MS,
    edges:
      'ms before the answer; `0` waits not at all (also with `slow`, whose default is 1000); `A-B` draws between the bounds, in either order; equal bounds wait exactly that',
  },
  after: {
    max: ANY,
    edges:
      '`stream-drop`, `stream-error`: `0` sends the `200` head, then the fault before the first event; at or beyond the events the stream has, all of them, then the fault instead of `[DONE]`; a JSON answer is sent whole',
  },
  count: {
    max: ANY,
    edges:
      '`fewer-images`: `0` answers no images (`data: []`, a stream of only `[DONE]`); `n` or more, all `n`; without it, n - 1 and at least 1',
  },
  'partial-images': {
    max: 10,
    edges: 'streams: `0` sends only the `completed` events; SVG streams `text_chunk` events instead',
  },
  interval: {
    max: LONGEST_WAIT_MS,
    edges:
      'ms between stream events; `0` sends them as fast as the client reads; no pause before the first event or before a fault',
  },
} as const satisfies Record<string, PreferParameter>;

export type PreferParameterName = keyof typeof PREFER_PARAMETERS;

const DIGITS = /^\d+$/;

/** A parameter's value, checked against its range; `where` prefixes the message (`Prefer `). */
function parameter(name: PreferParameterName, value: string | number, where = ''): number {
  const { max } = PREFER_PARAMETERS[name];
  const n = typeof value === 'number' ? value : DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    const range = max === ANY ? '>= 0' : `from 0 to ${max}`;
    throw badControl(`${where}${name} must be a whole number ${range}, got "${value}"`);
  }
  return n;
}

/** `300` or `100-400` (bounds in either order). */
function latencyOf(value: string, where: string): Latency {
  const parts = value.split('-');
  if (parts.length > 2) throw badControl(`${where}latency must be N or N-M (milliseconds), got "${value}"`);
  const [a = 0, b] = parts.map((part) => parameter('latency', part, where));
  return b === undefined || a === b ? a : { min: Math.min(a, b), max: Math.max(a, b) };
}

/** A `Latency` given in code, checked as the header's is. */
function checkedLatency(latency: Latency): Latency {
  if (typeof latency === 'number') return parameter('latency', latency);
  const min = parameter('latency', latency.min);
  const max = parameter('latency', latency.max);
  return min === max ? min : { min: Math.min(min, max), max: Math.max(min, max) };
}

/** The `Scenario` a named scenario stands for. Throws (400) for a name that is not in the catalog. */
export function namedScenario(name: string, options: ScenarioOptions = {}): Scenario {
  const latency = options.latency === undefined ? undefined : checkedLatency(options.latency);
  if (isErrorScenario(name)) {
    const base = ERROR_SCENARIOS[name] as ErrorScenario;
    const error: ErrorScenario = { ...base };
    if (options.message) error.message = options.message;
    if (options.retryAfter !== undefined) error.retryAfter = parameter('retry-after', options.retryAfter);
    return latency === undefined ? { error } : { error, latency };
  }
  if (!isFaultScenario(name)) {
    const known = [...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)].join(', ');
    throw badControl(`unknown scenario "${name}"; known scenarios: ${known}`);
  }
  const after = options.after === undefined ? 1 : parameter('after', options.after);
  switch (name) {
    case 'slow':
      return { latency: latency ?? 1000 };
    case 'stream-error':
      return { streamErrorAfter: after };
    case 'stream-drop':
      return { dropAfter: after };
    case 'keep-alive':
      return { keepAlive: true };
    case 'split-frames':
      return { framing: 'split' };
    case 'merged-frames':
      return { framing: 'merged' };
    case 'fewer-images':
      // -1: n - 1, at least 1 (see `Scenario.maxImages`).
      return { maxImages: options.count === undefined ? -1 : parameter('count', options.count) };
  }
}

/** Later scenarios override earlier ones field by field. */
export function mergeScenarios(...scenarios: (Scenario | undefined)[]): Scenario {
  return Object.assign({}, ...scenarios.filter(Boolean));
}

/**
 * What a `Prefer` header says, as data: the scenario names (`scenario=a b`), the status
 * (`code=429`) and the modifiers. The control API's scenario fields say the same in JSON.
 */
export interface PreferFields extends ScenarioOptions {
  names?: readonly string[];
  /** An error scenario's status (the first with it); 200 turns a server-wide error off. */
  code?: number;
  partialImages?: number;
  interval?: number;
}

/** The scenario that fields describe, or undefined when they change nothing. Throws (400) as `namedScenario`. */
export function scenarioFromFields(fields: PreferFields): Scenario | undefined {
  const { names, code, partialImages, interval, ...options } = fields;
  const parts: Scenario[] = [];
  if (code !== undefined) {
    if (code === 200) parts.push({ error: undefined });
    else {
      const error = errorScenarioForStatus(code);
      if (!error) throw badControl(`no scenario answers with status ${code}`);
      parts.push({
        error: {
          ...error,
          ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
          ...(options.message === undefined ? {} : { message: options.message }),
        },
      });
    }
  }
  if (names && names.length > 0) for (const name of names) parts.push(namedScenario(name, options));
  else if (options.latency !== undefined) parts.push({ latency: options.latency });
  if (partialImages !== undefined) parts.push({ partialImages });
  if (interval !== undefined) parts.push({ interval });
  return parts.length > 0 ? mergeScenarios(...parts) : undefined;
}

/**
 * Reads a Prism-style `Prefer` header: `code=429`, `scenario=rate-limited`, with modifiers
 * `retry-after=2`, `latency=300` or `latency=100-400`, `after=2`, `count=1`,
 * `partial-images=3`, `interval=50` (ranges and edges in `PREFER_PARAMETERS`). Tokens are
 * separated by commas or semicolons; a repeated one counts as its last; other preferences (e.g.
 * `respond-async`) are ignored, as RFC 7240 asks.
 */
export function scenarioFromPrefer(header: string | null): Scenario | undefined {
  if (!header) return undefined;
  const prefs = new Map<string, string>();
  for (const token of header.split(/[,;]/)) {
    const [key, ...rest] = token.split('=');
    const name = key?.trim().toLowerCase();
    if (name) prefs.set(name, rest.join('=').trim().replace(/^"|"$/g, ''));
  }
  const where = 'Prefer ';
  const fields: PreferFields = {};
  const number = (name: PreferParameterName) => {
    const value = prefs.get(name);
    return value === undefined ? undefined : parameter(name, value, where);
  };
  const set = <K extends keyof PreferFields>(key: K, value: PreferFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('retryAfter', number('retry-after'));
  const latency = prefs.get('latency');
  if (latency !== undefined) fields.latency = latencyOf(latency, where);
  set('after', number('after'));
  set('count', number('count'));
  set('code', number('code'));
  set('names', prefs.get('scenario')?.split(/\s+/).filter(Boolean));
  set('partialImages', number('partial-images'));
  set('interval', number('interval'));
  return scenarioFromFields(fields);
}

export type { ScenarioName };
