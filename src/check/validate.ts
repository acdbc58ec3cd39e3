import { openApiDocument } from '../contract/document.gen.ts';
import { formatOfMediaType, formatOfSignature, MEDIA_FORMATS, MEDIA_TYPES } from '../contract/media-types.ts';
import type { ImageGenerationRequest, OutputFormat, SchemaName } from '../contract/types.ts';
import { validateErrorBody, validateSchema } from '../contract/validators.ts';
import type { Violation } from '../contract/violations.ts';
import { fromBase64 } from '../http/base64.ts';
import { assessRequestBody, assessRequestText } from '../models/assess.ts';
import { Catalog } from '../models/catalog.ts';
import type { GenerationPlan } from '../models/plan.ts';
import type { ExchangeRequest, ExchangeResponse, RecordedExchange } from '../recording/exchange.ts';
import { parseSse } from '../recording/sse.ts';

/** Which half of an exchange broke the contract. */
export type CheckSide = 'request' | 'response';

/** A violation located in an exchange: the side, and for SSE answers the event's index. */
export interface CheckViolation extends Violation {
  side: CheckSide;
  /** Index of the SSE message the pointer is inside (0-based), for streamed answers. */
  event?: number;
}

/** The outcome of a check: data, never an exception. */
export interface CheckResult {
  /** True when there is no violation. */
  ok: boolean;
  violations: CheckViolation[];
  /** What was not checked and why, and request violations the recorded answer refused as documented. */
  notes: string[];
}

/** The contract's operations, by `operationId`. */
export type OperationId = 'createImages' | 'listImageModels' | 'listImageModelEndpoints';

export interface RequestCheckResult extends CheckResult {
  operation?: OperationId;
  /**
   * The answer the contract prescribes for this request when it refuses it (400 for schema and
   * per-model rules, 404 for provider preferences nothing matches); undefined when it passes.
   */
  refusal?: { status: number; message: string };
}

export interface ExchangeCheckResult extends CheckResult {
  operation?: OperationId;
  /** Set when the exchange is not an operation of the contract (another API, another method). */
  skipped?: string;
  /** Set when the recorded answer was cut short (its `cut`), e.g. `after 1 event`. */
  cut?: string;
}

/**
 * What an exchange is judged by. `contract`: the document, and what the request explicitly asked
 * for; the catalog's per-model rules and the mock's own choices (a model's default format, its
 * pixel mapping, token counts, cost, whether the catalog lists the model) only give notes, so
 * real traffic is never failed for them. `mock`: the mock's rules and defaults too, for checking
 * recordings of this mock.
 */
export type CheckProfile = 'contract' | 'mock';

export interface CheckOptions {
  /** Models whose rules apply to requests. @default the default catalog */
  catalog?: Catalog;
  /** @default 'contract' */
  profile?: CheckProfile;
  /**
   * An answer recorded cut short (the connection dropped before its body ended) passes with a note,
   * instead of failing with a `cut` violation: for recordings of the mock's own fault scenarios.
   * Either way only what was received is checked. @default false
   */
  allowCuts?: boolean;
}

export interface ResponseCheckOptions extends CheckOptions {
  /** The request the response answers; enables the cross checks (n, stream, output format). */
  request?: ExchangeRequest;
  /** The operation answered, when there is no request to tell. @default 'createImages' */
  operation?: OperationId;
}

type Operation = { responses: Record<string, unknown> };
const paths = openApiDocument.paths as unknown as Record<string, Record<string, Operation>>;

const ROUTES: { id: OperationId; method: string; template: string; pattern: RegExp }[] = [
  { id: 'createImages', method: 'POST', template: '/images', pattern: /\/images\/?$/ },
  { id: 'listImageModels', method: 'GET', template: '/images/models', pattern: /\/images\/models\/?$/ },
  {
    id: 'listImageModelEndpoints',
    method: 'GET',
    template: '/images/models/{author}/{slug}/endpoints',
    pattern: /\/images\/models\/[^/]+\/[^/]+\/endpoints\/?$/,
  },
];

