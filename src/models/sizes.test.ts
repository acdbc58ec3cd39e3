import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, RESOLUTIONS } from '../contract/enums.ts';
import { invalidRequest } from '../contract/errors.ts';
import type { AspectRatio, ImageEndpoint, Resolution } from '../contract/types.ts';
import { Catalog, type CatalogModel, type SizingRules } from './catalog.ts';
import { dimensionsFor, ratioValue, resolvePixelSize, type SizeRequest, tierOf } from './sizes.ts';

const catalog = new Catalog();
const resultFor = (id: string, request: SizeRequest) => {
  const model = catalog.get(id)!;
  return resolvePixelSize(model, model.endpoints[0]!, request);
};
const sizeFor = (id: string, request: SizeRequest) => {
  const result = resultFor(id, request);
  if (!('size' in result)) throw new Error(`expected a size, got ${JSON.stringify(result.violations)}`);
  return result.size;
};
/** The 400 the mock answers for a refused size. */
const violationOf = (id: string, request: SizeRequest) => {
  const result = resultFor(id, request);
  if (!('violations' in result)) throw new Error('expected a 400');
  return invalidRequest(result.violations);
};

describe('derived sizes: tier × ratio', () => {
  const ratios = ASPECT_RATIOS.filter((r) => r !== 'auto');
  it.each(RESOLUTIONS.flatMap((tier) => ratios.map((ratio) => [tier, ratio] as const)))(
    '%s at %s: ratio within 1%, area within 12% of the tier, on a 16 px grid',
    (tier, ratio) => {
      const side = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 }[tier];
      const { width, height } = dimensionsFor(side ** 2, ratioValue(ratio), 16);
      expect(width % 16).toBe(0);
      expect(height % 16).toBe(0);
      expect(Math.abs(width / height / ratioValue(ratio) - 1)).toBeLessThanOrEqual(0.01);
      expect(Math.abs((width * height) / side ** 2 - 1)).toBeLessThan(0.12);
    },
  );

  it('gives Seedream 4.5 the tier and ratio asked for', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', { resolution: '2K', aspect_ratio: '1:1' })).toEqual({
      width: 2048,
      height: 2048,
      resolution: '2K',
      aspectRatio: '1:1',
    });
    const wide = sizeFor('bytedance-seed/seedream-4.5', { resolution: '4K', aspect_ratio: '16:9' });
    expect(wide.width / wide.height).toBeCloseTo(16 / 9, 1);
    expect(wide.resolution).toBe('4K');
  });

  it('uses the model defaults when nothing is asked', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', {})).toMatchObject({ width: 2048, height: 2048 });
    expect(sizeFor('openai/gpt-image-1', {})).toMatchObject({ width: 1024, height: 1024 });
    expect(sizeFor('openai/gpt-image-1', { aspect_ratio: 'auto' })).toMatchObject({
      width: 1024,
      height: 1024,
    });
  });
});

describe('fixed tables', () => {
  it.each([
    ['openai/gpt-image-1', '3:2', 1536, 1024],
    ['openai/gpt-image-1', '2:3', 1024, 1536],
    ['google/gemini-2.5-flash-image', '16:9', 1344, 768],
    ['google/gemini-2.5-flash-image', '21:9', 1536, 672],
    ['recraft/recraft-v3-svg', '4:3', 1365, 1024],
  ])('%s %s → %ix%i', (id, aspect_ratio, width, height) => {
    expect(sizeFor(id, { aspect_ratio })).toMatchObject({ width, height });
  });

  it('clamps a ratio the model lacks to its nearest one, as providers do', () => {
    expect(sizeFor('openai/gpt-image-1', { aspect_ratio: '16:9' })).toMatchObject({
      width: 1536,
      height: 1024,
      aspectRatio: '3:2',
    });
    expect(sizeFor('google/gemini-2.5-flash-image', { aspect_ratio: '8:1' })).toMatchObject({
      aspectRatio: '21:9',
    });
  });

  it('clamps a tier the model lacks to its nearest one', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', { resolution: '512' })).toMatchObject({
      resolution: '1K',
      width: 1024,
    });
  });
});

