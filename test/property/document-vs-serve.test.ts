// Property: the server `serve` runs answers as the OpenAPI document says. Requests are drawn from
// the document (test/property/from-document.ts): its operations, path parameters, security and
// request body schema (values it accepts, and values that break one of its rules), plus methods
// its paths lack and paths it does not have. Each answer must have a status the document lists
// for the operation (405 for a missing method, 404 for an unknown path) and a body that its
// schema for that status and media type accepts, SSE event by event.
//
// PROPERTY_RUNS sets the number of requests per property (default 150), PROPERTY_SEED the seed
// (a number, or `random`); fast-check prints the seed and the shrunk request of any failure.

import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaName } from '../../src/contract/types.ts';
import { validateRequestBody, validateSchema } from '../../src/contract/validators.ts';
import type { Violation } from '../../src/contract/violations.ts';
import { ERROR_SCENARIOS } from '../../src/scenarios/catalog.ts';
import { type ServingCli, startServe } from '../cli/spawn-cli.ts';
import { KEY } from '../helpers.ts';
import {
  allowedMethods,
  brokenValue,
  componentName,
  type DocumentOperation,
  documentData,
  type Generation,
  type Mutation,
  mutationsOf,
  operationsOf,
  pathFor,
  pointerPattern,
  resolveRef,
  responseSchema,
  templatePattern,
  valueFor,
} from './from-document.ts';
import { closeConnections, type Received, type Sent, send } from './send.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const SEED =
  process.env.PROPERTY_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.PROPERTY_SEED ?? 20_260_101);

/**
 * 400s the schema cannot express, by violation rule: each depends on the chosen model's catalog
 * entry, on several fields at once, or on the mock's own allocation limits.
 */
const PER_MODEL_RULES: Readonly<Record<string, string>> = {
  'model-maximum': 'n above what a single-image model takes (page: providers reject n > 1)',
  'requires-alpha-format': 'background transparent with a format without alpha (page: cross-field rule)',
  'size-conflict': 'size disagreeing with resolution or aspect_ratio (page: cross-field rule)',
  min_pixels: 'an explicit size below the model’s stated minimum (catalog provenance: Seedream 4.5)',
  'max-pixels-per-image': 'the mock’s own cap on one image’s pixels',
  'max-pixels-per-response': 'the mock’s own cap on one answer’s pixels',
  'model-id': 'a model id the catalog does not list (the schema takes any string)',
};
// Every other per-model rule is lenient (docs/decisions/0006): a 400 for it is a disagreement.
// Not among them either: the reference URL rule, which the document states as the
// pattern of `image_url.url`. A 404 is accepted only for provider preferences (rule
// `provider-match`) that no endpoint of the model matches.

const requestSchema = documentData.components.schemas.ImageGenerationRequest ?? {};
const operations = operationsOf();
const imagesOp = operations.find((op) => op.method === 'POST' && op.path === '/images') as DocumentOperation;
const scenarioStatuses = [...new Set(Object.values(ERROR_SCENARIOS).map((s) => s.status))];

let serving: ServingCli;
let base: string;
let modelIds: string[] = [];
/** Models that stream, listed once more in the draw so SSE answers come often enough. */
let streamingIds: string[] = [];
const providerNames: string[] = [];

beforeAll(async () => {
  serving = await startServe(['--quiet', '--seed', '1']);
  base = serving.baseUrl;
  const list = JSON.parse(
    (await send({ method: 'GET', url: `${base}/images/models`, headers: {} })).body,
  ) as {
    data: { id: string; supports_streaming: boolean }[];
  };
  modelIds = list.data.map((model) => model.id);
  streamingIds = list.data.filter((model) => model.supports_streaming).map((model) => model.id);
  for (const id of modelIds) {
    const answer = await send({ method: 'GET', url: `${base}/images/models/${id}/endpoints`, headers: {} });
    const endpoints = (JSON.parse(answer.body) as { endpoints: Record<string, string | null>[] }).endpoints;
    for (const endpoint of endpoints)
      for (const name of [endpoint.provider_slug, endpoint.provider_tag, endpoint.provider_name])
        if (name && !providerNames.includes(name)) providerNames.push(name);
  }
});

