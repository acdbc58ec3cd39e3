import type { Violation } from '../contract/violations.ts';
import type { RefusedBy } from '../models/plan.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import type { MockRequest } from './answer.ts';

/** What the mock received and how it answered: one entry of the request journal. */
export interface RecordedRequest {
  /** Increasing number, from 1, per mock. */
  id: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  url: string;
  /** Path relative to the base path, e.g. `/images`. */
  path: string;
  /** Request headers, lower-case; `authorization` is redacted to its scheme and last four characters. */
  headers: Record<string, string>;
  /** The parsed JSON body (or the raw text when it is not JSON); absent without a body. */
  body?: unknown;
  /**
   * Whether the request keeps the contract: schema and per-model rules; `refusedBy` names the rule
   * that refuses an invalid one (the contract, a listed model's rules, or the catalog's membership).
   */
  verdict: { valid: boolean; violations: Violation[]; refusedBy?: RefusedBy };
  /** What the mock ignored or passed on (unknown provider names, passthrough options). */
  notes?: string[];
  /** True when the model is not in the catalog and the generic stand-in answered. */
  generic?: boolean;
  /** The scenario the answer followed, if any departed from the happy path. */
  scenario?: Scenario;
  /** Ids of the control rules the answer followed (`POST /__mock/scenarios`, `/__mock/responses`). */
  rules?: string[];
  /** What was answered; absent while a stream is still being written. */
  response?: {
    status: number;
    contentType: string | null;
    /** Images returned (or streamed). */
    images?: number;
    /** `error.message` of an error answer. */
    error?: string;
    stream?: boolean;
  };
  /** Milliseconds from arrival to the answer's head. */
  ms?: number;
  /** Proxy mode: whether the upstream's answer keeps the contract. */
  responseVerdict?: { valid: boolean; violations: Violation[] };
}

/** `Bearer sk-or-v1-…abcd`: enough to tell keys apart, never enough to use one. */
export function redactAuthorization(value: string): string {
  const [scheme, ...rest] = value.trim().split(/\s+/);
  const token = rest.join(' ');
  if (!token) return scheme ?? '';
  return `${scheme} ${token.length > 12 ? `…${token.slice(-4)}` : '…'}`;
}

// Requests arriving within one millisecond share one timestamp text: formatting a date is a
// measurable part of a small answer's cost at tens of thousands of requests a second.
let stampMs = -1;
let stamp = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

/** The most recent requests, oldest first, bounded so a long-running server keeps flat memory. */
export class Journal {
  readonly #entries: RecordedRequest[] = [];
  readonly #limit: number;
  #next = 1;

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Starts an entry; the caller fills in the rest as the answer takes shape. */
  open(request: MockRequest, path: string): RecordedRequest {
    // Copied and redacted in one pass (`add` would copy a second time): this runs per request.
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headerEntries()) {
      headers[name] = name === 'authorization' ? redactAuthorization(value) : value;
    }
    return this.#keep({
      id: this.#next++,
      time: isoNow(),
      method: request.method,
      url: request.url,
      path,
      headers,
      verdict: { valid: true, violations: [] },
    });
  }

  /** Adds a finished entry (a proxied exchange, say); the key in its headers is redacted here. */
  add(fields: Omit<RecordedRequest, 'id' | 'time'>): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields.headers)) {
      headers[name] = name === 'authorization' ? redactAuthorization(value) : value;
    }
    return this.#keep({ id: this.#next++, time: isoNow(), ...fields, headers });
  }

  #keep(entry: RecordedRequest): RecordedRequest {
    if (this.#limit > 0) {
      this.#entries.push(entry);
      if (this.#entries.length > this.#limit) this.#entries.shift();
    }
    return entry;
  }

  /** The recorded requests, oldest first (a copy). */
  list(): RecordedRequest[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
