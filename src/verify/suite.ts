import { openApiDocument } from '../contract/document.gen.ts';
import { RESOLUTIONS } from '../contract/enums.ts';
import { MEDIA_TYPES } from '../contract/media-types.ts';
import type { CapabilityDescriptor, ImageModelListItem } from '../contract/types.ts';
import { createRandom } from '../synth/random.ts';

/** One request of the verify suite and the answer the contract prescribes for it. */
export interface VerifyCase {
  /** Stable id, e.g. `openai/gpt-image-1 quality=high` or `negative n=0`. */
  id: string;
  /** `positive` must be served (200); `negative` must be refused with `expectStatus`. */
  kind: 'positive' | 'negative';
  description: string;
  method: 'GET' | 'POST';
  /** Path under the base URL, e.g. `/images`. */
  path: string;
  /** Which credentials to send. */
  auth: 'key' | 'missing' | 'malformed';
  /** A JSON body, or raw text (for the not-JSON case). */
  body?: unknown;
  expectStatus: number;
  /** The model the case is about, for cost estimates. */
  model?: string;
  /** Selected before the rest when `maxRequests` cuts the suite: one baseline per model, the global refusals. */
  essential: boolean;
}

export interface VerifySuiteOptions {
  /** Goes into every prompt, so a run can be told apart in the target's logs. @default 0 */
  seed?: number;
}

/** A 1×1 PNG, the smallest reference image every model can take. */
export const TINY_PNG_DATA_URL = `data:${MEDIA_TYPES.png};base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==`;

const requestProperties = (
  openApiDocument.components.schemas.ImageGenerationRequest as unknown as {
    properties: Record<string, { $ref?: string; enum?: unknown[] }>;
  }
).properties;

/** The contract's enum for a request property (following one `$ref`), if it has one. */
export function contractEnum(param: string): readonly string[] | undefined {
  const property = requestProperties[param];
  if (!property) return undefined;
  const name = property.$ref?.split('/').pop();
  const schema = name
    ? (openApiDocument.components.schemas as unknown as Record<string, { enum?: unknown[] }>)[name]
    : property;
  return schema?.enum as string[] | undefined;
}

const references = (count: number) =>
  Array.from({ length: count }, () => ({ type: 'image_url', image_url: { url: TINY_PNG_DATA_URL } }));

/** The cheapest body a model serves: its smallest resolution tier, one image. */
function baselineOf(model: ImageModelListItem, prompt: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model: model.id, prompt };
  const resolution = model.supported_parameters.resolution;
  if (resolution?.type === 'enum') {
    const smallest = [...RESOLUTIONS].find((tier) => resolution.values.includes(tier));
    if (smallest) body.resolution = smallest;
  }
  return body;
}

const rangeMax = (capability: CapabilityDescriptor | undefined, fallback: number) =>
  capability?.type === 'range' ? capability.max : fallback;

/**
 * The whole suite for a target's catalog (as `GET /images/models` lists it): for each model a
 * baseline, every enum value and range end of every parameter the model takes, `seed` and
 * `stream`; then requests the contract refuses, globally (auth, JSON, schema, unknown model) and
 * per model where a published rule says so (n above the model's maximum, transparency without alpha).
 */
