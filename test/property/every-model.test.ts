// Property, for every model of the built-in catalog: requests drawn from the model's own
// capabilities (its endpoints' supported_parameters) get 200, a body the contract accepts, and
// images that independent decoders read at the size the size rule implies, in the format asked;
// the same requests with one rule broken get the documented 400 naming the broken field. No
// request gets a 5xx, hangs, or makes the mock report a failure of its own.
//
// The rest of each request comes from the document (test/property/from-document.ts). The mock's
// leniency (docs/decisions/0006) makes some requests valid that a strict reading would refuse: a
// format the model does not list, more references than it takes, explicit sizes it must fit.
//
// Requests go in-process through `createImagesMock().handle`, far cheaper than HTTP.
// PROPERTY_RUNS sets the runs per model and property (default 3), PROPERTY_SEED the seed (a
// number, or `random`); each test's name carries its seed, and fast-check prints the seed, path
// and shrunk request of any failure.

import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageEndpoint, Resolution } from '../../src/contract/types.ts';
import { validateRequestBody, validateSchema } from '../../src/contract/validators.ts';
import type { Violation } from '../../src/contract/violations.ts';
import { createImagesMock } from '../../src/core/mock.ts';
import { type CatalogModel, defaultModels } from '../../src/models/catalog.ts';
import { type PixelSize, resolvePixelSize, tierOf } from '../../src/models/sizes.ts';
import { KEY } from '../helpers.ts';
import { decodeBase64Image, parseSvg } from '../synth/decode.ts';
import {
  brokenValue,
  documentData,
  type Generation,
  type Mutation,
  mutationsOf,
  pointerPattern,
  resolveRef,
  type Schema,
  type ValuePath,
  valueFor,
} from './from-document.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 3);
const SEED =
  process.env.PROPERTY_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.PROPERTY_SEED ?? 20_260_102);
/** The longest any one request may take before it counts as a hang. */
const HANG_MS = 15_000;

const requestSchema = documentData.components.schemas.ImageGenerationRequest ?? {};
const properties = requestSchema.properties as Record<string, Schema>;
const documentedStatuses = Object.keys(documentData.paths['/images']?.post?.responses ?? {});

const mockErrors: unknown[] = [];
const mock = createImagesMock({ onError: (error) => mockErrors.push(error) });

type Body = Record<string, unknown>;

// ── Requests from a model's capabilities ────────────────────────────────────────────────────────

const enumOf = (endpoint: ImageEndpoint, name: string): string[] | undefined => {
  const capability = endpoint.supported_parameters[name];
  return capability?.type === 'enum' ? capability.values : undefined;
};
const rangeOf = (endpoint: ImageEndpoint, name: string) => {
  const capability = endpoint.supported_parameters[name];
  return capability?.type === 'range' ? capability : undefined;
};

/** The size fields: resolved by the size rule, so they are drawn apart and kept consistent. */
const SIZE_FIELDS = ['size', 'resolution', 'aspect_ratio'];

/**
 * `size`, `resolution` and `aspect_ratio` as the model takes them: a listed ratio, a small listed
 * tier (or `size` as a tier), or explicit pixels of the kind its rule accepts; large ones rarely.
 */
function sizingFor(model: CatalogModel, endpoint: ImageEndpoint): fc.Arbitrary<Body> {
  const sizing = model.mock.sizing;
  const ratios = enumOf(endpoint, 'aspect_ratio') ?? [];
  const tiers = (enumOf(endpoint, 'resolution') ?? []) as Resolution[];
  const smallTiers = tiers.filter((t) => t === '512' || t === '1K');
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const ratio = ratios.length > 0 ? maybe(fc.constantFrom(...ratios)) : fc.constant(undefined);
  // A tier given as `resolution`, as `size`, or both (then equal). Without either, the model's
  // default tier, which is 2K on some: those get a small one most of the time.
  const bigDefault = sizing.default_resolution === '2K' || sizing.default_resolution === '4K';
  const tier = fc.oneof(
    { weight: bigDefault ? 1 : 4, arbitrary: fc.constant({}) },
    ...(smallTiers.length > 0
      ? [{ weight: 4, arbitrary: fc.constantFrom(...smallTiers).map((resolution) => ({ resolution })) }]
      : []),
    { weight: 4, arbitrary: fc.constantFrom('512', '1K').map((size) => ({ size })) },
    ...(smallTiers.length > 0
      ? [{ weight: 1, arbitrary: fc.constantFrom(...smallTiers).map((t) => ({ resolution: t, size: t })) }]
      : []),
    ...(tiers.length > smallTiers.length
      ? [{ weight: 1, arbitrary: fc.constantFrom(...tiers).map((resolution) => ({ resolution })) }]
      : []),
  );
  const tiered = fc.tuple(tier, ratio).map(([t, r]) => (r === undefined ? t : { ...t, aspect_ratio: r }));
  return fc.oneof({ weight: 3, arbitrary: tiered }, { weight: 2, arbitrary: explicitSize(model, tiers) });
}

