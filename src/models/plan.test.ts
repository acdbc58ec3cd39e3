import { describe, expect, it } from 'vitest';
import type { ImageEndpoint, ImageGenerationRequest } from '../contract/types.ts';
import { Catalog, type CatalogModelInput } from './catalog.ts';
import {
  DEFAULT_LIMITS,
  type GenerationLimits,
  type GenerationPlan,
  planGeneration,
  type Refusal,
} from './plan.ts';

/** An endpoint of provider `slug` (tagged `slug/fp8`, named `Slug Inc`), taking what `params` lists. */
function endpoint(slug: string, params: ImageEndpoint['supported_parameters'] = {}, streams = false) {
  return {
    provider_name: `${slug[0]?.toUpperCase()}${slug.slice(1)} Inc`,
    provider_slug: slug,
    provider_tag: `${slug}/fp8`,
    supported_parameters: params,
    allowed_passthrough_parameters: ['steps'],
    supports_streaming: streams,
    pricing: [{ billable: 'output_image', unit: 'image', cost_usd: 0.01 }],
  } as ImageEndpoint;
}

/** A model taking any size from 64x64 (4,096 pixels) to 2048x2048 (4 MiP), 4096 on a side. */
function model(
  id: string,
  endpoints: ImageEndpoint[],
  extra: Partial<CatalogModelInput> = {},
): CatalogModelInput {
  return {
    id,
    name: id,
    description: id,
    created: 1,
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['image'] },
    endpoints,
    mock: {
      default_output_format: 'png',
      sizing: {
        grid: 16,
        default_resolution: '1K',
        default_aspect_ratio: '1:1',
        explicit: 'any',
        min_pixels: 4096,
        max_pixels: 4_194_304,
        max_side: 4096,
      },
      tokens: { per_image: 100 },
    },
    ...extra,
  };
}

const painter = model('test/painter', [
  endpoint('alpha', {
    n: { type: 'range', min: 1, max: 4 },
    input_references: { type: 'range', min: 0, max: 2 },
    output_format: { type: 'enum', values: ['jpeg', 'webp', 'png'] },
    background: { type: 'enum', values: ['auto', 'transparent', 'opaque'] },
    quality: { type: 'enum', values: ['auto', 'low', 'medium', 'high'] },
    output_compression: { type: 'range', min: 0, max: 100 },
  }),
]);
painter.mock = { ...painter.mock, tokens: { per_image: 100, auto_quality: 'low' } };

const ROUTED = 'test/routed';
const catalog = new Catalog({
  models: [
    model(ROUTED, [
      endpoint('alpha'),
      endpoint('beta', {}, true),
      endpoint('gamma'),
      { ...endpoint('delta'), provider_tag: null },
    ]),
    painter,
    model('test/plain', [endpoint('alpha')], {
      architecture: { input_modalities: ['text'], output_modalities: ['image'] },
    }),
    model('test/looks', [
      endpoint('alpha', {
        input_references: { type: 'boolean' },
        quality: { type: 'enum', values: ['auto', 'low', 'medium', 'high'] },
      }),
    ]),
  ],
});

function plan(
  body: Partial<ImageGenerationRequest>,
  limits: GenerationLimits = DEFAULT_LIMITS,
): GenerationPlan {
  const result = planGeneration({ model: ROUTED, prompt: 'p', ...body }, catalog, limits, 7);
  if (!('plan' in result)) throw new Error(`refused: ${JSON.stringify(result.violations)}`);
  return result.plan;
}

function refusal(body: Partial<ImageGenerationRequest>, limits: GenerationLimits = DEFAULT_LIMITS): Refusal {
  const result = planGeneration({ model: ROUTED, prompt: 'p', ...body }, catalog, limits, 7);
  if ('plan' in result) throw new Error('expected a refusal');
  return result;
}

const served = (provider: ImageGenerationRequest['provider']) => plan({ provider }).endpoint.provider_slug;

