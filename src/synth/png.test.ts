import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { ImageSpec } from './label.ts';
import { encodePng, synthesizePng, writePng } from './png.ts';
import { createRandom } from './random.ts';
import { renderRaster, renderRows } from './raster.ts';

const spec: ImageSpec = {
  width: 320,
  height: 200,
  model: 'openai/gpt-image-1',
  prompt: 'A watercolor painting of a red fox sitting in a snowy forest at dawn',
  seed: 42,
  index: 0,
  transparent: false,
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('synthesizePng', () => {
  it.each([
    [1, 1],
    [17, 33],
    [64, 64],
    [1024, 1024],
    [1536, 1024],
    [1344, 768],
  ])('writes a %ix%i PNG that another decoder reads back', (width, height) => {
    const opaque = decode(synthesizePng({ ...spec, width, height }));
    expect(opaque).toMatchObject({ width, height, depth: 8, channels: 3 });
    expect(opaque.data.length).toBe(width * height * 3);
    const transparent = decode(synthesizePng({ ...spec, width, height, transparent: true }));
    expect(transparent).toMatchObject({ width, height, depth: 8, channels: 4 });
  });

  it('starts with the PNG signature', () => {
    expect(Array.from(synthesizePng(spec).subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('stores exactly the rendered pixels', () => {
    const raster = renderRaster(spec);
    const rgb = decode(synthesizePng(spec)).data;
    const expected = raster.data.filter((_, at) => at % 4 !== 3);
    expect(Buffer.from(rgb).equals(Buffer.from(expected))).toBe(true);
    const rgba = decode(synthesizePng({ ...spec, transparent: true })).data;
    expect(Buffer.from(rgba).equals(Buffer.from(renderRaster({ ...spec, transparent: true }).data))).toBe(
      true,
    );
  });

  it('has transparent corners and an opaque two-colour label when transparent', () => {
    const { width, height, data } = decode(synthesizePng({ ...spec, transparent: true }));
    const alphaAt = (x: number, y: number) => data[(y * width + x) * 4 + 3];
    for (const [x, y] of [
      [0, 0],
      [width - 1, 0],
      [0, height - 1],
      [width - 1, height - 1],
    ] as const) {
      expect(alphaAt(x, y)).toBe(0);
    }
    const opaque = new Set<string>();
    for (let at = 0; at < data.length; at += 4) {
      if (data[at + 3] === 255) opaque.add(`${data[at]},${data[at + 1]},${data[at + 2]}`);
      else expect(data[at + 3]).toBe(0);
    }
    expect(opaque.size).toBe(2);
    expect(alphaAt(width >> 1, height >> 1)).toBe(255);
  });

  it('returns byte-identical files for the same spec', () => {
    expect(sha256(synthesizePng(spec))).toBe(sha256(synthesizePng({ ...spec })));
    const transparent = { ...spec, transparent: true };
    expect(sha256(synthesizePng(transparent))).toBe(sha256(synthesizePng(transparent)));
  });

  it.each<[string, Partial<ImageSpec>]>([
    ['prompt', { prompt: 'A lighthouse on a cliff' }],
    ['index', { index: 1 }],
  ])('returns different pixels for a different %s', (_, change) => {
    const a = decode(synthesizePng(spec)).data;
    const b = decode(synthesizePng({ ...spec, ...change })).data;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('keeps each file intact when the next, larger or smaller, reuses the working buffers', () => {
    const big = { ...spec, width: 1024, height: 1024 };
    const first = synthesizePng(spec);
    const copy = Uint8Array.from(first);
    const larger = synthesizePng(big);
    const smaller = synthesizePng({ ...spec, width: 64, height: 48, prompt: 'small' });

    expect(Buffer.from(first).equals(Buffer.from(copy))).toBe(true);
    expect(decode(first)).toMatchObject({ width: 320, height: 200 });
    expect(decode(larger)).toMatchObject({ width: 1024, height: 1024 });
    expect(decode(smaller)).toMatchObject({ width: 64, height: 48 });
    expect(sha256(synthesizePng(spec))).toBe(sha256(copy));
    // Rows rendered without reuse are the caller's to keep.
    const kept = renderRows(spec);
    const before = sha256(kept.rows[0] as Uint8Array);
    synthesizePng(big);
    expect(sha256(kept.rows[0] as Uint8Array)).toBe(before);
  });

  it('gives pinned bytes: a pure function of the spec, on every machine and Node version', () => {
    // Pure JavaScript deflate, no zlib: a change here changes every user's golden files.
    expect(sha256(synthesizePng(spec))).toBe(
      '3ab7dcb3812f03a1c3d5dc7471a45bdcd98ad939bfa3b18e3830857fc74674b7',
    );
    expect(sha256(synthesizePng({ ...spec, transparent: true }))).toBe(
      '7e4bdc8862522b86ff6a5b88b4f7b55721557f0ab808f531ca95d5f3f3a2aa4b',
    );
  });

  it('is far smaller than the raw pixels, even at 4096x4096', () => {
    const big = synthesizePng({ ...spec, width: 4096, height: 4096 });
    expect(decode(big)).toMatchObject({ width: 4096, height: 4096 });
    expect(big.length).toBeLessThan(200_000);
  });

  it('returns the same bytes in another process', () => {
    const script = [
      `import { createHash } from 'node:crypto';`,
      `import { synthesizePng } from ${JSON.stringify(new URL('./png.ts', import.meta.url).href)};`,
      `const spec = ${JSON.stringify(spec)};`,
      `process.stdout.write(createHash('sha256').update(synthesizePng(spec)).digest('hex'));`,
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
      encoding: 'utf8',
    });
    expect(output).toBe(sha256(synthesizePng(spec)));
  });
});

describe('encodePng', () => {
  it('writes RGBA only when a pixel is not opaque, unless told', () => {
    const opaque = renderRaster(spec);
    expect(decode(encodePng(opaque)).channels).toBe(3);
    expect(decode(encodePng(opaque, { alpha: true })).channels).toBe(4);
    const clear = renderRaster({ ...spec, transparent: true });
    expect(decode(encodePng(clear)).channels).toBe(4);
  });
});

describe('writePng', () => {
  it('writes any raster, also one whose rows are all different', () => {
    const random = createRandom(9);
    const width = 77;
    const height = 51;
    const rows = Array.from({ length: height }, () =>
      Uint8Array.from({ length: width * 4 }, (_, i) =>
        i % 4 === 3 ? 128 + (i % 7) : Math.floor(random() * 256),
      ),
    );
    const rowAt = Uint32Array.from({ length: height }, (_, y) => y);
    const decoded = decode(writePng({ width, height, channels: 4, rows, rowAt }));
    expect(decoded.channels).toBe(4);
    expect(Buffer.from(decoded.data).equals(Buffer.concat(rows))).toBe(true);
  });

  it('needs no frame: the rows of a 4096x4096 image are a few hundred KiB', () => {
    const rows = renderRows({ ...spec, width: 4096, height: 4096 });
    expect(rows.rows.length).toBeLessThan(300);
    expect(decode(writePng(rows)).width).toBe(4096);
  });
});
