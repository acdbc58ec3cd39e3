import { ImagesApiError } from '../contract/errors.ts';
import type { ImageGenerationUsage } from '../contract/types.ts';
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
  /** Send an `error` event after this many events, then end the stream. */
  streamErrorAfter?: number;
  /** Drop the connection after this many events. */
  dropAfter?: number;
  /** Send `: keep-alive` comments before every event. */
  keepAlive?: boolean;
  /** `split`: cut every frame into several chunks; `merged`: several frames per chunk. */
  framing?: 'split' | 'merged';
  /** Return at most this many images. */
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

const badControl = (message: string) =>
  new ImagesApiError(400, `[openrouter-images-mock] ${message}`, { header: 'prefer' });

/** The `Scenario` a named scenario stands for. Throws (400) for a name that is not in the catalog. */
export function namedScenario(name: string, options: ScenarioOptions = {}): Scenario {
  if (isErrorScenario(name)) {
    const base = ERROR_SCENARIOS[name] as ErrorScenario;
    const error: ErrorScenario = { ...base };
    if (options.message) error.message = options.message;
    if (options.retryAfter !== undefined) error.retryAfter = options.retryAfter;
    return options.latency === undefined ? { error } : { error, latency: options.latency };
  }
  if (!isFaultScenario(name)) {
    const known = [...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)].join(', ');
    throw badControl(`unknown scenario "${name}"; known scenarios: ${known}`);
  }
  const after = options.after ?? 1;
  switch (name) {
    case 'slow':
      return { latency: options.latency ?? 1000 };
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
      return { maxImages: options.count ?? -1 };
  }
}

/** Later scenarios override earlier ones field by field. */
export function mergeScenarios(...scenarios: (Scenario | undefined)[]): Scenario {
  return Object.assign({}, ...scenarios.filter(Boolean));
}

const nonNegativeInt = (key: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw badControl(`Prefer ${key} must be a whole number >= 0, got "${value}"`);
  return n;
};

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
 * `partial-images=3`, `interval=50`. Tokens are separated by commas or semicolons; other
 * preferences (e.g. `respond-async`) are ignored, as RFC 7240 asks.
 */
export function scenarioFromPrefer(header: string | null): Scenario | undefined {
  if (!header) return undefined;
  const prefs = new Map<string, string>();
  for (const token of header.split(/[,;]/)) {
    const [key, ...rest] = token.split('=');
    const name = key?.trim().toLowerCase();
    if (name) prefs.set(name, rest.join('=').trim().replace(/^"|"$/g, ''));
  }
  const fields: PreferFields = {};
  const number = (key: string) => {
    const value = prefs.get(key);
    return value === undefined ? undefined : nonNegativeInt(key, value);
  };
  const set = <K extends keyof PreferFields>(key: K, value: PreferFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('retryAfter', number('retry-after'));
  const latency = prefs.get('latency');
  if (latency !== undefined) {
    const [min, max] = latency.split('-').map((part) => nonNegativeInt('latency', part));
    fields.latency = max === undefined ? (min ?? 0) : { min: min ?? 0, max };
  }
  set('after', number('after'));
  set('count', number('count'));
  set('code', number('code'));
  set('names', prefs.get('scenario')?.split(/\s+/).filter(Boolean));
  set('partialImages', number('partial-images'));
  set('interval', number('interval'));
  return scenarioFromFields(fields);
}

export type { ScenarioName };
