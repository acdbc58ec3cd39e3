import { bounded, boundedString, fitsWithin } from '../contract/bounded.ts';
import type { Violation } from '../contract/violations.ts';
import type { MockRequest } from '../http/answer.ts';
import type { RefusedBy } from '../models/plan.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import { redactHeader, redactText, redactValue } from '../secrets/redact.ts';

/** What the mock received and how it answered: one entry of the request journal. */
export interface RecordedRequest {
  /** Increasing number, from 1, per mock. */
  id: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** The URL as sent, with key-carrying query parameters redacted (`?key=[REDACTED]`). */
  url: string;
  /** Path relative to the base path, e.g. `/images`. */
  path: string;
  /**
   * Request headers, lower-case, secrets redacted (src/secrets/redact.ts): `authorization` shows
   * its scheme and last four characters (`Bearer …abcd`), other credentials are `[REDACTED]`.
   */
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
    /** Set when the body ended early: the connection was cut, e.g. `after 1 event`. */
    cut?: string;
  };
  /** Milliseconds from arrival to the answer's head. */
  ms?: number;
  /** Proxy mode: whether the upstream's answer keeps the contract. */
  responseVerdict?: { valid: boolean; violations: Violation[] };
}

// The journal is read by people telling clients apart: Authorization keeps a hint of which key.
const HINT = { hint: true };

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
    for (const [name, value] of request.headerEntries()) headers[name] = redactHeader(name, value, HINT);
    return this.#keep({
      id: this.#next++,
      time: isoNow(),
      method: request.method,
      url: redactText(request.url),
      path,
      headers,
      verdict: { valid: true, violations: [] },
    });
  }

  /**
   * Adds a finished entry (a proxied exchange, say); its secrets are redacted here, in what it
   * reports of the answer too (an upstream's error message or violations may echo them).
   */
  add(fields: Omit<RecordedRequest, 'id' | 'time'>): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields.headers))
      headers[name] = redactHeader(name, value, HINT);
    const entry: RecordedRequest = {
      id: this.#next++,
      time: isoNow(),
      ...fields,
      url: redactText(fields.url),
      headers,
    };
    if (fields.response) entry.response = redactValue(fields.response);
    if (fields.responseVerdict) entry.responseVerdict = redactValue(fields.responseVerdict);
    return this.#keep(entry);
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

/** Largest part of a request body a journal entry keeps (as much as of a body that is not JSON). */
const KEPT_BODY_SIZE = 65_536;
/** Longest message, note or `actual` a journal entry keeps: some echo what the client sent. */
const KEPT_TEXT_SIZE = 4096;

/** Bounds, in place, what a journal entry keeps of its request: the body, and the texts that echo it. */
export function boundEntry(entry: RecordedRequest): void {
  // A key typed into a prompt (or any field) is a secret like one in a header: the journal, the
  // gallery and the logs all read from here.
  if (entry.body !== undefined) entry.body = redactValue(bounded(entry.body, KEPT_BODY_SIZE));
  const violations = entry.verdict.violations;
  if (violations.length > 0) entry.verdict.violations = violations.map(boundViolation);
  if (entry.notes) entry.notes = entry.notes.map((note) => redactText(boundedString(note, KEPT_TEXT_SIZE)));
  if (entry.response?.error) entry.response.error = boundedString(entry.response.error, KEPT_TEXT_SIZE);
}

function boundViolation(violation: Violation): Violation {
  const kept = { ...violation, message: redactText(boundedString(violation.message, KEPT_TEXT_SIZE)) };
  if (kept.actual !== undefined && !fitsWithin(kept.actual, KEPT_TEXT_SIZE)) delete kept.actual;
  if (kept.actual !== undefined) kept.actual = redactValue(kept.actual);
  return kept;
}