describe('provider preferences pick the endpoint that serves the request', () => {
  it('without preferences, the model’s first endpoint serves', () => {
    expect(served(undefined)).toBe('alpha');
    expect(served({})).toBe('alpha');
  });

  it('only: one of the listed providers serves, by slug, tag or name, in any letter case', () => {
    expect(served({ only: ['beta'] })).toBe('beta');
    expect(served({ only: ['GAMMA/FP8'] })).toBe('gamma');
    expect(served({ only: ['Beta Inc'] })).toBe('beta');
    expect(served({ only: ['gamma', 'beta'] })).toBe('beta');
    // An endpoint without a tag is still found by its slug and its name.
    expect(served({ only: ['Delta Inc'] })).toBe('delta');
  });

  it('ignore: a listed provider never serves', () => {
    expect(served({ ignore: ['alpha'] })).toBe('beta');
    expect(served({ ignore: ['alpha', 'beta/fp8'] })).toBe('gamma');
    expect(served({ only: ['alpha', 'gamma'], ignore: ['alpha'] })).toBe('gamma');
  });

  it('order: the first listed provider that can serve does', () => {
    expect(served({ order: ['gamma', 'beta'] })).toBe('gamma');
    expect(served({ order: ['openai', 'beta'] })).toBe('beta');
    expect(served({ order: ['beta'], ignore: ['beta'] })).toBe('alpha');
    expect(served({ order: ['beta'], allow_fallbacks: false })).toBe('beta');
  });

  it('order: when none of the listed can serve, another does, unless allow_fallbacks is false (404)', () => {
    expect(served({ order: ['openai'] })).toBe('alpha');
    expect(served({ order: ['openai'], allow_fallbacks: true })).toBe('alpha');
    expect(served({ allow_fallbacks: false })).toBe('alpha');
    expect(refusal({ provider: { order: ['openai'], allow_fallbacks: false } })).toEqual({
      status: 404,
      by: 'catalog',
      violations: [
        {
          pointer: '/provider',
          rule: 'provider-match',
          message: `No endpoints found for ${ROUTED} that match your provider preferences`,
        },
      ],
    });
  });

  it('404 when the providers allowed, all known, serve none of the model’s endpoints', () => {
    expect(refusal({ provider: { only: ['openai'] } }).status).toBe(404);
    expect(refusal({ provider: { ignore: ['alpha', 'beta', 'gamma', 'delta'] } }).status).toBe(404);
  });

  it('a provider the mock does not know is ignored and noted, wherever it is listed', () => {
    const planned = plan({
      provider: { only: ['nobody', 'gamma'], ignore: ['nobody-else'], order: ['ghost'] },
    });
    expect(planned.endpoint.provider_slug).toBe('gamma');
    expect(planned.notes).toEqual([
      "provider.only: 'nobody' is a provider the mock does not know; ignored",
      "provider.ignore: 'nobody-else' is a provider the mock does not know; ignored",
      "provider.order: 'ghost' is a provider the mock does not know; ignored",
    ]);
    expect(served({ only: ['nobody'] })).toBe('alpha');
  });

  it('notes at most 20 things, however many unknown providers a request names', () => {
    const names = Array.from({ length: 30 }, (_, i) => `unknown-${i}`);
    expect(plan({ provider: { only: names, options: { zeta: { a: 1 } } } }).notes).toHaveLength(20);
    expect(
      plan({ provider: { only: names.slice(0, 19), options: { zeta: { a: 1 }, eta: {} } } }).notes,
    ).toHaveLength(20);
    const options = { alpha: Object.fromEntries(names.map((n) => [n, 1])) };
    expect(plan({ provider: { options } }).notes).toHaveLength(20);
  });

  it('options: the serving provider’s passthrough keys are passed, its other keys dropped, other providers ignored', () => {
    const planned = plan({
      provider: {
        only: ['beta'],
        options: { alpha: { steps: 4 }, beta: { steps: 4, colour: 'red' }, delta: 3 },
      },
    });
    expect(planned.notes).toEqual([
      'provider.options.alpha: not the serving provider (beta); ignored',
      'provider.options.beta.steps: passed through to beta',
      'provider.options.beta.colour: not a passthrough parameter of beta; dropped',
      'provider.options.delta: not the serving provider (beta); ignored',
    ]);
    expect(plan({ provider: { options: { alpha: 3 } } }).notes).toEqual([]);
    expect(plan({ provider: { options: { alpha: null } } }).notes).toEqual([]);
    expect(plan({ provider: { options: { alpha: 'fast' } } }).notes).toEqual([]);
  });
});

