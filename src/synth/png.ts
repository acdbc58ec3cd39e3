import { type PackerOptions, PNG } from 'pngjs';
import type { ImageSpec } from './label.ts';
import { type Raster, renderRaster } from './raster.ts';

/** Options of `encodePng`. */
export interface EncodePngOptions {
  /**
   * Write an alpha channel (colour type 6, RGBA) instead of RGB (colour type 2).
   * Defaults to whether any pixel of the raster is not fully opaque.
   */
  alpha?: boolean;
}

/**
 * Fast settings, measured: zlib level 1 with the default strategy (pngjs's own default strategy is
 * run-length only, which makes huge files at level 1), and one fixed filter instead of trying all
 * five per row. `Up` turns the repeated rows of our backgrounds into zeros.
 */
const PACKER_OPTIONS = { deflateLevel: 1, deflateStrategy: 0, filterType: 2, bitDepth: 8 } as const;

/**
 * Encodes an RGBA raster as a PNG file, RGBA or RGB.
 *
 * @example const png = encodePng(renderRaster(spec), { alpha: spec.transparent });
 */
export function encodePng(raster: Raster, options: EncodePngOptions = {}): Uint8Array {
  const alpha = options.alpha ?? hasTransparency(raster);
  const data = alpha ? raster.data : dropAlpha(raster.data);
  const packer: PackerOptions = {
    ...PACKER_OPTIONS,
    colorType: alpha ? 6 : 2,
    inputColorType: alpha ? 6 : 2,
    inputHasAlpha: alpha,
  };
  // pngjs reads only width, height, data and gamma, and indexes data like any Uint8Array; a real
  // PNG object would allocate a second pixel buffer, and Buffer is not a global in browsers.
  const image = { width: raster.width, height: raster.height, data, gamma: 0 };
  return PNG.sync.write(image as unknown as PNG, packer);
}

/**
 * Renders and encodes the placeholder image of `spec`: RGBA when `spec.transparent`, else RGB.
 *
 * @note The pixels depend only on the spec. The file bytes also depend on the zlib that Node
 * bundles (its version and, with SIMD hashing, possibly the CPU): identical across runs and
 * processes of one Node build; compare decoded pixels, not files, across machines.
 *
 * @example const bytes = synthesizePng({ width: 1024, height: 1024, model: 'openai/gpt-image-1',
 *   prompt: 'a red fox', seed: 42, index: 0, transparent: false });
 */
export function synthesizePng(spec: ImageSpec): Uint8Array {
  return encodePng(renderRaster(spec), { alpha: spec.transparent });
}

function hasTransparency(raster: Raster): boolean {
  const { data } = raster;
  for (let at = 3; at < data.length; at += 4) if (data[at] !== 255) return true;
  return false;
}

/**
 * RGBA to RGB. pngjs can convert itself, but it builds an object per pixel and blends each one
 * with a background colour: several times slower than this loop.
 */
function dropAlpha(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let from = 0, to = 0; from < rgba.length; from += 4, to += 3) {
    rgb[to] = rgba[from] as number;
    rgb[to + 1] = rgba[from + 1] as number;
    rgb[to + 2] = rgba[from + 2] as number;
  }
  return rgb;
}