afterAll(async () => {
  if (process.env.PROPERTY_VERBOSE)
    console.log(
      [...seen]
        .sort()
        .map(([label, count]) => `${String(count).padStart(4)}  ${label}`)
        .join('\n'),
    );
  closeConnections();
  await serving?.stop();
});

// ── What is sent ────────────────────────────────────────────────────────────────────────────────

type Body =
  | { kind: 'valid'; value: unknown }
  | { kind: 'broken'; value: unknown; mutation: Mutation }
  | { kind: 'text'; text: string };

interface OperationCase {
  kind: 'operation';
  op: DocumentOperation;
  method: string;
  path: string;
  authorization: string | undefined;
  prefer?: number;
  body?: Body;
}
interface WrongMethodCase {
  kind: 'wrong-method';
  template: string;
  path: string;
  method: string;
}
interface UnknownPathCase {
  kind: 'unknown-path';
  path: string;
  method: string;
}
type Case = OperationCase | WrongMethodCase | UnknownPathCase;

/**
 * The request body generation, bounded so synthesis stays cheap: small tiers and sizes, few
 * images, the catalog's own models and providers most of the time. Everything else is the
 * document's.
 */
function bodyGeneration(): Generation {
  const some = <T>(known: T[], other: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: other });
  const provider = some(providerNames, fc.string({ maxLength: 12 }));
  const sizeSchema = (requestSchema.properties as Record<string, Record<string, unknown>>).size ?? {};
  return {
    overrides: {
      model: some([...modelIds, ...streamingIds], fc.string({ maxLength: 30 })),
      n: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 2 }) }, fc.integer({ min: 1, max: 10 })),
      resolution: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('512', '1K') },
        { weight: 1, arbitrary: fc.constantFrom('2K', '4K') },
      ),
      size: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('512', '1K') },
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: 1024 }))
            .map(([w, h]) => `${w}x${h}`),
        },
        { weight: 1, arbitrary: valueFor(sizeSchema) },
      ),
      // Streams are the answers with the most to check: ask for one more often than not.
      stream: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      'provider.only[]': provider,
      'provider.order[]': provider,
      'provider.ignore[]': provider,
    },
    maxItems: 3,
    absentWeight: 3,
  };
}

const AUTHORIZATIONS = [`Bearer ${KEY}`, undefined, 'Basic abc', 'Bearer', 'Bearer two words', ''];

function operationCase(op: DocumentOperation): fc.Arbitrary<OperationCase> {
  const generation = bodyGeneration();
  const mutations = mutationsOf(requestSchema);
  const keyed = fc.oneof(
    { weight: 8, arbitrary: fc.constant(AUTHORIZATIONS[0]) },
    { weight: 2, arbitrary: fc.constantFrom(...AUTHORIZATIONS.slice(1)) },
  );
  const authorization = op.keyed ? keyed : fc.constantFrom(AUTHORIZATIONS[0], undefined);
  const path = pathFor(op, {
    author: fc.oneof(
      fc.constantFrom(...modelIds.map((id) => id.split('/')[0] as string)),
      fc.string({ minLength: 1 }),
    ),
    slug: fc.oneof(
      fc.constantFrom(...modelIds.map((id) => id.split('/')[1] as string)),
      fc.string({ minLength: 1 }),
    ),
  });
  // The endpoints of a listed model most of the time: a whole id rather than parts of two.
  const listedPath = op.path.includes('{author}')
    ? fc.oneof(
        fc.constantFrom(...modelIds).map((id) => op.path.replace('{author}/{slug}', id)),
        path,
      )
    : path;
  const methods = op.method === 'GET' ? fc.constantFrom('GET', 'GET', 'HEAD') : fc.constant(op.method);
  if (!op.operation.requestBody) {
    return fc.record({
      kind: fc.constant('operation' as const),
      op: fc.constant(op),
      method: methods,
      path: listedPath,
      authorization,
    });
  }
  const body: fc.Arbitrary<Body> = fc.oneof(
    {
      weight: 12,
      arbitrary: valueFor(requestSchema, generation).map((value) => ({ kind: 'valid' as const, value })),
    },
    {
      weight: 5,
      arbitrary: fc.constantFrom(...mutations).chain((mutation) =>
        brokenValue(requestSchema, mutation, generation).map((value) => ({
          kind: 'broken' as const,
          value,
          mutation,
        })),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 30 })
        .map((text) => `{${text}`)
        .filter((text) => !parses(text))
        .map((text) => ({ kind: 'text' as const, text })),
    },
  );
  return fc.record({
    kind: fc.constant('operation' as const),
    op: fc.constant(op),
    method: methods,
    path: listedPath,
    authorization,
    // Now and then a scenario (`Prefer: code=…`) answers instead: its status must be listed too.
    prefer: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...scenarioStatuses) },
    ),
    body,
  });
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const OTHER_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'TRACK',
  'CONNECT',
  'PROPFIND',
  'QUERY',
];