export function buildVerifySuite(
  models: readonly ImageModelListItem[],
  options: VerifySuiteOptions = {},
): VerifyCase[] {
  const seed = options.seed ?? 0;
  const cases: VerifyCase[] = [];
  const prompt = (what: string) => `verify ${what} (seed ${seed})`;
  const post = (c: Omit<VerifyCase, 'method' | 'path' | 'auth'> & { auth?: VerifyCase['auth'] }) =>
    cases.push({ method: 'POST', path: '/images', auth: 'key', ...c });

  for (const model of models) {
    const base = baselineOf(model, prompt(model.id));
    const params = model.supported_parameters;
    post({
      id: `${model.id} baseline`,
      kind: 'positive',
      description: 'the cheapest request the model serves',
      body: base,
      expectStatus: 200,
      model: model.id,
      essential: true,
    });
    for (const [param, capability] of Object.entries(params)) {
      if (!(param in requestProperties) || param === 'model' || param === 'prompt') continue;
      const variant = (value: unknown, description: string) => {
        const body = { ...base, [param]: value };
        if (param === 'output_compression' && params.output_format?.type === 'enum') {
          // Compression only means something for jpeg/webp: ask for one the model has.
          const lossy = params.output_format.values.find((f) => f === 'jpeg' || f === 'webp');
          if (lossy) body.output_format = lossy;
        }
        post({
          id: `${model.id} ${param}=${typeof value === 'object' ? `${(value as unknown[]).length} refs` : String(value)}`,
          kind: 'positive',
          description,
          body,
          expectStatus: 200,
          model: model.id,
          essential: false,
        });
      };
      if (capability.type === 'enum') {
        const known = contractEnum(param);
        for (const value of capability.values) {
          if (base[param] === value) continue;
          if (known && !known.includes(value)) continue; // reported by the catalog check instead
          variant(value, `${param} ${value}, as the catalog lists`);
        }
      } else if (capability.type === 'range') {
        if (param === 'input_references') {
          if (capability.max > 0)
            variant(references(Math.min(capability.max, 16)), 'the most references the model takes');
        } else if (param === 'n' || param === 'output_compression') {
          for (const value of new Set([Math.ceil(capability.min), Math.floor(capability.max)])) {
            if (param === 'n' && value === 1) continue;
            variant(value, `${param} at the end of its range`);
          }
        }
      } else if (param === 'seed') {
        variant(seed, 'a seed');
      }
    }
    post({
      id: `${model.id} stream=true`,
      kind: 'positive',
      description: model.supports_streaming
        ? 'an SSE stream of events ending in [DONE]'
        : 'the model cannot stream: one JSON body',
      body: { ...base, stream: true },
      expectStatus: 200,
      model: model.id,
      essential: false,
    });

    // Per-model refusals.
    const maxN = rangeMax(params.n, 1);
    if (maxN < 10) {
      post({
        id: `${model.id} refuses n=${maxN + 1}`,
        kind: 'negative',
        description: `more images than the model's maximum of ${maxN}`,
        body: { ...base, n: maxN + 1 },
        expectStatus: 400,
        model: model.id,
        essential: false,
      });
    }
    // Refusals a published source states: transparency needs a format with alpha (the
    // reference page). A format or more references than a model lists are not refused by any
    // published rule, so they are not cases here.
    if (
      params.output_format?.type === 'enum' &&
      params.background &&
      params.output_format.values.includes('jpeg')
    ) {
      post({
        id: `${model.id} refuses background=transparent with jpeg`,
        kind: 'negative',
        description: 'transparency needs a format with alpha',
        body: { ...base, background: 'transparent', output_format: 'jpeg' },
        expectStatus: 400,
        model: model.id,
        essential: false,
      });
    }
  }

  // Global refusals, on the first model (any model would do).
  const first = models[0];
  const valid = first
    ? baselineOf(first, prompt('refusal'))
    : { model: 'openai/gpt-image-1', prompt: prompt('refusal') };
  const refuse = (
    id: string,
    description: string,
    body: unknown,
    expectStatus = 400,
    auth: VerifyCase['auth'] = 'key',
  ) =>
    post({ id: `refuses ${id}`, kind: 'negative', description, body, expectStatus, auth, essential: true });
  refuse('a request without Authorization', 'the service answers 401 without a key', valid, 401, 'missing');
  refuse('a malformed Authorization', 'not "Bearer <key>"', valid, 401, 'malformed');
  refuse('a body that is not JSON', 'truncated JSON', '{"model": "x", "prompt": ');
  refuse('a body without prompt', 'prompt is required', { model: valid.model });
  refuse('a body without model', 'model is required', { prompt: valid.prompt });
  refuse('an empty prompt', 'prompt needs at least one character', { ...valid, prompt: '' });
  refuse('n=0', 'n is at least 1', { ...valid, n: 0 });
  refuse('n=11', 'n is at most 10', { ...valid, n: 11 });
  refuse('aspect_ratio=7:5', 'not a ratio of the contract', { ...valid, aspect_ratio: '7:5' });
  refuse('resolution=8K', 'not a tier of the contract', { ...valid, resolution: '8K' });
  refuse('output_format=gif', 'not a format of the contract', { ...valid, output_format: 'gif' });
  refuse('quality=ultra', 'not a quality of the contract', { ...valid, quality: 'ultra' });
  refuse('output_compression=101', 'compression is 0 to 100', { ...valid, output_compression: 101 });
  refuse('size=1024*1024', 'size is a tier or WxH', { ...valid, size: '1024*1024' });
  refuse('stream="yes"', 'stream is a boolean', { ...valid, stream: 'yes' });
  refuse(
    'an input_references item that is not an image_url',
    'items are {type: image_url, image_url: {url}}',
    {
      ...valid,
      input_references: [{ type: 'text', text: 'not an image' }],
    },
  );
  refuse('an unknown model', 'the service answers 400 for a model id it does not know', {
    ...valid,
    model: 'nobody/no-such-model',
  });
  post({
    id: 'ignores provider names and options it does not know',
    kind: 'positive',
    description:
      'provider preferences are open: unknown provider slugs and option keys are dropped, not refused',
    body: {
      ...valid,
      provider: { only: ['no-such-provider'], options: { 'no-such-provider': { foo: null } } },
    },
    expectStatus: 200,
    ...(first ? { model: first.id } : {}),
    essential: true,
  });
  cases.push({
    id: 'refuses the endpoints of an unknown model',
    kind: 'negative',
    description: 'GET /images/models/{author}/{slug}/endpoints for a model that does not exist',
    method: 'GET',
    path: '/images/models/nobody/no-such-model/endpoints',
    auth: 'key',
    expectStatus: 404,
    essential: true,
  });
  return cases;
}

/**
 * At most `max` cases: a baseline per model first, then the global refusals, then
 * a seeded random choice of the rest; the result keeps the suite's order.
 */
export function selectCases(cases: readonly VerifyCase[], max: number, seed = 0): VerifyCase[] {
  if (cases.length <= max) return [...cases];
  const next = createRandom(seed);
  const shuffle = (list: VerifyCase[]) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [list[i], list[j]] = [list[j] as VerifyCase, list[i] as VerifyCase];
    }
    return list;
  };
  const chosen = new Set(
    [
      ...shuffle(cases.filter((c) => c.essential && c.kind === 'positive')),
      ...shuffle(cases.filter((c) => c.essential && c.kind === 'negative')),
      ...shuffle(cases.filter((c) => !c.essential)),
    ].slice(0, max),
  );
  return cases.filter((c) => chosen.has(c));
}
