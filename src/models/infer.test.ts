import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { acmeEndpoint, acmeModel, enumOf, price } from '../../test/catalog-builders.ts';
import type { ImageEndpoint, ImagePricingEntry, SupportedParameters } from '../contract/types.ts';
import { createImagesMock } from '../core/mock.ts';
import { Catalog, type CatalogModelInput, defaultModels } from './catalog.ts';
import { completeCatalogModel, describeInferredRule, inferMockRules } from './infer.ts';

const endpointWith = acmeEndpoint;
const modelWith = (endpoint: ImageEndpoint, mock?: CatalogModelInput['mock']): CatalogModelInput =>
  acmeModel('acme/painter-1', endpoint, { name: 'Acme Painter 1', ...(mock ? { mock } : {}) });
/** The parameter when the model lists values for it, else none. */
const listed = (name: string, values: readonly string[]): SupportedParameters =>
  values.length > 0 ? { [name]: enumOf(...values) } : {};
const rulesFor = (params: SupportedParameters, pricing?: ImagePricingEntry[]) =>
  inferMockRules(modelWith(endpointWith(params, pricing))).rules;

describe('inferred rules', () => {
  it.each([
    [[], 'png'],
    [['jpeg', 'png', 'webp'], 'png'],
    [['webp', 'jpeg'], 'webp'],
    [['svg'], 'svg'],
    [['gif', 'jpeg'], 'jpeg'],
  ])('output formats %j → default %s', (formats, expected) => {
    const params = listed('output_format', formats);
    expect(rulesFor(params).default_output_format).toBe(expected);
  });

  it.each([
    [[], '1K'],
    [['512', '1K', '2K', '4K'], '1K'],
    [['2K', '4K'], '2K'],
    [['512', '2K'], '512'],
    [['4K'], '4K'],
  ])('resolutions %j → default %s', (tiers, expected) => {
    const params = listed('resolution', tiers);
    expect(rulesFor(params).sizing.default_resolution).toBe(expected);
  });

  it.each([
    [[], '1:1'],
    [['auto'], '1:1'],
    [['16:9', '1:1', 'auto'], '1:1'],
    [['auto', '3:2', '2:3'], '3:2'],
  ])('aspect ratios %j → default %s', (ratios, expected) => {
    const params = listed('aspect_ratio', ratios);
    expect(rulesFor(params).sizing.default_aspect_ratio).toBe(expected);
  });

  it.each([
    [
      'per image, tiers 512–2K',
      { resolution: enumOf('512', '1K', '2K') },
      [price('image')],
      {
        explicit: 'nearest',
        min_pixels: 512 ** 2,
        max_pixels: 2048 ** 2,
      },
    ],
    [
      'per image, no tiers',
      {},
      [price('image')],
      { explicit: 'nearest', min_pixels: 1024 ** 2, max_pixels: 1024 ** 2 },
    ],
    [
      'per megapixel, no tiers',
      {},
      [price('megapixel')],
      {
        explicit: 'any',
        min_pixels: 512 ** 2,
        max_pixels: 2048 ** 2,
        max_side: 4096,
      },
    ],
    [
      'per megapixel, up to 4K',
      { resolution: enumOf('1K', '4K') },
      [price('megapixel')],
      {
        explicit: 'any',
        min_pixels: 512 ** 2,
        max_pixels: 4096 ** 2,
        max_side: 4096,
      },
    ],
  ] as const)('sizing, %s', (_, params, pricing, expected) => {
    const sizing = rulesFor(params, [...pricing]).sizing;
    expect(sizing).toEqual({
      grid: 16,
      // Each case offers 1K or no tier at all: 1K either way.
      default_resolution: '1K',
      default_aspect_ratio: '1:1',
      ...expected,
    });
    expect(sizing.max_pixels).toBeLessThanOrEqual(4096 ** 2);
  });

  it.each([
    ['per image', {}, [price('image')], { per_image: 1024, count_prompt: false }],
    [
      'per image at 2K',
      { resolution: enumOf('2K') },
      [price('image')],
      { per_image: 4096, count_prompt: false },
    ],
    ['per request', {}, [price('request')], { per_image: 1024, count_prompt: false }],
    ['unpriced', {}, [], { per_image: 1024, count_prompt: false }],
    ['per megapixel', {}, [price('megapixel')], { pixels_per_token: 1024, count_prompt: false }],
    [
      'per token',
      {},
      [price('token'), price('token', 'input_text')],
      { pixels_per_token: 1024, count_prompt: true },
    ],
    [
      'per token with quality',
      { quality: enumOf('auto', 'low', 'medium', 'high') },
      [price('token')],
      {
        per_image_by_quality: { low: 272, medium: 1056, high: 4160 },
        reference_pixels: 1024 ** 2,
        auto_quality: 'medium',
        count_prompt: false,
      },
    ],
  ] as const)('tokens, %s', (_, params, pricing, expected) => {
    expect(rulesFor(params, [...pricing]).tokens).toEqual(expected);
  });

  it('gives one reason per inferred field, in the form of provenance.assumed', () => {
    const { rules, reasons } = inferMockRules(modelWith(endpointWith({ resolution: enumOf('1K', '2K') })));
    expect(reasons.map(describeInferredRule)).toContain('sizing.default_resolution: 1K (1K is offered)');
    const fields = reasons.map((r) => r.field);
    expect(new Set(fields).size).toBe(fields.length);
    const flat = [
      'default_output_format',
      ...Object.keys(rules.sizing).map((k) => `sizing.${k}`),
      ...Object.keys(rules.tokens).map((k) => `tokens.${k}`),
    ];
    expect(fields.sort()).toEqual(flat.sort());
  });
});

