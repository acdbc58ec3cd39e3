import { describe, expect, it } from 'vitest';
import type { ImageSpec } from './label.ts';
import { expandRows, MAX_RASTER_PIXELS, type Raster, renderRaster, renderRows } from './raster.ts';

const spec: ImageSpec = {
  width: 512,
  height: 384,
  model: 'openai/gpt-image-1',
  prompt: 'A watercolor painting of a red fox sitting in a snowy forest at dawn',
  seed: 42,
  index: 0,
  transparent: false,
};

const pixel = (raster: Raster, x: number, y: number) =>
  Array.from(raster.data.subarray((y * raster.width + x) * 4, (y * raster.width + x + 1) * 4));

/** The bounding box of the opaque pixels of a transparent raster: the label panel. */
function opaqueBox(raster: Raster) {
  let [left, top, right, bottom] = [raster.width, raster.height, -1, -1];
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      if (raster.data[(y * raster.width + x) * 4 + 3] === 0) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, right, bottom };
}

function colours(raster: Raster, box: ReturnType<typeof opaqueBox>): Map<string, number> {
  const counts = new Map<string, number>();
  for (let y = box.top; y <= box.bottom; y++) {
    for (let x = box.left; x <= box.right; x++) {
      const key = pixel(raster, x, y).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe('renderRaster', () => {
  it.each([
    [1, 1],
    [2, 1],
    [1, 4096],
    [4096, 1],
    [17, 33],
    [64, 64],
    [1536, 1024],
  ])('renders %ix%i as RGBA without throwing', (width, height) => {
    for (const transparent of [false, true]) {
      const raster = renderRaster({ ...spec, width, height, transparent });
      expect(raster).toMatchObject({ width, height, channels: 4 });
      expect(raster.data.length).toBe(width * height * 4);
    }
  });

  it('is opaque everywhere unless transparent', () => {
    const raster = renderRaster(spec);
    for (let at = 3; at < raster.data.length; at += 4)
      if (raster.data[at] !== 255) expect.fail(`alpha at ${at}`);
  });

  it('when transparent, clears the background and keeps one opaque label panel of ink and paper', () => {
    const raster = renderRaster({ ...spec, transparent: true });
    for (const [x, y] of [
      [0, 0],
      [spec.width - 1, 0],
      [0, spec.height - 1],
      [spec.width - 1, spec.height - 1],
    ] as const) {
      expect(pixel(raster, x, y)).toEqual([0, 0, 0, 0]);
    }
    const box = opaqueBox(raster);
    // Centred, and every pixel inside the panel's box is opaque: one solid rectangle.
    expect(box.left).toBeGreaterThan(0);
    expect(box.top).toBeGreaterThan(0);
    expect(box.left + box.right).toBeCloseTo(spec.width - 1, -1);
    expect(box.top + box.bottom).toBeCloseTo(spec.height - 1, -1);
    const counts = colours(raster, box);
    for (const key of counts.keys()) expect(key.endsWith(',255')).toBe(true);
    expect(counts.size).toBe(2);
    // Mostly paper, with enough ink for five lines of text.
    const [paper, ink] = [...counts.values()].sort((a, b) => b - a);
    expect(ink).toBeGreaterThan(500);
    expect(paper).toBeGreaterThan(ink ?? 0);
  });

  it('draws the same label whether or not the background is transparent', () => {
    const clear = renderRaster({ ...spec, transparent: true });
    const solid = renderRaster(spec);
    const box = opaqueBox(clear);
    expect(colours(solid, box)).toEqual(colours(clear, box));
  });

  it('fits the label into a small image: scale 1, start of each line kept, the rest clipped', () => {
    const raster = renderRaster({ ...spec, width: 64, height: 64, transparent: true });
    const box = opaqueBox(raster);
    expect(box).toMatchObject({ left: 0, right: 63 });
    expect(box.bottom - box.top + 1).toBe(5 * 9 - 2 + 2 * 3);
    expect(colours(raster, box).size).toBe(2);
  });

  it('is a function of the spec', () => {
    expect(renderRaster(spec).data).toEqual(renderRaster({ ...spec }).data);
  });

  it.each<[string, Partial<ImageSpec>]>([
    ['prompt', { prompt: 'A lighthouse on a cliff' }],
    ['index', { index: 1 }],
    ['seed', { seed: 43 }],
    ['model', { model: 'black-forest-labs/flux.2-pro' }],
  ])('changes with the %s', (_, change) => {
    const a = renderRaster(spec);
    const b = renderRaster({ ...spec, ...change });
    expect(b.data).not.toEqual(a.data);
    // The background colour itself changes, not only the label text.
    const distance = Math.hypot(...pixel(a, 0, 0).map((value, i) => value - (pixel(b, 0, 0)[i] ?? 0)));
    expect(distance).toBeGreaterThan(40);
  });

  it('gives each image of a response its own background colour', () => {
    const corners = Array.from({ length: 10 }, (_, index) =>
      pixel(renderRaster({ ...spec, width: 8, height: 8, index }), 0, 0).join(','),
    );
    expect(new Set(corners).size).toBe(10);
  });

  it('survives any prompt', () => {
    for (const prompt of [
      '',
      ' \n\t ',
      'emoji 🦊 and ümlauts',
      'x'.repeat(1_000_000),
      `a\n${'word '.repeat(50)}`,
    ]) {
      expect(() => renderRaster({ ...spec, prompt })).not.toThrow();
    }
    for (const index of [-1, 2 ** 40, Number.NaN])
      expect(() => renderRaster({ ...spec, index })).not.toThrow();
  });

  it.each([
    [0, 10],
    [10, 0],
    [-1, 10],
    [1.5, 10],
    [10, Number.NaN],
    [Number.POSITIVE_INFINITY, 1],
    [40_000, 40_000],
    [4097, 4096],
    [MAX_RASTER_PIXELS + 1, 1],
  ])('refuses %sx%s before allocating', (width, height) => {
    // A RangeError from the allocator would fail the message check: ours must come first.
    expect(() => renderRaster({ ...spec, width, height })).toThrow(/^\[openrouter-images-mock\] raster /);
  });
});

/** Distinct RGBA colours of a raster. */
function palette(raster: Raster): number {
  const seen = new Set<number>();
  const view = new DataView(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  for (let at = 0; at < raster.data.length; at += 4) seen.add(view.getUint32(at));
  return seen.size;
}

/** Pixels of the label's ink colour (the darkest of the panel's two). */
function inkPixels(raster: Raster): number {
  const box = opaqueBox(
    renderRaster({ ...spec, width: raster.width, height: raster.height, transparent: true }),
  );
  const counts = [...colours(raster, box).entries()].sort((a, b) => a[1] - b[1]);
  return counts.length > 1 ? (counts[0]?.[1] ?? 0) : 0;
}

describe('renderRows', () => {
  it('is renderRaster without the frame: same pixels, a bounded number of distinct rows', () => {
    for (const change of [
      {},
      { transparent: true },
      { width: 4096, height: 4096 },
      { width: 1, height: 4096 },
    ]) {
      const rows = renderRows({ ...spec, ...change });
      const expected = Buffer.from(renderRaster({ ...spec, ...change }).data);
      expect(Buffer.from(expandRows(rows).data).equals(expected)).toBe(true);
      // Bands times (outside, paper, 5 lines of 7 glyph rows): never more, whatever the size.
      expect(rows.rows.length).toBeLessThanOrEqual(6 * 37);
    }
  });
});

describe('detail (the request quality)', () => {
  it('low draws fewer colours than medium, medium fewer than high; the label stays', () => {
    const [low, medium, high] = (['low', 'medium', 'high'] as const).map((detail) =>
      renderRaster({ ...spec, detail }),
    );
    expect(palette(low as Raster)).toBeLessThan(palette(medium as Raster));
    expect(palette(medium as Raster)).toBeLessThan(palette(high as Raster));
    expect(renderRaster({ ...spec, detail: 'high' }).data).toEqual(renderRaster(spec).data);
    const box = opaqueBox(renderRaster({ ...spec, transparent: true }));
    expect(colours(low as Raster, box)).toEqual(colours(high as Raster, box));
  });
});

describe('stage (partial previews)', () => {
  it('has the final size and looks less finished the earlier it is', () => {
    const final = renderRaster(spec);
    const partials = [0, 1, 2].map((step) => renderRaster({ ...spec, stage: { step, of: 3 } }));
    for (const partial of partials) {
      expect(partial).toMatchObject({ width: spec.width, height: spec.height });
      expect(partial.data).not.toEqual(final.data);
    }
    const ink = partials.map(inkPixels);
    expect(ink[0]).toBeLessThan(ink[1] ?? 0);
    expect(ink[1]).toBeLessThan(ink[2] ?? 0);
    expect(ink[2]).toBeLessThan(inkPixels(final));
    const colourCounts = partials.map(palette);
    expect(colourCounts[0]).toBeLessThan(colourCounts[1] ?? 0);
    expect(colourCounts[1]).toBeLessThan(colourCounts[2] ?? 0);
    expect(colourCounts[2]).toBeLessThan(palette(final));
  });

  it('is deterministic and refuses a stage that is not a step of it', () => {
    const stage = { step: 1, of: 2 };
    expect(renderRaster({ ...spec, stage }).data).toEqual(
      renderRaster({ ...spec, stage: { ...stage } }).data,
    );
    for (const bad of [
      { step: 2, of: 2 },
      { step: -1, of: 2 },
      { step: 0.5, of: 2 },
      { step: 0, of: 0 },
    ]) {
      expect(() => renderRaster({ ...spec, stage: bad })).toThrow(/^\[openrouter-images-mock\] stage /);
    }
  });
});