describe('size', () => {
  it('a tier size acts as resolution and combines with aspect_ratio', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '2K', aspect_ratio: '1:1' })).toMatchObject({
      width: 2048,
      height: 2048,
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '4K', aspect_ratio: '2:1' })).toMatchObject({
      resolution: '4K',
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '2K', resolution: '2K' })).toMatchObject({
      width: 2048,
    });
  });

  it('an explicit size is exact where the model takes any size', () => {
    expect(sizeFor('black-forest-labs/flux.2-pro', { size: '1000x700' })).toMatchObject({
      width: 1000,
      height: 700,
      aspectRatio: '10:7',
    });
    expect(
      sizeFor('bytedance-seed/seedream-4.5', { size: '2048x2048', resolution: '2K', aspect_ratio: '1:1' }),
    ).toMatchObject({
      width: 2048,
    });
  });

  it('an explicit size off the table of a model with a table is normalized to the nearest table size, and says so', () => {
    expect(sizeFor('openai/gpt-image-1', { size: '1536x1024' })).toMatchObject({
      width: 1536,
      height: 1024,
      aspectRatio: '3:2',
    });
    const result = resultFor('openai/gpt-image-1', { size: '1000x1000' });
    expect(result).toMatchObject({ size: { width: 1024, height: 1024 } });
    expect('note' in result && result.note).toBe(
      "size '1000x1000' is not one of openai/gpt-image-1's sizes: normalized to 1024x1024",
    );
    expect(sizeFor('openai/gpt-image-1', { size: '1800x1000' })).toMatchObject({ width: 1536, height: 1024 });
  });

  it('an explicit size is normalized to the nearest tier and ratio on models without a table or any-size', () => {
    expect(sizeFor('google/gemini-3.1-flash-image', { size: '2000x1000' })).toMatchObject({
      resolution: '1K',
      aspectRatio: '16:9',
    });
  });

  it.each<[SizeRequest, string]>([
    [{ size: '2K', resolution: '1K' as Resolution }, "size '2K' conflicts with resolution '1K'"],
    [
      { size: '2048x2048', resolution: '1K' as Resolution },
      "size '2048x2048' is a 2K size and conflicts with resolution '1K'",
    ],
    [
      { size: '2048x1024', aspect_ratio: '16:9' as AspectRatio },
      "size '2048x1024' conflicts with aspect_ratio '16:9'",
    ],
  ])('refuses a conflict: %j', (request, message) => {
    const error = violationOf('bytedance-seed/seedream-4.5', request);
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
    expect(error.metadata?.violations).toEqual([
      expect.objectContaining({ pointer: '/size', rule: 'size-conflict' }),
    ]);
  });

  it('fits an explicit size beyond the model limits into them, ratio kept, before anything is allocated', () => {
    const huge = resultFor('black-forest-labs/flux.2-pro', { size: '40000x40000' });
    expect(huge).toMatchObject({ size: { width: 2048, height: 2048 } });
    expect('note' in huge && huge.note).toContain(
      "size '40000x40000' is beyond black-forest-labs/flux.2-pro's limits",
    );
    // The service refuses Seedream 4.5 sizes under 3,686,400 pixels (see the catalog's provenance).
    expect(violationOf('bytedance-seed/seedream-4.5', { size: '64x64' }).message).toContain(
      'minimum of 3686400 pixels',
    );
    const long = sizeFor('bytedance-seed/seedream-4.5', { size: '8000x1000' });
    expect(Math.max(long.width, long.height)).toBeLessThanOrEqual(6144);
    expect(Math.abs(long.width / long.height - 8)).toBeLessThan(0.1);
  });

  it('names tiers by area', () => {
    expect(tierOf(1536, 1024)).toBe('1K');
    expect(tierOf(2048, 2048)).toBe('2K');
    expect(tierOf(512, 512)).toBe('512');
    expect(tierOf(6000, 3000)).toBe('4K');
  });
});