function wrongMethodCase(op: DocumentOperation): fc.Arbitrary<WrongMethodCase> {
  const allowed = allowedMethods(op.path);
  const method = fc.oneof(
    fc.constantFrom(...OTHER_METHODS.filter((m) => !allowed.includes(m))),
    fc.stringMatching(/^[A-Z][A-Z-]{1,9}$/).filter((m) => !allowed.includes(m)),
  );
  const path = pathFor(op, {
    author: fc.constantFrom('openai', 'x'),
    slug: fc.constantFrom('gpt-image-1', 'y'),
  });
  return fc.record({
    kind: fc.constant('wrong-method' as const),
    template: fc.constant(op.path),
    path,
    method,
  });
}

const unknownPath: fc.Arbitrary<UnknownPathCase> = fc.record({
  kind: fc.constant('unknown-path' as const),
  path: fc
    .tuple(
      fc.constantFrom('/api/v1', '', '/api', '/api/v2'),
      fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 0, maxLength: 4 }),
      fc.constantFrom(...['', '/images', '/images/models', '/images/models/openai/gpt-image-1']),
    )
    .map(([prefix, segments, tail]) => `${prefix}${segments.map((s) => `/${s}`).join('')}${tail}`)
    .filter((path) => !isDocumentedPath(path)),
  method: fc.constantFrom(...OTHER_METHODS),
});

/** Whether a path (from the server's root) is one of the document's, or the inspection routes'. */
function isDocumentedPath(path: string): boolean {
  const pathname = new URL(path, 'http://x').pathname;
  if (pathname.startsWith('/__mock/')) return true;
  if (!pathname.startsWith('/api/v1/')) return false;
  const rest = pathname.slice('/api/v1'.length);
  return Object.keys(documentData.paths).some((template) => templatePattern(template).test(rest));
}

function toSent(c: Case): Sent {
  const root = base.slice(0, -'/api/v1'.length);
  if (c.kind !== 'operation')
    return { method: c.method, url: `${c.kind === 'unknown-path' ? root : base}${c.path}`, headers: {} };
  const headers: Record<string, string> = {};
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  if (c.prefer !== undefined) headers.prefer = `code=${c.prefer}`;
  const sent: Sent = { method: c.method, url: `${base}${c.path}`, headers };
  if (c.body) {
    headers['content-type'] = 'application/json';
    sent.body = c.body.kind === 'text' ? c.body.text : JSON.stringify(c.body.value);
  }
  return sent;
}

// ── What must come back ─────────────────────────────────────────────────────────────────────────

interface ErrorBody {
  error: { code: number; message: string; metadata?: { violations?: Violation[]; param?: string } };
}

function fail(message: string, received: Received): never {
  throw new Error(
    `${message}\n  answer: ${received.status} ${received.headers['content-type']} ${received.body.slice(0, 600)}`,
  );
}

/** The body matches the document's schema for this status and media type; SSE event by event. */
function checkBody(
  schema: Record<string, unknown> | undefined,
  mediaType: string,
  received: Received,
): unknown {
  if (!schema) return fail(`no schema for ${received.status} ${mediaType}`, received);
  if (mediaType === 'text/event-stream') return checkStream(schema, received);
  const name = componentName(schema) as SchemaName | undefined;
  if (!name) return fail('the document gives no component schema', received);
  const body: unknown = JSON.parse(received.body);
  const violations = validateSchema(name, body);
  if (violations.length > 0)
    fail(`body breaks ${name}: ${violations.map((v) => v.message).join('; ')}`, received);
  return body;
}