/** The schema of a catalog GET's answer (an image answer is checked by `checkImagesSuccess`). */
const SUCCESS_SCHEMA: Record<Exclude<OperationId, 'createImages'>, SchemaName> = {
  listImageModels: 'ImageModelsListResponse',
  listImageModelEndpoints: 'ImageModelEndpointsResponse',
};

/** The operation a method and URL address; matched on the path's end, so any base path works. */
export function operationOf(method: string, url: string): OperationId | undefined {
  if (!URL.canParse(url, 'http://localhost')) return undefined;
  const pathname = new URL(url, 'http://localhost').pathname;
  // Each pattern is anchored at the path's end, so at most one route matches.
  for (const route of ROUTES) {
    if (route.pattern.test(pathname)) return route.method === method.toUpperCase() ? route.id : undefined;
  }
  return undefined;
}

/** The statuses the document lists for an operation. */
export function documentedStatuses(operation: OperationId): number[] {
  const route = ROUTES.find((r) => r.id === operation);
  // Stryker disable next-line OptionalChaining: the document has an operation for every route
  const op = route ? paths[route.template]?.[route.method.toLowerCase()] : undefined;
  // Stryker disable next-line OptionalChaining: as above
  return Object.keys(op?.responses ?? {}).map(Number);
}

let defaultCatalog: Catalog | undefined;
const NO_LIMITS = {
  maxPixelsPerImage: Number.POSITIVE_INFINITY,
  maxPixelsPerResponse: Number.POSITIVE_INFINITY,
};

const on = (side: CheckSide, violations: readonly Violation[], event?: number): CheckViolation[] =>
  violations.map((v) => (event === undefined ? { ...v, side } : { ...v, side, event }));

const result = <T extends CheckResult>(
  violations: CheckViolation[],
  notes: string[],
  extra: Omit<T, keyof CheckResult>,
) => ({ ok: violations.length === 0, violations, notes, ...extra }) as T;

interface RequestAnalysis {
  result: RequestCheckResult;
  /** The mock's plan for the request (used by the `mock` profile only). */
  plan?: GenerationPlan;
  body?: ImageGenerationRequest;
}

function analyzeRequest(request: ExchangeRequest, options: CheckOptions): RequestAnalysis {
  const operation = operationOf(request.method, request.url);
  const notes: string[] = [];
  if (operation !== 'createImages') {
    return { result: result<RequestCheckResult>([], notes, operation ? { operation } : {}) };
  }
  if (request.body === undefined) {
    notes.push('request body not recorded: request not checked');
    return { result: result<RequestCheckResult>([], notes, { operation }) };
  }
  defaultCatalog ??= new Catalog();
  const context = { catalog: options.catalog ?? defaultCatalog, limits: NO_LIMITS, seed: 0 };
  const assessment =
    typeof request.body === 'string'
      ? assessRequestText(request.body, context)
      : assessRequestBody(request.body, context);
  const refusal = assessment.refusal;
  const body =
    // Stryker disable next-line OptionalChaining: an assessment without a plan has a refusal
    assessment.plan || refusal?.by !== 'contract' ? (assessment.body as ImageGenerationRequest) : undefined;
  const passed = (plan?: GenerationPlan): RequestAnalysis => ({
    result: result<RequestCheckResult>([], notes, { operation }),
    ...(plan ? { plan } : {}),
    ...(body ? { body } : {}),
  });
  if (!refusal) return passed(assessment.plan);
  const message = refusal.violations.map((v) => v.message).join('; ');
  if (refusal.by === 'unknown-model') {
    // Stryker disable next-line OptionalChaining: a refusal that is not the contract's has the body
    notes.push(`model ${body?.model} is not in the catalog: its per-model rules were not checked`);
    return passed();
  }
  const judged = refusal.by === 'contract' || options.profile === 'mock';
  if (!judged) {
    // The catalog is the mock's reading of the service, and may be older than the traffic.
    notes.push(
      // Stryker disable next-line OptionalChaining: as above
      `the catalog's rules for ${body?.model} would refuse this request (${message}); not judged (profile contract)`,
    );
  }
  return {
    result: result<RequestCheckResult>(judged ? on('request', refusal.violations) : [], notes, {
      operation,
      refusal: { status: refusal.status, message },
    }),
    ...(body ? { body } : {}),
  };
}