describe('limits of derived sizes', () => {
  it('keeps a derived size within max_pixels and max_side, at the asked ratio', () => {
    const capped = dimensionsFor(4096 ** 2, 21 / 9, 16, { maxPixels: 16_777_216, maxSide: 6144 });
    expect(capped.width * capped.height).toBeLessThanOrEqual(16_777_216);
    expect(Math.max(capped.width, capped.height)).toBeLessThanOrEqual(6144);
    expect(Math.abs(capped.width / capped.height / (21 / 9) - 1)).toBeLessThanOrEqual(0.01);
    const small = dimensionsFor(2048 ** 2, 1, 16, { maxPixels: 1_048_576 });
    expect(small).toEqual({ width: 1024, height: 1024 });
  });
});

/** A model of its own sizing rules and parameters, for the rules no listed model shows alone. */
function custom(
  sizing: Partial<SizingRules>,
  params: ImageEndpoint['supported_parameters'] = {},
): CatalogModel {
  const base = catalog.get('black-forest-labs/flux.2-pro')!;
  return {
    ...base,
    id: 'test/custom',
    endpoints: [{ ...base.endpoints[0]!, supported_parameters: params }],
    mock: {
      ...base.mock,
      sizing: { grid: 16, default_resolution: '1K', default_aspect_ratio: '1:1', explicit: 'any', ...sizing },
    },
  };
}
const resolve = (model: CatalogModel, request: SizeRequest) =>
  resolvePixelSize(model, model.endpoints[0]!, request);

describe('the limits of a model that takes any size', () => {
  it('a size of exactly the minimum is made; one row less is refused, saying so', () => {
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '64x64' })).toEqual({
      size: { width: 64, height: 64, resolution: '512', aspectRatio: '1:1' },
    });
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '64x63' })).toStrictEqual({
      violations: [
        {
          pointer: '/size',
          rule: 'min_pixels',
          message: "size '64x63' is below black-forest-labs/flux.2-pro's minimum of 4096 pixels",
          expected: 4096,
          actual: '64x63',
        },
      ],
    });
  });

  it('a size of exactly the maximum is made as asked, without a note', () => {
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '2048x2048' })).toStrictEqual({
      size: { width: 2048, height: 2048, resolution: '2K', aspectRatio: '1:1' },
    });
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '4096x1024' })).toStrictEqual({
      size: { width: 4096, height: 1024, resolution: '2K', aspectRatio: '4:1' },
    });
  });

  it('a size over the limits is fitted, and the note names the limits and the size made', () => {
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '40000x40000' })).toStrictEqual({
      size: { width: 2048, height: 2048, resolution: '2K', aspectRatio: '1:1' },
      note: "size '40000x40000' is beyond black-forest-labs/flux.2-pro's limits (at most 4194304 pixels, sides up to 4096): normalized to 2048x2048",
    });
  });

  it('a size too long on one side only is shortened on that side, and says so', () => {
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '4200x16' })).toMatchObject({
      size: { width: 4096, height: 16 },
      note: expect.stringMatching(/normalized to 4096x16$/),
    });
    expect(resultFor('black-forest-labs/flux.2-pro', { size: '16x4200' })).toMatchObject({
      size: { width: 16, height: 4096 },
      note: expect.stringMatching(/normalized to 16x4096$/),
    });
  });

  it('the note names only the limits the model has', () => {
    expect(resolve(custom({ max_side: 1024 }), { size: '2048x1024' })).toMatchObject({
      size: { width: 1024, height: 512 },
      note: "size '2048x1024' is beyond test/custom's limits (sides up to 1024): normalized to 1024x512",
    });
    expect(resolve(custom({ max_pixels: 1_048_576 }), { size: '2048x2048' })).toMatchObject({
      size: { width: 1024, height: 1024 },
      note: "size '2048x2048' is beyond test/custom's limits (at most 1048576 pixels): normalized to 1024x1024",
    });
  });

  it('an explicit size with its own (non-square) ratio is taken; with another ratio it is refused', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '2560x1440', aspect_ratio: '16:9' })).toEqual({
      width: 2560,
      height: 1440,
      resolution: '2K',
      aspectRatio: '16:9',
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '1440x2560', aspect_ratio: '9:16' })).toMatchObject(
      {
        width: 1440,
        height: 2560,
      },
    );
    expect(
      resultFor('bytedance-seed/seedream-4.5', { size: '2560x1440', aspect_ratio: '9:16' }),
    ).toStrictEqual({
      violations: [
        {
          pointer: '/size',
          rule: 'size-conflict',
          message: "size '2560x1440' conflicts with aspect_ratio '9:16'",
          actual: '9:16',
        },
      ],
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { size: '2560x1440', aspect_ratio: 'auto' })).toMatchObject(
      {
        aspectRatio: '16:9',
      },
    );
  });

  it('a conflict with resolution says which tier each side is', () => {
    expect(resultFor('bytedance-seed/seedream-4.5', { size: '2K', resolution: '1K' })).toStrictEqual({
      violations: [
        {
          pointer: '/size',
          rule: 'size-conflict',
          message: "size '2K' conflicts with resolution '1K'",
          expected: '1K',
          actual: '2K',
        },
      ],
    });
    expect(resultFor('bytedance-seed/seedream-4.5', { size: '2048x2048', resolution: '1K' })).toMatchObject({
      violations: [{ expected: '2K', actual: '1K' }],
    });
  });
});