/** Explicit `WxH`, with a `resolution` that agrees now and then. */
function explicitSize(model: CatalogModel, tiers: readonly Resolution[]): fc.Arbitrary<Body> {
  const sizing = model.mock.sizing;
  let pixels: fc.Arbitrary<[number, number]>;
  if (sizing.explicit === 'any') {
    // Exact: between the model's minimum and, mostly, a small area; past its limits (fitted) rarely.
    const min = Math.max(1, sizing.min_pixels ?? 1);
    const side = Math.ceil(Math.sqrt(min));
    const small = fc
      .tuple(fc.integer({ min: side, max: Math.max(side, 1000) }), fc.integer({ min: 1, max: 1000 }))
      .map(([w, h]): [number, number] => [w, Math.max(h, Math.ceil(min / w))]);
    const fitted = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }));
    pixels = fc.oneof(
      { weight: 8, arbitrary: small },
      { weight: 1, arbitrary: fitted.filter(([w, h]) => w * h >= min) },
    );
  } else {
    // A table size (exact), or any pixels (normalized to the nearest size the model makes).
    const table = [
      ...Object.values(sizing.fixed ?? {}),
      ...Object.values(sizing.fixed_by_resolution ?? {}).flatMap((t) => Object.values(t ?? {})),
    ].map((s) => s.split('x').map(Number) as [number, number]);
    const any = fc.tuple(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 1, max: 1200 }));
    pixels =
      table.length > 0 ? fc.oneof(fc.constantFrom(...table.filter(([w, h]) => w * h <= 2 ** 21)), any) : any;
  }
  return fc.tuple(pixels, fc.boolean()).map(([[w, h], withTier]) => {
    const body: Body = { size: `${w}x${h}` };
    const tier = tierOf(w, h);
    if (withTier && tiers.includes(tier)) body.resolution = tier;
    return body;
  });
}

/** Unknown provider names: the service ignores them, as the mock does. */
const unknownProviders = fc.array(
  fc.string({ minLength: 1, maxLength: 10 }).map((s) => `nobody-${s}`),
  { minLength: 1, maxLength: 2 },
);

/**
 * The document's generation, bounded to what one model endpoint takes: the model's id, its listed
 * values for each parameter it lists (the others left out), and provider preferences that pick
 * this endpoint. Everything else (prompt, seed, references, trace, unknown keys) is the document's.
 */
function generationFor(model: CatalogModel, endpointIndex: number): Generation {
  const endpoint = model.endpoints[endpointIndex] as ImageEndpoint;
  const overrides: Record<ValuePath, fc.Arbitrary<unknown>> = { model: fc.constant(model.id) };
  const omit: ValuePath[] = [...SIZE_FIELDS];
  const listed = (name: string, arbitrary: fc.Arbitrary<unknown> | undefined) => {
    if (arbitrary) overrides[name] = arbitrary;
    else omit.push(name);
  };
  const n = rangeOf(endpoint, 'n');
  listed('n', n && fc.integer({ min: n.min, max: Math.min(n.max, 2) }));
  const background = enumOf(endpoint, 'background');
  listed('background', background && fc.constantFrom(...background));
  const quality = enumOf(endpoint, 'quality');
  listed('quality', quality && fc.constantFrom(...quality));
  const compression = rangeOf(endpoint, 'output_compression');
  listed('output_compression', compression && fc.integer({ min: compression.min, max: compression.max }));
  // Listed formats mostly; any format now and then (the mock makes it as asked). WebP is the
  // slowest to encode and decode, so it comes less often.
  const formats = enumOf(endpoint, 'output_format') ?? [model.mock.default_output_format];
  overrides.output_format = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...formats) },
    { weight: 1, arbitrary: fc.constantFrom('png', 'jpeg', 'svg', 'webp') },
  );
  // References: a few, each valid per the document; beyond the model's maximum they are ignored.
  const reference = valueFor(
    resolveRef(properties.input_references?.items as Schema),
    {},
    'input_references[]',
  );
  overrides.input_references = fc.array(reference, { maxLength: 3 });
  // Provider preferences that select this endpoint: `only` names it (needed past the first).
  const slug = fc.constantFrom(endpoint.provider_slug, endpoint.provider_name).map((name) => [name]);
  const present: ValuePath[] = [];
  if (endpointIndex > 0) {
    overrides['provider.only'] = slug;
    present.push('provider.only');
  } else {
    overrides['provider.only'] = fc.oneof(fc.constant(null), slug, unknownProviders);
  }
  overrides['provider.order'] = fc.oneof(fc.constant(null), slug, unknownProviders);
  overrides['provider.ignore'] = fc.oneof(fc.constant(null), fc.constant([]), unknownProviders);
  return { overrides, omit, present, maxItems: 3, absentWeight: 2 };
}