/**
 * Checks a recorded request against the contract: the body's schema, then the per-model rules of
 * the catalog (which `n`, formats, references, sizes the model takes). Never throws for bad input.
 *
 * Credentials are not checked: recordings routinely strip them (browsers' sanitized HAR export,
 * our own recorder), so a missing `Authorization` says nothing about the client.
 *
 * @example
 * const { ok, violations } = validateRequest({ method: 'POST', url: 'https://openrouter.ai/api/v1/images', headers: {}, body: { model: 'openai/gpt-image-1', prompt: 'x', n: 11 } });
 * // ok === false; violations[0] → { side: 'request', pointer: '/n', rule: 'maximum', message: 'n must be <= 10', … }
 */
export function validateRequest(request: ExchangeRequest, options: CheckOptions = {}): RequestCheckResult {
  return analyzeRequest(request, options).result;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `b64_json` is base64 and its bytes are the format `media_type` names. */
function checkImage(b64: unknown, mediaType: unknown, pointer: string): Violation[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: the schema has made b64_json a string
  if (typeof b64 !== 'string') return [];
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) {
    return [
      { pointer, rule: 'base64', message: `${pointer.slice(1).replaceAll('/', '.')} is not valid base64` },
    ];
  }
  // Stryker disable next-line ConditionalExpression: formatOfMediaType finds no format for a non-string either
  if (typeof mediaType !== 'string') return [];
  const format = formatOfMediaType(mediaType);
  if (!format) return [];
  // Stryker disable next-line MethodExpression: the raster signatures lie in the first 12 bytes; the slice spares decoding the rest
  const head = fromBase64(b64.slice(0, 24));
  if (MEDIA_FORMATS[format].signature(head)) return [];
  const found = formatOfSignature(head);
  const actual = found ? MEDIA_TYPES[found] : 'unknown bytes';
  return [
    {
      pointer,
      rule: 'media-type-matches-bytes',
      message: `the image bytes are ${actual}, not the ${mediaType} that media_type says`,
      expected: mediaType,
      actual,
    },
  ];
}