describe('completing a catalog entry', () => {
  it('leaves every default model as it is', () => {
    for (const model of defaultModels) expect(completeCatalogModel(model)).toBe(model);
  });

  it('infers a missing mock block and lists what it assumed', () => {
    const model = completeCatalogModel(modelWith(endpointWith({ output_format: enumOf('svg') })));
    expect(model.mock.default_output_format).toBe('svg');
    expect(model.mock.provenance?.sources).toEqual([]);
    expect(model.mock.provenance?.assumed).toContain('default_output_format: svg (the only format offered)');
  });

  it('keeps what the entry states, field by field, and assumes only the rest', () => {
    const model = completeCatalogModel(
      modelWith(endpointWith({ resolution: enumOf('1K', '2K') }), {
        provenance: {
          sources: [{ url: 'https://example.test', read: '2026-01-01' }],
          assumed: ['n: 4 (guess)'],
        },
        sizing: { default_resolution: '2K', grid: 8 },
        tokens: { count_prompt: true },
      }),
    );
    expect(model.mock.sizing).toMatchObject({
      default_resolution: '2K',
      grid: 8,
      default_aspect_ratio: '1:1',
    });
    expect(model.mock.tokens).toEqual({ per_image: 1024, count_prompt: true });
    const assumed = model.mock.provenance?.assumed ?? [];
    expect(assumed[0]).toBe('n: 4 (guess)');
    expect(assumed.some((line) => line.startsWith('sizing.default_resolution'))).toBe(false);
    expect(assumed.some((line) => line.startsWith('sizing.default_aspect_ratio'))).toBe(true);
    expect(model.mock.provenance?.sources).toHaveLength(1);
  });

  it('takes a stated explicit with its own bounds, and a stated token count as the whole rule', () => {
    const model = completeCatalogModel(
      modelWith(endpointWith({ quality: enumOf('low', 'high') }, [price('token')]), {
        sizing: { explicit: 'any', max_pixels: 2_000_000 },
        tokens: { per_image: 500 },
      }),
    );
    expect(model.mock.sizing).toEqual({
      grid: 16,
      default_resolution: '1K',
      default_aspect_ratio: '1:1',
      explicit: 'any',
      max_pixels: 2_000_000,
    });
    expect(model.mock.tokens).toEqual({ per_image: 500 });
  });

  it('still refuses a stated value the size rule cannot use, naming the field', () => {
    const typo = modelWith(endpointWith({}), { sizing: { default_resolution: '1k' as '1K' } });
    expect(() => new Catalog({ models: [typo] })).toThrow(/mock\.sizing\.default_resolution must be one of/);
  });
});

describe('a model without a mock block, end to end', () => {
  it('answers with an image of the inferred default size and format', async () => {
    const model = modelWith(
      endpointWith(
        {
          resolution: enumOf('512', '2K'),
          aspect_ratio: enumOf('auto', '3:2', '2:3'),
          output_format: enumOf('png', 'jpeg'),
        },
        [price('megapixel')],
      ),
    );
    const mock = createImagesMock({ models: [model], replaceDefaults: true });
    expect(mock.catalog.get(model.id)?.mock.sizing).toMatchObject({
      default_resolution: '512',
      default_aspect_ratio: '3:2',
      explicit: 'any',
    });
    const response = await mock.handle(
      new Request('https://openrouter.ai/api/v1/images', {
        method: 'POST',
        headers: { authorization: `Bearer sk-or-v1-${'0'.repeat(64)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: model.id, prompt: 'a fox' }),
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
    expect(body.data[0]?.media_type).toBe('image/png');
    const png = decode(Buffer.from(body.data[0]?.b64_json ?? '', 'base64'));
    // 512² of area at 3:2 on the 16 px grid.
    expect([png.width, png.height]).toEqual([624, 416]);
  });
});