describe('per-model rules', () => {
  it('n: up to the model’s maximum; a model without the parameter makes one image', () => {
    expect(plan({ model: 'test/painter', n: 4 }).n).toBe(4);
    expect(plan({ model: 'test/painter' }).n).toBe(1);
    expect(refusal({ model: 'test/painter', n: 5 })).toEqual({
      status: 400,
      by: 'catalog',
      violations: [
        {
          pointer: '/n',
          rule: 'model-maximum',
          message: 'n must be <= 4 for test/painter',
          expected: 4,
          actual: 5,
        },
      ],
    });
    expect(refusal({ n: 2 }).violations[0]).toMatchObject({
      pointer: '/n',
      rule: 'model-maximum',
      expected: 1,
    });
  });

  it('references beyond what a model takes are ignored, and noted', () => {
    const ref = { type: 'image_url' as const, image_url: { url: 'https://example.com/r.png' } };
    expect(plan({ model: 'test/painter', input_references: [ref, ref] })).toMatchObject({
      referenceCount: 2,
      notes: [],
    });
    expect(plan({ model: 'test/painter', input_references: [ref, ref, ref] })).toMatchObject({
      referenceCount: 2,
      notes: ['input_references: test/painter takes at most 2; the 1 beyond were ignored'],
    });
    expect(plan({ model: 'test/plain', input_references: [ref] })).toMatchObject({
      referenceCount: 0,
      notes: ['input_references: test/plain takes no reference images; the 1 sent were ignored'],
    });
    // A model that takes images but states no count takes up to 16, the contract's maximum.
    const sixteen = Array.from({ length: 16 }, () => ref);
    expect(plan({ model: 'test/looks', input_references: sixteen })).toMatchObject({
      referenceCount: 16,
      notes: [],
    });
    expect(plan({}).referenceCount).toBe(0);
  });

  it('output format: as asked, else the model’s default; one the model does not list is made anyway, and noted', () => {
    expect(plan({ model: 'test/painter', output_format: 'webp' })).toMatchObject({
      format: 'webp',
      notes: [],
    });
    expect(plan({ model: 'test/painter' }).format).toBe('png');
    expect(plan({ model: 'test/painter', output_format: 'svg' })).toMatchObject({
      format: 'svg',
      notes: ['output_format: test/painter lists jpeg, webp, png; answered in svg as asked'],
    });
    expect(plan({ output_format: 'jpeg' }).notes).toEqual([
      'output_format: test/routed lists png; answered in jpeg as asked',
    ]);
    expect(plan({ output_format: 'png' }).notes).toEqual([]);
  });

  it('a transparent background: a format with alpha is picked when none is asked, jpeg is refused', () => {
    expect(plan({ model: 'test/painter', background: 'transparent' })).toMatchObject({
      format: 'webp',
      transparent: true,
    });
    expect(plan({ model: 'test/painter', background: 'opaque' })).toMatchObject({
      format: 'png',
      transparent: false,
    });
    expect(plan({ model: 'test/painter', background: 'transparent', output_format: 'png' }).transparent).toBe(
      true,
    );
    expect(refusal({ model: 'test/painter', background: 'transparent', output_format: 'jpeg' })).toEqual({
      status: 400,
      by: 'catalog',
      violations: [
        {
          pointer: '/background',
          rule: 'requires-alpha-format',
          message: "background 'transparent' requires output_format png or webp, not 'jpeg'",
          expected: ['png', 'webp'],
          actual: 'jpeg',
        },
      ],
    });
    // A model without the background parameter makes no transparency, and keeps its format.
    expect(plan({ background: 'transparent' })).toMatchObject({ format: 'png', transparent: false });
    expect(plan({ background: 'transparent', output_format: 'svg' }).transparent).toBe(false);
    expect(refusal({ background: 'transparent', output_format: 'jpeg' }).violations[0]?.rule).toBe(
      'requires-alpha-format',
    );
  });

  it('quality: low, medium, high as asked; above high is high; auto or none is the model’s default', () => {
    const quality = (q?: ImageGenerationRequest['quality']) =>
      plan({ model: 'test/painter', ...(q ? { quality: q } : {}) }).quality;
    expect([quality('low'), quality('medium'), quality('high')]).toEqual(['low', 'medium', 'high']);
    expect([quality('xhigh'), quality('max')]).toEqual(['high', 'high']);
    // test/painter's own default is low; a model that states none gets medium.
    expect([quality('auto'), quality()]).toEqual(['low', 'low']);
    expect(plan({ model: 'test/looks', quality: 'auto' }).quality).toBe('medium');
    expect(plan({ model: 'test/looks', quality: 'low' }).quality).toBe('low');
    expect(plan({ quality: 'high' }).quality).toBeUndefined();
  });

  it('compression: for jpeg and webp on a model with the knob, 100 unless asked', () => {
    expect(plan({ model: 'test/painter', output_format: 'jpeg' }).compression).toBe(100);
    expect(plan({ model: 'test/painter', output_format: 'webp', output_compression: 40 }).compression).toBe(
      40,
    );
    expect(
      plan({ model: 'test/painter', output_format: 'png', output_compression: 40 }).compression,
    ).toBeUndefined();
    expect(plan({ output_format: 'jpeg', output_compression: 40 }).compression).toBeUndefined();
  });

  it('seed, stream and the prompt: as asked, where the endpoint can', () => {
    expect(plan({}).seed).toBe(7);
    expect(plan({ seed: 99 }).seed).toBe(99);
    expect(plan({ prompt: 'a lighthouse' }).prompt).toBe('a lighthouse');
    expect(plan({ stream: true }).stream).toBe(false);
    expect(plan({ stream: true, provider: { only: ['beta'] } }).stream).toBe(true);
    expect(plan({ stream: false, provider: { only: ['beta'] } }).stream).toBe(false);
  });

  it('a model the catalog does not list: 400 naming the id, or the generic stand-in when asked for', () => {
    const result = planGeneration({ model: 'nobody/none', prompt: 'p' }, catalog, DEFAULT_LIMITS, 0);
    expect(result).toMatchObject({
      status: 400,
      by: 'unknown-model',
      violations: [{ pointer: '/model', rule: 'model-id', actual: 'nobody/none' }],
    });
    expect('violations' in result && result.violations[0]?.message).toMatch(
      /^nobody\/none is not a valid model ID/,
    );
    const generic = new Catalog({ unknownModels: 'generic' });
    const planned = planGeneration({ model: 'nobody/none', prompt: 'p' }, generic, DEFAULT_LIMITS, 0);
    expect('plan' in planned && planned.plan.generic).toBe(true);
    expect(plan({}).generic).toBe(false);
  });
});