function parseJsonBody(body: unknown): { value?: unknown; violation?: Violation } {
  if (typeof body !== 'string') return { value: body };
  try {
    return { value: JSON.parse(body) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const preview = body.length > 80 ? `${body.slice(0, 80)}…` : body;
    return {
      violation: { pointer: '', rule: 'json', message: `body is not JSON: ${detail}`, actual: preview },
    };
  }
}

/**
 * What the answer must agree with: what the request explicitly asked for; under the `mock`
 * profile, the mock's own plan (a model's default format, n = 1, streaming when the model can).
 */
interface Expected {
  format?: OutputFormat;
  /** Why `format` is expected, for the message. */
  formatReason?: string;
  n?: number;
  /** The model streams and the request asked to: only the mock's catalog can say so. */
  stream?: string;
}

function expectedOf(analysis: RequestAnalysis | undefined, profile: CheckProfile): Expected {
  const asked = analysis?.body;
  const plan = profile === 'mock' ? analysis?.plan : undefined;
  const out: Expected = {};
  if (asked?.output_format) {
    out.format = asked.output_format;
    out.formatReason = `the request asked for ${asked.output_format}`;
  } else if (plan) {
    out.format = plan.format;
    out.formatReason = `the mock answers ${plan.model.id} in ${plan.format} by default (profile mock)`;
  }
  if (asked?.n !== undefined) out.n = asked.n;
  else if (plan) out.n = plan.n;
  if (plan?.stream) out.stream = plan.model.id;
  return out;
}

function checkStream(text: string, expected: Expected, notes: string[], cut: boolean): CheckViolation[] {
  const out: CheckViolation[] = [];
  const { messages, problems, unterminated } = parseSse(text);
  for (const problem of problems)
    out.push({ side: 'response', pointer: '', rule: 'sse-framing', message: problem });
  // A frame cut in half is what a cut leaves; clients drop it, and so does the check.
  if (unterminated && !cut)
    out.push({ side: 'response', pointer: '', rule: 'sse-framing', message: unterminated });
  let done = -1;
  let completed = 0;
  let failed = false;
  for (const message of messages) {
    if (done >= 0) {
      out.push({
        side: 'response',
        pointer: '',
        rule: 'done-last',
        message: 'an event follows data: [DONE]',
        event: message.index,
      });
      break;
    }
    if (message.data === '[DONE]') {
      done = message.index;
      continue;
    }
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      out.push({
        side: 'response',
        pointer: '',
        rule: 'json',
        message: 'the data of an event is not JSON',
        actual: message.data.length > 80 ? `${message.data.slice(0, 80)}…` : message.data,
        event: message.index,
      });
      continue;
    }
    const violations = validateSchema('ImageStreamEvent', event);
    out.push(...on('response', violations, message.index));
    if (violations.length > 0) continue;
    const typed = event as { type: string; b64_json?: string; media_type?: string };
    if (typed.type === 'error') failed = true;
    if (typed.type === 'image_generation.completed') {
      completed++;
      out.push(...on('response', checkImage(typed.b64_json, typed.media_type, '/b64_json'), message.index));
      if (expected.format && typed.media_type && typed.media_type !== MEDIA_TYPES[expected.format]) {
        out.push({
          side: 'response',
          pointer: '/media_type',
          rule: 'output-format',
          message: `media_type is ${typed.media_type}, but ${expected.formatReason}`,
          expected: MEDIA_TYPES[expected.format],
          actual: typed.media_type,
          event: message.index,
        });
      }
    }
  }
  // A cut stream ends early by definition: what it lacks at the end is the cut, reported once.
  // An error event ends a stream too: the service sends it and closes, with or without [DONE].
  if (done < 0 && !cut && !failed) {
    out.push({
      side: 'response',
      pointer: '',
      rule: 'done-sentinel',
      message: 'the stream does not end with data: [DONE]',
    });
  }
  if (completed === 0 && !failed && !cut) {
    out.push({
      side: 'response',
      pointer: '',
      rule: 'completed-event',
      message: 'the stream has no image_generation.completed event and no error event',
    });
  }
  // Stryker disable next-line ConditionalExpression: a count is never more than undefined either
  if (expected.n !== undefined && completed > expected.n) {
    out.push({
      side: 'response',
      pointer: '',
      rule: 'n-upper-bound',
      message: `the stream completes ${completed} images, more than n=${expected.n}`,
      expected: expected.n,
      actual: completed,
    });
  }
  if (messages.length === 0)
    notes.push(cut ? 'the stream was cut before its first event' : 'the stream has no events');
  return out;
}

