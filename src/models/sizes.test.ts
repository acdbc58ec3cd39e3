import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, RESOLUTIONS } from '../contract/enums.ts';
import { invalidRequest } from '../contract/errors.ts';
import type { AspectRatio, Resolution } from '../contract/types.ts';
import { Catalog } from './catalog.ts';
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