describe('size: the model’s rules, then the mock’s own pixel limits', () => {
  it('answers the size the rules give, with its tier and ratio', () => {
    expect(plan({ size: '640x480' })).toMatchObject({
      width: 640,
      height: 480,
      resolution: '512',
      aspectRatio: '4:3',
    });
  });

  it('passes on a size refusal and a size note', () => {
    expect(refusal({ size: '32x32' }).violations).toEqual([
      expect.objectContaining({ pointer: '/size', rule: 'min_pixels' }),
    ]);
    expect(plan({ size: '8192x8192' }).notes).toEqual([
      expect.stringMatching(/^size '8192x8192' is beyond test\/routed's limits/),
    ]);
  });

  it('an image of exactly the per-image limit is made; one pixel more is refused', () => {
    const limits = { maxPixelsPerImage: 640 * 480, maxPixelsPerResponse: Number.POSITIVE_INFINITY };
    expect(plan({ size: '640x480' }, limits).width).toBe(640);
    expect(refusal({ size: '641x480' }, limits)).toEqual({
      status: 400,
      by: 'catalog',
      violations: [
        {
          pointer: '/size',
          rule: 'max-pixels-per-image',
          message: 'the image size 641x480 (307680 pixels) exceeds the limit of 307200 pixels per image',
          expected: 307_200,
          actual: 307_680,
        },
      ],
    });
  });

  it('an answer of exactly the per-response limit is made; one pixel more is refused', () => {
    const limits = { maxPixelsPerImage: Number.POSITIVE_INFINITY, maxPixelsPerResponse: 4 * 64 * 64 };
    expect(plan({ model: 'test/painter', n: 4, size: '64x64' }, limits).n).toBe(4);
    expect(refusal({ model: 'test/painter', n: 4, size: '64x65' }, limits)).toEqual({
      status: 400,
      by: 'catalog',
      violations: [
        {
          pointer: '/n',
          rule: 'max-pixels-per-response',
          message: 'n=4 images of 64x65 (16640 pixels) exceed the limit of 16384 pixels per response',
          expected: 16_384,
          actual: 16_640,
        },
      ],
    });
  });

  it('counts the response limit over the images the model makes, not an n it refuses anyway', () => {
    const limits = { maxPixelsPerImage: Number.POSITIVE_INFINITY, maxPixelsPerResponse: 64 * 64 };
    const refused = refusal({ n: 3, size: '64x64' }, limits);
    expect(refused.violations.map((v) => v.rule)).toEqual(['model-maximum']);
  });

  it('lists every violation of a request at once', () => {
    const refused = refusal({
      model: 'test/painter',
      n: 9,
      background: 'transparent',
      output_format: 'jpeg',
      size: '8x8',
    });
    expect(refused.violations.map((v) => v.pointer)).toEqual(['/n', '/background', '/size']);
  });
});