function checkImagesSuccess(
  response: ExchangeResponse,
  analysis: RequestAnalysis | undefined,
  profile: CheckProfile,
  notes: string[],
): CheckViolation[] {
  const cut = response.cut !== undefined;
  const contentType = response.headers['content-type'] ?? '';
  const asked = analysis?.body;
  const expected = expectedOf(analysis, profile);
  const out: CheckViolation[] = [];
  if (/^text\/event-stream\b/i.test(contentType)) {
    if (asked && asked.stream !== true) {
      out.push({
        side: 'response',
        pointer: '',
        rule: 'stream-unrequested',
        message: 'the answer is an SSE stream, but the request did not ask for stream: true',
      });
    }
    if (typeof response.body !== 'string') {
      out.push({
        side: 'response',
        pointer: '',
        rule: 'sse',
        message: 'a text/event-stream answer must be SSE text',
      });
      return out;
    }
    return [...out, ...checkStream(response.body, expected, notes, cut)];
  }
  if (expected.stream) {
    out.push({
      side: 'response',
      pointer: '',
      rule: 'stream-expected',
      message: `the request asked to stream and ${expected.stream} streams in the mock's catalog (profile mock), but the answer is not text/event-stream`,
      expected: 'text/event-stream',
      actual: contentType || undefined,
    });
  }
  const parsed = parseJsonBody(response.body);
  if (parsed.violation && cut) {
    notes.push(notWhole(response.cut));
    return out;
  }
  if (parsed.violation) return [...out, ...on('response', [parsed.violation])];
  const violations = validateSchema('ImageGenerationResponse', parsed.value);
  out.push(...on('response', violations));
  if (violations.length > 0) return out;
  const body = parsed.value as { data: { b64_json: string; media_type?: string }[] };
  body.data.forEach((image, i) => {
    out.push(...on('response', checkImage(image.b64_json, image.media_type, `/data/${i}/b64_json`)));
    if (expected.format && image.media_type && image.media_type !== MEDIA_TYPES[expected.format]) {
      out.push({
        side: 'response',
        pointer: `/data/${i}/media_type`,
        rule: 'output-format',
        message: `data[${i}].media_type is ${image.media_type}, but ${expected.formatReason}`,
        expected: MEDIA_TYPES[expected.format],
        actual: image.media_type,
      });
    }
  });
  const n = expected.n;
  // Stryker disable next-line ConditionalExpression: a count is never more than undefined either
  if (n !== undefined && body.data.length > n) {
    out.push({
      side: 'response',
      pointer: '/data',
      rule: 'n-upper-bound',
      message: `data has ${body.data.length} images, more than n=${n}`,
      expected: n,
      actual: body.data.length,
    });
  }
  return out;
}

const notWhole = (cut: string | undefined) =>
  `the body was cut ${cut} and is not whole JSON: only the status was checked`;

/**
 * A cut answer is reported as cut: a `cut` violation (a client must be ready for a stream that
 * stops short, and a recording of real traffic that has one shows it happened), or under
 * `allowCuts` a note (the mock's own fault scenarios cut on purpose).
 */
function cutVerdict(cut: string | undefined, allowCuts: boolean, out: CheckViolation[], notes: string[]) {
  if (cut === undefined) return;
  const what = `the answer was cut short ${cut} (the connection closed before the body ended)`;
  if (allowCuts) notes.push(`${what} (allowed: allowCuts)`);
  else out.push({ side: 'response', pointer: '', rule: 'cut', message: what, actual: cut });
}