/** The format the answer must be in: as asked, else one with alpha for transparency, else the default. */
function impliedFormat(model: CatalogModel, endpoint: ImageEndpoint, body: Body): string {
  const offered = enumOf(endpoint, 'output_format') ?? [model.mock.default_output_format];
  const transparent = body.background === 'transparent' && endpoint.supported_parameters.background;
  return (
    (body.output_format as string | undefined) ??
    (transparent ? offered.find((f) => f === 'png' || f === 'webp') : undefined) ??
    model.mock.default_output_format
  );
}

const hasAlpha = (format: string) => format === 'png' || format === 'webp' || format === 'svg';

interface ValidCase {
  body: Body;
  size: PixelSize;
  format: string;
}

/** Valid requests for one model endpoint, with the size and format their answer must have. */
function validRequests(model: CatalogModel, endpointIndex: number): fc.Arbitrary<ValidCase> {
  const endpoint = model.endpoints[endpointIndex] as ImageEndpoint;
  return fc
    .tuple(valueFor(requestSchema, generationFor(model, endpointIndex)), sizingFor(model, endpoint))
    .map(([body, sizing]) => ({ ...(body as Body), ...sizing }))
    .filter(
      // Transparency with a format that has no alpha is the page's one cross-field refusal.
      (body) => body.background !== 'transparent' || hasAlpha(impliedFormat(model, endpoint, body)),
    )
    .map((body) => {
      const resolved = resolvePixelSize(model, endpoint, body);
      if (!('size' in resolved))
        throw new Error(`generator bug: ${JSON.stringify(body)} breaks ${JSON.stringify(resolved)}`);
      return { body, size: resolved.size, format: impliedFormat(model, endpoint, body) };
    });
}

// ── Requests with one rule broken ───────────────────────────────────────────────────────────────

interface BrokenCase {
  /** An object, except where the break is the body's own type. */
  body: unknown;
  /** The place the 400 must name. */
  path: ValuePath;
  /** What was broken, for the failure message: a schema keyword or a per-model rule. */
  rule: string;
}