describe('derived sizes stay within the model’s limits', () => {
  it('Seedream 4.5 at 4K: exactly its 4096x4096 maximum square, and its 6144 side at the long ratios', () => {
    expect(sizeFor('bytedance-seed/seedream-4.5', { resolution: '4K' })).toMatchObject({
      width: 4096,
      height: 4096,
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { resolution: '4K', aspect_ratio: '21:9' })).toEqual({
      width: 6128,
      height: 2624,
      resolution: '4K',
      aspectRatio: '21:9',
    });
    expect(sizeFor('bytedance-seed/seedream-4.5', { resolution: '4K', aspect_ratio: '9:21' })).toMatchObject({
      width: 2640,
      height: 6144,
    });
  });

  it('the largest size whose long side fits, at wide and tall ratios', () => {
    expect(dimensionsFor(4096 ** 2, 4, 16, { maxSide: 2048 })).toEqual({ width: 2048, height: 512 });
    expect(dimensionsFor(4096 ** 2, 1 / 4, 16, { maxSide: 2048 })).toEqual({ width: 512, height: 2048 });
  });

  it('never over max_pixels, even by rounding to the grid', () => {
    expect(dimensionsFor(2048 ** 2, 16 / 9, 16, { maxPixels: 1_000_000 })).toEqual({
      width: 1312,
      height: 736,
    });
  });

  it('on a grid too coarse for any size within 1% of the ratio, the size nearest the ratio', () => {
    // 768x1408 is 3% off 9:16; 768x1280, nearer the area, is 7% off.
    expect(dimensionsFor(1024 ** 2, 9 / 16, 128)).toEqual({ width: 768, height: 1408 });
  });

  it('keeps the ratio when the area is less than a grid step', () => {
    expect(dimensionsFor(100, 4, 16)).toEqual({ width: 64, height: 16 });
    expect(dimensionsFor(512 ** 2, 2, 1024)).toEqual({ width: 2048, height: 1024 });
  });
});

