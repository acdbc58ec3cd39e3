import { decode } from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { encoderOf, loadEncoder } from './codecs.ts';
import { mozJpegOptions, synthesizeJpeg } from './jpeg.ts';
import { renderRaster } from './raster.ts';
import { restripe } from './restripe.ts';

const spec = {
  width: 320,
  height: 200,
  model: 'openai/gpt-image-1',
  prompt: 'A watercolor painting of a red fox sitting in a snowy forest at dawn',
  seed: 42,
  index: 0,
  transparent: false,
};

beforeAll(() => loadEncoder('jpeg'));

function sheetJpeg(rgba: Uint8Array, width: number, height: number, subsample: 1 | 2) {
  // The production settings at quality 75, with the subsampling under test.
  return encoderOf('jpeg').encode(rgba, width, height, {
    ...mozJpegOptions(75),
    chroma_subsample: subsample,
  }) as Uint8Array;
}

describe('restripe', () => {
  it.each([1, 2] as const)(
    'keeps every coefficient: strips in sheet order decode to the same pixels (%i)',
    (sub) => {
      const raster = renderRaster({ ...spec, height: 8 * sub * 5 });
      const sheet = sheetJpeg(raster.data, raster.width, raster.height, sub);
      const same = restripe(sheet, Uint32Array.of(0, 1, 2, 3, 4), raster.height);
      expect(decode(same, { useTArray: true }).data).toEqual(decode(sheet, { useTArray: true }).data);
    },
  );

  it('repeats and reorders strips: each output strip decodes as its sheet strip', () => {
    const raster = renderRaster({ ...spec, height: 48 });
    const sheet = sheetJpeg(raster.data, raster.width, 48, 2);
    const order = Uint32Array.of(2, 0, 0, 1, 2, 2, 1, 0, 1, 1);
    const height = order.length * 16 - 5; // the last strip cut short, as a real image may end
    const out = decode(restripe(sheet, order, height), { useTArray: true });
    const source = decode(sheet, { useTArray: true }).data;
    expect([out.width, out.height]).toEqual([320, height]);
    const stripBytes = 320 * 16 * 4;
    order.forEach((from, s) => {
      const got = out.data.subarray(s * stripBytes, Math.min(out.data.length, (s + 1) * stripBytes));
      expect(
        Buffer.from(got).equals(
          Buffer.from(source.subarray(from * stripBytes, from * stripBytes + got.length)),
        ),
      ).toBe(true);
    });
  });

  it('refuses what it cannot restripe, naming why', () => {
    expect(() => restripe(Uint8Array.of(1, 2, 3), Uint32Array.of(0), 8)).toThrow(/restripe: not a JPEG/);
  });
});

describe('synthesizeJpeg', () => {
  it.each([1, 40, 75, 90, 100])('quality %i decodes close to the rendered pixels', (quality) => {
    for (const size of [
      [320, 200],
      [17, 33],
      [1000, 600],
    ] as const) {
      const [width, height] = size;
      const decoded = decode(synthesizeJpeg({ ...spec, width, height }, { quality }), { useTArray: true });
      const expected = renderRaster({ ...spec, width, height }).data;
      let error = 0;
      for (let i = 0; i < expected.length; i++)
        if (i % 4 !== 3) error += Math.abs((expected[i] ?? 0) - (decoded.data[i] ?? 0));
      const mean = error / (width * height * 3);
      // Tiny images are mostly label edges; quality 1 is mostly blocks: both stay recognisable.
      const limit = width < 100 ? (quality < 40 ? 60 : 25) : quality < 40 ? 40 : quality < 75 ? 8 : 4;
      expect(mean, `${width}x${height}`).toBeLessThan(limit);
    }
  });
});