const isAtOrAbove = (prefix: ValuePath, path: ValuePath) =>
  path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`);

/** A schema rule broken in a request otherwise drawn for this model (from-document's mutations). */
function schemaBreaks(model: CatalogModel, endpointIndex: number): fc.Arbitrary<BrokenCase> {
  const endpoint = model.endpoints[endpointIndex] as ImageEndpoint;
  const base = generationFor(model, endpointIndex);
  return fc.constantFrom(...mutationsOf(requestSchema)).chain((mutation: Mutation) => {
    // The broken place must be generated, even where this model's generation leaves it out.
    const generation = { ...base, omit: base.omit?.filter((p) => !isAtOrAbove(p, mutation.path)) };
    return fc
      .tuple(brokenValue(requestSchema, mutation, generation), sizingFor(model, endpoint))
      .map(([body, sizing]) => ({
        // The model's sizing fills the size fields the break left alone (a body that is no object
        // stays as it is).
        body: mutation.path === '' ? body : { ...sizing, ...(body as Body) },
        path: mutation.path,
        rule: mutation.rule,
      }));
  });
}

/** A field of the valid request wrapped in an object or an array: extra nesting. */
function nestingBreaks(model: CatalogModel, endpointIndex: number): fc.Arbitrary<BrokenCase> {
  const scalar = (value: unknown) => value !== null && typeof value !== 'object';
  return fc
    .tuple(validRequests(model, endpointIndex), fc.nat(), fc.boolean())
    .map(([{ body }, pick, asArray]) => {
      const fields = Object.keys(body).filter((name) => name in properties && scalar(body[name]));
      const field = fields[pick % fields.length] as string;
      const value = body[field];
      return { body: { ...body, [field]: asArray ? [value] : { value } }, path: field, rule: 'type' };
    });
}

/**
 * The refusals the schema cannot express, where the model makes them possible: transparency with
 * jpeg, `n` above the model's maximum, a size that conflicts with `resolution` or `aspect_ratio`,
 * explicit pixels below the model's minimum.
 */
function modelBreaks(model: CatalogModel, endpointIndex: number): fc.Arbitrary<BrokenCase> {
  const endpoint = model.endpoints[endpointIndex] as ImageEndpoint;
  const breaks: fc.Arbitrary<Omit<BrokenCase, 'body'> & { set: Body }>[] = [
    fc.constantFrom(
      { set: { size: '1K', resolution: '512' }, path: 'size', rule: 'size-conflict' },
      { set: { size: '512', resolution: '2K' }, path: 'size', rule: 'size-conflict' },
      { set: { size: '1024x1024', aspect_ratio: '16:9' }, path: 'size', rule: 'size-conflict' },
      { set: { size: '300x200', resolution: '4K' }, path: 'size', rule: 'size-conflict' },
    ),
  ];
  if (endpoint.supported_parameters.background)
    breaks.push(
      fc.constant({
        set: { background: 'transparent', output_format: 'jpeg' },
        path: 'background',
        rule: 'requires-alpha-format',
      }),
    );
  const maxN = rangeOf(endpoint, 'n')?.max ?? 1;
  if (maxN < 10)
    breaks.push(
      fc.integer({ min: maxN + 1, max: 10 }).map((n) => ({ set: { n }, path: 'n', rule: 'model-maximum' })),
    );
  const min = model.mock.sizing.min_pixels;
  if (model.mock.sizing.explicit === 'any' && min && min > 1)
    breaks.push(
      fc
        .tuple(fc.integer({ min: 1, max: Math.floor(Math.sqrt(min)) }), fc.integer({ min: 1, max: 64 }))
        .filter(([w, h]) => w * h < min)
        .map(([w, h]) => ({ set: { size: `${w}x${h}` }, path: 'size', rule: 'min_pixels' })),
    );
  return fc.tuple(validRequests(model, endpointIndex), fc.oneof(...breaks)).map(([{ body }, broken]) => {
    const merged: Body = { ...body, ...broken.set };
    // Only the fields the break sets decide the size: drop the others that could conflict too.
    for (const field of SIZE_FIELDS) if (!(field in broken.set)) delete merged[field];
    return { body: merged, path: broken.path, rule: broken.rule };
  });
}

// ── Sending and checking ────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function post(body: unknown): Promise<Answer> {
  const request = new Request('https://openrouter.ai/api/v1/images', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        const response = await mock.handle(request);
        return {
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          text: await response.text(),
        };
      })(),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function fail(message: string, answer: Answer): never {
  throw new Error(
    `${message}\n  answer: ${answer.status} ${answer.contentType} ${answer.text.slice(0, 600)}`,
  );
}

/** No 5xx, and nothing the mock reports as its own failure. */
function checkSound(answer: Answer): void {
  if (answer.status >= 500) fail('a 5xx', answer);
  if (mockErrors.length > 0) fail(`the mock reported ${String(mockErrors.splice(0)[0])}`, answer);
  if (!documentedStatuses.includes(String(answer.status)))
    fail('a status the document does not list', answer);
}

interface AnsweredImage {
  b64: string;
  mediaType: string;
}

/** The images of a JSON answer, or of an SSE stream (completed and partial), checked by schema. */
function imagesOf(answer: Answer, streamed: boolean): { completed: AnsweredImage[]; partial: string[] } {
  if (!streamed) {
    if (!answer.contentType.startsWith('application/json')) fail('expected JSON', answer);
    const body = JSON.parse(answer.text) as { data: { b64_json: string; media_type: string }[] };
    const violations = validateSchema('ImageGenerationResponse', body);
    if (violations.length > 0) fail(`body breaks the contract: ${violations.map((v) => v.message)}`, answer);
    return { completed: body.data.map((d) => ({ b64: d.b64_json, mediaType: d.media_type })), partial: [] };
  }
  if (!answer.contentType.startsWith('text/event-stream')) fail('expected an event stream', answer);
  const data: string[] = [];
  createParser({ onEvent: (event) => data.push(event.data) }).feed(answer.text);
  if (data.pop() !== '[DONE]' || data.includes('[DONE]')) fail('the stream does not end with [DONE]', answer);
  const completed: AnsweredImage[] = [];
  const partial: string[] = [];
  let svg = '';
  for (const text of data) {
    const event = JSON.parse(text) as { type: string; b64_json?: string; media_type?: string; text?: string };
    const violations = validateSchema('ImageStreamEvent', event);
    if (violations.length > 0) fail(`event breaks the contract: ${violations.map((v) => v.message)}`, answer);
    if (event.type === 'image_generation.partial_image') partial.push(event.b64_json as string);
    if (event.type === 'image_generation.text_chunk') svg += event.text;
    if (event.type === 'image_generation.completed') {
      completed.push({ b64: event.b64_json as string, mediaType: event.media_type as string });
      if (svg && Buffer.from(event.b64_json as string, 'base64').toString('utf8') !== svg)
        fail('the text chunks are not the completed svg', answer);
      svg = '';
    }
  }
  return { completed, partial };
}

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/** Width and height as an independent decoder (or XML parser, for svg) reads them. */
function decodedSize(b64: string, mediaType: string): { width: number; height: number } {
  if (mediaType !== 'image/svg+xml') return decodeBase64Image(b64, mediaType);
  const { attributes } = parseSvg(Buffer.from(b64, 'base64').toString('utf8'));
  return { width: Number(attributes.width), height: Number(attributes.height) };
}

async function checkValid(model: CatalogModel, endpointIndex: number, c: ValidCase): Promise<void> {
  const endpoint = model.endpoints[endpointIndex] as ImageEndpoint;
  expect(validateRequestBody(c.body)).toEqual([]);
  const answer = await post(c.body);
  checkSound(answer);
  if (answer.status !== 200) fail('a valid request must get 200', answer);
  const { completed, partial } = imagesOf(answer, c.body.stream === true && endpoint.supports_streaming);
  const n = (c.body.n as number | undefined) ?? 1;
  if (completed.length !== n) fail(`${completed.length} images for n=${n}`, answer);
  const mediaType = MEDIA_TYPES[c.format] as string;
  const want = `${c.size.width}x${c.size.height}`;
  for (const image of completed) {
    if (image.mediaType !== mediaType) fail(`media_type ${image.mediaType}, not ${mediaType}`, answer);
    const { width, height } = decodedSize(image.b64, mediaType);
    if (`${width}x${height}` !== want) fail(`an image of ${width}x${height}, not ${want}`, answer);
  }
  // Partial previews are the final size too (only the first is decoded: they cost as much).
  if (partial[0] !== undefined) {
    const { width, height } = decodedSize(partial[0], mediaType);
    if (`${width}x${height}` !== want) fail(`a partial image of ${width}x${height}, not ${want}`, answer);
  }
}

interface ErrorBody {
  error: { code: number; message: string; metadata?: { violations?: Violation[] } };
}

async function checkBroken(c: BrokenCase): Promise<void> {
  const answer = await post(c.body);
  checkSound(answer);
  if (answer.status !== 400) fail(`breaking ${c.rule} at ${c.path} must get 400`, answer);
  const body = JSON.parse(answer.text) as ErrorBody;
  const violations = validateSchema('ErrorResponse', body);
  if (violations.length > 0 || body.error.code !== 400) fail('not the error shape', answer);
  const pointer = pointerPattern(c.path);
  if (!(body.error.metadata?.violations ?? []).some((v) => pointer.test(v.pointer)))
    fail(`the 400 must name ${c.path} (${c.rule})`, answer);
}

// ── The properties ──────────────────────────────────────────────────────────────────────────────

const cases = defaultModels.flatMap((model, m) =>
  model.endpoints.map((endpoint, e) => ({
    model,
    endpointIndex: e,
    label: model.endpoints.length > 1 ? `${model.id} via ${endpoint.provider_slug}` : model.id,
    seed: SEED + m * 16 + e,
  })),
);
const timeout = Math.max(20_000, RUNS * 4_000);

describe(`every model of the catalog (seed ${SEED}, ${RUNS} runs each)`, () => {
  it.each(cases)(
    '$label: valid requests get 200 and images at the implied size (seed $seed)',
    async (c) => {
      const property = fc.asyncProperty(validRequests(c.model, c.endpointIndex), (valid) =>
        checkValid(c.model, c.endpointIndex, valid),
      );
      await fc.assert(property, { seed: c.seed, numRuns: RUNS });
    },
    timeout,
  );

  it.each(cases)(
    '$label: one broken rule gets 400 naming the field (seed $seed)',
    async (c) => {
      const broken = fc.oneof(
        { weight: 3, arbitrary: schemaBreaks(c.model, c.endpointIndex) },
        { weight: 1, arbitrary: nestingBreaks(c.model, c.endpointIndex) },
        { weight: 2, arbitrary: modelBreaks(c.model, c.endpointIndex) },
      );
      await fc.assert(fc.asyncProperty(broken, checkBroken), { seed: c.seed, numRuns: RUNS * 2 });
    },
    timeout,
  );
});