function analyzeResponse(
  response: ExchangeResponse,
  operation: OperationId,
  analysis: RequestAnalysis | undefined,
  options: CheckOptions,
): CheckResult {
  // Stryker disable next-line StringLiteral: the profile is only ever compared with 'mock'
  const { profile = 'contract', allowCuts = false } = options;
  const notes: string[] = [];
  const out: CheckViolation[] = [];
  cutVerdict(response.cut, allowCuts, out, notes);
  const documented = documentedStatuses(operation);
  if (!documented.includes(response.status)) {
    out.push({
      side: 'response',
      pointer: '',
      rule: 'documented-status',
      message: `status ${response.status} is not documented for this operation`,
      expected: documented,
      actual: response.status,
    });
  }
  const cut = response.cut !== undefined;
  if (response.body === undefined) {
    notes.push(
      cut
        ? 'the answer was cut before any of its body: only the status was checked'
        : 'response body not recorded: only the status was checked',
    );
    return result(out, notes, {});
  }
  const incomplete = () => notes.push(notWhole(response.cut));
  if (response.status >= 200 && response.status < 300) {
    if (operation === 'createImages') out.push(...checkImagesSuccess(response, analysis, profile, notes));
    else {
      const parsed = parseJsonBody(response.body);
      if (parsed.violation && cut) incomplete();
      else if (parsed.violation) out.push(...on('response', [parsed.violation]));
      else out.push(...on('response', validateSchema(SUCCESS_SCHEMA[operation], parsed.value)));
    }
    return result(out, notes, {});
  }
  const parsed = parseJsonBody(response.body);
  if (parsed.violation && cut) {
    incomplete();
    return result(out, notes, {});
  }
  if (parsed.violation) {
    out.push(...on('response', [{ ...parsed.violation, message: `error ${parsed.violation.message}` }]));
    return result(out, notes, {});
  }
  const violations = validateErrorBody(parsed.value);
  out.push(...on('response', violations));
  const code = (parsed.value as { error?: { code?: unknown } })?.error?.code;
  if (violations.length === 0 && code !== response.status) {
    out.push({
      side: 'response',
      pointer: '/error/code',
      rule: 'code-matches-status',
      message: `error.code must repeat the HTTP status ${response.status}`,
      expected: response.status,
      actual: code,
    });
  }
  return result(out, notes, {});
}

/**
 * Checks a recorded response: the status is one the document lists, a JSON answer matches its
 * schema, an SSE answer is checked event by event (and must end with `[DONE]`), an error body has
 * the service's shape with `error.code` equal to the status. With `request`, also the cross checks:
 * no more images than `n`, a stream only when asked for, `media_type` as the requested format.
 *
 * @example
 * const { ok, violations } = validateResponse({ status: 400, headers: {}, body: { error: { code: '400', message: 'x' } } });
 * // violations[0] → { side: 'response', pointer: '/error/code', rule: 'type', … }
 */
export function validateResponse(
  response: ExchangeResponse,
  options: ResponseCheckOptions = {},
): CheckResult {
  const analysis = options.request ? analyzeRequest(options.request, options) : undefined;
  const operation = analysis?.result.operation ?? options.operation ?? 'createImages';
  return analyzeResponse(response, operation, analysis, options);
}

/**
 * Checks one exchange, request and response.
 *
 * A request the contract refuses is a violation only when the recorded answer was not the
 * refusal the contract prescribes: a 400 (or, for provider preferences, 404) answer to a bad
 * request is the contract working, and is listed in `notes` instead.
 *
 * @example
 * for await (const item of readExchanges(source)) {
 *   if ('exchange' in item) console.log(validateExchange(item.exchange).violations);
 * }
 */
export function validateExchange(
  exchange: RecordedExchange,
  options: CheckOptions = {},
): ExchangeCheckResult {
  const operation = operationOf(exchange.request.method, exchange.request.url);
  if (!operation) {
    return {
      ok: true,
      violations: [],
      notes: [],
      skipped: `${exchange.request.method} ${pathOf(exchange.request.url)} is not an operation of the contract`,
    };
  }
  const analysis = analyzeRequest(exchange.request, options);
  const response = analyzeResponse(exchange.response, operation, analysis, options);
  const notes = [...analysis.result.notes, ...response.notes];
  let requestViolations = analysis.result.violations;
  const refusal = analysis.result.refusal;
  if (refusal && exchange.response.status === refusal.status) {
    const unjudged = notes.findIndex((n) => n.startsWith("the catalog's rules for "));
    if (unjudged >= 0) notes.splice(unjudged, 1);
    notes.push(
      `the request breaks the contract (${refusal.message}) and was refused with ${refusal.status}, as documented`,
    );
    requestViolations = [];
  }
  const violations = [...requestViolations, ...response.violations];
  const checked: ExchangeCheckResult = { ok: violations.length === 0, violations, notes, operation };
  if (exchange.response.cut !== undefined) checked.cut = exchange.response.cut;
  return checked;
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return url;
  }
}