describe('tiers of a model without a resolution list: those its pixel limits allow', () => {
  it('FLUX.2 (up to 4 MiP): 512 to 2K, and 4K clamps to 2K', () => {
    expect(sizeFor('black-forest-labs/flux.2-pro', { resolution: '512' })).toMatchObject({ width: 512 });
    expect(sizeFor('black-forest-labs/flux.2-pro', { resolution: '2K' })).toMatchObject({
      width: 2048,
      resolution: '2K',
    });
    expect(sizeFor('black-forest-labs/flux.2-pro', { resolution: '4K' })).toEqual({
      width: 2048,
      height: 2048,
      resolution: '2K',
      aspectRatio: '1:1',
    });
  });

  it('GPT Image 2 (at least 655,360 pixels): 512 clamps to 1K', () => {
    expect(sizeFor('openai/gpt-image-2', { resolution: '512' })).toMatchObject({
      width: 1024,
      height: 1024,
      resolution: '1K',
    });
  });

  it('a minimum of exactly a tier’s area keeps that tier', () => {
    const model = custom({ explicit: 'nearest', min_pixels: 1024 ** 2, max_pixels: 2048 ** 2 });
    expect(resolve(model, { resolution: '1K' })).toMatchObject({ size: { width: 1024, resolution: '1K' } });
    expect(resolve(model, { resolution: '512' })).toMatchObject({ size: { width: 1024, resolution: '1K' } });
  });

  it('without pixel limits, every tier', () => {
    expect(resolve(custom({ explicit: 'nearest' }), { resolution: '4K' })).toMatchObject({
      size: { width: 4096, height: 4096, resolution: '4K' },
    });
  });

  it('a tier halfway between two the model lists gets the first listed', () => {
    const model = custom({ explicit: 'nearest' }, { resolution: { type: 'enum', values: ['1K', '4K'] } });
    expect(resolve(model, { resolution: '2K' })).toMatchObject({ size: { width: 1024, resolution: '1K' } });
  });
});

describe('tables', () => {
  it('a tier the per-tier table lacks gets a derived size', () => {
    expect(sizeFor('google/gemini-3-pro-image', { resolution: '4K' })).toMatchObject({
      width: 4096,
      height: 4096,
    });
  });

  it('an explicit size that is the table’s own is taken without a note', () => {
    expect(resultFor('google/gemini-3-pro-image', { size: '1024x1024' })).toStrictEqual({
      size: { width: 1024, height: 1024, resolution: '1K', aspectRatio: '1:1' },
    });
  });

  it('a table size is taken as listed, under its own ratio, even far from that ratio', () => {
    const model = custom({ explicit: 'fixed', fixed: { '1:1': '1024x1024', '3:2': '1100x1024' } });
    expect(resolve(model, { size: '1100x1024' })).toStrictEqual({
      size: { width: 1100, height: 1024, resolution: '1K', aspectRatio: '3:2' },
    });
    const tiered = custom({
      explicit: 'fixed',
      fixed: { '1:1': '1024x1024' },
      fixed_by_resolution: { '2K': { '1:1': '2048x2048', '3:2': '2200x2048' } },
    });
    expect(resolve(tiered, { size: '2200x2048' })).toMatchObject({
      size: { width: 2200, aspectRatio: '3:2' },
    });
  });

  it('a model that normalizes sizes normalizes one of its table’s sizes too, to its tier and ratio', () => {
    const model = custom({ explicit: 'nearest', fixed: { '1:1': '1024x1024', '3:2': '1100x1024' } });
    expect(resolve(model, { size: '1100x1024' })).toStrictEqual({
      size: { width: 1024, height: 1024, resolution: '1K', aspectRatio: '1:1' },
      note: "size '1100x1024' is not one of test/custom's sizes: normalized to 1024x1024",
    });
  });

  it('a model without a ratio list takes its table’s ratios', () => {
    const model = custom({ explicit: 'fixed', fixed: { '1:1': '1024x1024', '3:2': '1536x1024' } });
    expect(resolve(model, { aspect_ratio: '16:9' })).toMatchObject({
      size: { width: 1536, height: 1024, aspectRatio: '3:2' },
    });
  });
});