/** Each `data:` of the stream is an event its schema accepts; the sentinel comes once, last. */
function checkStream(schema: Record<string, unknown>, received: Received): unknown[] {
  const frame = resolveRef(schema);
  const eventSchema = componentName((frame.properties as Record<string, Record<string, unknown>>).data ?? {});
  const sentinel = String(
    (
      resolveRef(imagesOp.operation.responses['200'] ?? {}).content as Record<string, Record<string, unknown>>
    )['text/event-stream']?.['x-sse-sentinel'],
  );
  const data: string[] = [];
  const parser = createParser({ onEvent: (message) => data.push(message.data) });
  parser.feed(received.body);
  if (data.at(-1) !== sentinel || data.indexOf(sentinel) !== data.length - 1)
    fail(`the stream does not end with one ${sentinel}`, received);
  const events = data.slice(0, -1).map((text) => JSON.parse(text) as unknown);
  for (const event of events) {
    const violations = validateSchema(eventSchema as SchemaName, event);
    if (violations.length > 0)
      fail(`event breaks ${eventSchema}: ${violations.map((v) => v.message).join('; ')}`, received);
  }
  return events;
}

const mediaTypeOf = (received: Received) =>
  (received.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';

/** Status listed, body per its schema, error code = status. Returns the parsed body. */
function checkDocumented(op: DocumentOperation, method: string, received: Received): unknown {
  const listed = Object.keys(op.operation.responses);
  if (!listed.includes(String(received.status)))
    fail(`${received.status} is not among ${op.method} ${op.path}'s statuses ${listed.join(', ')}`, received);
  if (method === 'HEAD') {
    if (received.body !== '') fail('HEAD answer with a body', received);
    return undefined;
  }
  const body = checkBody(
    responseSchema(op, received.status, mediaTypeOf(received)),
    mediaTypeOf(received),
    received,
  );
  if (received.status >= 400 && (body as ErrorBody).error?.code !== received.status)
    fail('error.code is not the status', received);
  return body;
}

function checkErrorShape(status: number, method: string, received: Received): void {
  if (received.status !== status) fail(`expected ${status}`, received);
  if (method === 'HEAD') return;
  const body = JSON.parse(received.body) as ErrorBody;
  const violations = validateSchema('ErrorResponse', body);
  if (violations.length > 0 || body.error.code !== status) fail('not the error shape', received);
}

/** The request semantics the document states beyond shapes (security, schema, `n`). */
function checkOperation(c: OperationCase, received: Received): void {
  const body = checkDocumented(c.op, c.method, received);
  if (c.op.path === '/images/models/{author}/{slug}/endpoints' && received.status === 200 && body) {
    const id = (body as { id: string }).id;
    const [author, slug] = c.path.split('/').slice(3, 5).map(decodeURIComponent);
    if (id !== `${author}/${slug}`) fail(`endpoints of ${author}/${slug} answered for ${id}`, received);
  }
  if (c.op.keyed && c.authorization !== AUTHORIZATIONS[0]) {
    if (received.status !== 401)
      fail('a request without a usable key must get 401, whatever its body', received);
    return;
  }
  if (!c.op.keyed || !c.body) {
    if (received.status !== 200 && received.status !== 404)
      fail('a public read must succeed or not find', received);
    if (received.status === 404 && c.op.path === '/images/models')
      fail('the model list is never 404', received);
    return;
  }
  const error = (body as ErrorBody | undefined)?.error;
  const violations = error?.metadata?.violations ?? [];
  if (c.body.kind === 'text') {
    if (received.status !== 400 || !violations.some((v) => v.rule === 'json'))
      fail('a body that is not JSON must get 400', received);
    return;
  }
  if (c.body.kind === 'broken') {
    const pointer = pointerPattern(c.body.mutation.path);
    // The generator's own check: the document (its validator) rejects the body at that place.
    expect(validateRequestBody(c.body.value).some((v) => pointer.test(v.pointer))).toBe(true);
    if (received.status !== 400)
      fail(`a body breaking ${c.body.mutation.rule} at ${c.body.mutation.path} must get 400`, received);
    if (!violations.some((v) => pointer.test(v.pointer)))
      fail(`the 400 must name the violation at ${c.body.mutation.path}`, received);
    return;
  }
  // A body the document accepts.
  expect(validateRequestBody(c.body.value)).toEqual([]);
  const request = c.body.value as { model: string; n?: number; provider?: unknown };
  // The scenario asked for answers instead of images (after the body passed every rule).
  if (c.prefer !== undefined && received.status === c.prefer) return;
  if (received.status === 400) {
    const unexplained = violations.filter(
      (v) => !(v.rule in PER_MODEL_RULES) || (v.rule === 'model-id' && modelIds.includes(request.model)),
    );
    if (violations.length === 0 || unexplained.length > 0)
      fail(
        `a body the document accepts got a 400 the schema should express: ${JSON.stringify(unexplained)}`,
        received,
      );
    return;
  }
  if (received.status === 404) {
    if (!violations.some((v) => v.rule === 'provider-match') || request.provider === undefined)
      fail('404 for a body the document accepts, not for its provider preferences', received);
    return;
  }
  if (c.prefer !== undefined) fail(`Prefer: code=${c.prefer} not answered`, received);
  if (received.status !== 200)
    fail('a valid request with a key must succeed or be refused as listed', received);
  const images = Array.isArray(body)
    ? (body as { type: string }[]).filter((e) => e.type === 'image_generation.completed').length
    : (body as { data: unknown[] }).data.length;
  if (images > (request.n ?? 1)) fail(`more than n=${request.n ?? 1} images`, received);
}

function check(c: Case, received: Received): void {
  if (c.kind === 'operation') {
    checkOperation(c, received);
    return;
  }
  if (c.kind === 'unknown-path') {
    checkErrorShape(404, c.method, received);
    return;
  }
  checkErrorShape(405, c.method, received);
  const allow = (received.headers.allow ?? '')
    .split(',')
    .map((m) => m.trim())
    .sort();
  if (allow.join() !== allowedMethods(c.template).sort().join())
    fail(`Allow is not ${allowedMethods(c.template)}`, received);
}

/** The rules (or `param`) a refusal names, for the PROPERTY_VERBOSE summary. */
function refusalOf(received: Received): string {
  try {
    const error = (JSON.parse(received.body) as ErrorBody).error;
    const rules = [...new Set(error.metadata?.violations?.map((v) => v.rule) ?? [])];
    return rules.length > 0 ? rules.sort().join(',') : (error.metadata?.param ?? '');
  } catch {
    return '';
  }
}

/** Statuses seen, per kind of case, for PROPERTY_VERBOSE. */
const seen = new Map<string, number>();

async function exchange(c: Case): Promise<void> {
  const sent = toSent(c);
  const received = await send(sent);
  const reason =
    received.status === 400 || received.status === 404 ? refusalOf(received) : mediaTypeOf(received);
  const label = `${c.kind === 'operation' ? `${c.method} ${c.op.path} ${c.body?.kind ?? ''}` : c.kind} → ${received.status} ${reason}`;
  seen.set(label, (seen.get(label) ?? 0) + 1);
  try {
    check(c, received);
  } catch (error) {
    const shown = sent.body && sent.body.length > 800 ? `${sent.body.slice(0, 800)}…` : sent.body;
    throw new Error(
      `${sent.method} ${sent.url} ${JSON.stringify(sent.headers)} ${shown ?? ''}\n${(error as Error).message}`,
    );
  }
}

// ── The properties ──────────────────────────────────────────────────────────────────────────────

const settings = () => ({ seed: SEED, numRuns: RUNS, endOnFailure: false });
const timeout = Math.max(60_000, RUNS * 600);

describe(`the document and the server agree (seed ${SEED}, ${RUNS} runs each)`, () => {
  it(
    'every operation answers a status it lists, with the body its schema gives',
    async () => {
      const anyOperation = fc.oneof(
        { weight: 6, arbitrary: operationCase(imagesOp) },
        ...operations
          .filter((op) => op !== imagesOp)
          .map((op) => ({ weight: 1, arbitrary: operationCase(op) })),
      );
      await fc.assert(fc.asyncProperty(anyOperation, exchange), settings());
    },
    timeout,
  );

  it(
    'a method a path lacks gets 405 with Allow; a path the document lacks gets 404',
    async () => {
      const cases = fc.oneof(...operations.map(wrongMethodCase), unknownPath);
      await fc.assert(fc.asyncProperty(cases, exchange), settings());
    },
    timeout,
  );
});
