import { said } from '../message.ts';
import { encoderOf, type MozJpegOptions } from './codecs.ts';
import type { ImageSpec } from './label.ts';
import { renderRows } from './raster.ts';
import { restripe } from './restripe.ts';

/** Options of `synthesizeJpeg`. */
export interface JpegOptions {
  /** Encoder quality, 0–100 (100: finest quantization). Default 75, the libjpeg and MozJPEG default. */
  quality?: number;
}

/** Quality of JPEGs whose request sets none (models without `output_compression`): the libjpeg default. */
export const DEFAULT_JPEG_QUALITY = 75;

/**
 * Fixed MozJPEG settings: baseline sequential (any decoder, and the fastest MozJPEG mode), 4:4:4
 * chroma at quality 90 and above and 4:2:0 below, as libvips does; MozJPEG's defaults otherwise
 * (its quantization tables, trellis quantization, optimized Huffman tables, which `restripe`
 * replaces by the standard ones).
 *
 * @note `optimize_coding: false` with trellis quantization (always on in this build) writes
 * corrupt files for some inputs (the luma tables are fitted to part of the image only); seen
 * with this build at quality 75, so it stays on.
 */
export function mozJpegOptions(quality: number): MozJpegOptions {
  return {
    quality: Math.max(1, Math.min(100, Math.round(quality))),
    baseline: true,
    arithmetic: false,
    progressive: false,
    optimize_coding: true,
    smoothing: 0,
    color_space: 3, // YCbCr
    quant_table: 3,
    trellis_multipass: false,
    trellis_opt_zero: false,
    trellis_opt_table: false,
    trellis_loops: 1,
    auto_subsample: false,
    chroma_subsample: quality >= 90 ? 1 : 2,
    separate_chroma_quality: false,
    chroma_quality: 75,
  };
}

/**
 * Renders and encodes the placeholder image of `spec` as a baseline JPEG (no alpha: the
 * background is always drawn, whatever `spec.transparent` says). Needs `loadEncoder('jpeg')`.
 *
 * @note MozJPEG encodes only the distinct strips (rows of 8x8 or 16x16 blocks) of the image, as
 * one "sheet"; `restripe` then writes the image with one restart interval per strip, repeating
 * the bytes of repeated strips. The placeholder's bands repeat their rows, so at 1024x1024 about
 * a third of the strips are distinct, and the frame is never built.
 *
 * @example await loadEncoder('jpeg'); const bytes = synthesizeJpeg(spec, { quality: 80 });
 */
export function synthesizeJpeg(spec: ImageSpec, options: JpegOptions = {}): Uint8Array {
  const encoder = encoderOf('jpeg');
  const { width, height, rows, rowAt } = renderRows({ ...spec, transparent: false });
  const settings = mozJpegOptions(options.quality ?? DEFAULT_JPEG_QUALITY);
  const stripHeight = 8 * settings.chroma_subsample;
  const strips = Math.ceil(height / stripHeight);
  // A strip is the ids of its rows; the last is padded with its last row, as libjpeg pads.
  const index = new Map<string, number>();
  const stripOf = new Uint32Array(strips);
  const sheetRows: number[] = [];
  for (let s = 0; s < strips; s++) {
    const ids: number[] = [];
    for (let r = 0; r < stripHeight; r++)
      ids.push(rowAt[Math.min(height - 1, s * stripHeight + r)] as number);
    const key = ids.join(',');
    let at = index.get(key);
    if (at === undefined) {
      at = index.size;
      index.set(key, at);
      sheetRows.push(...ids);
    }
    stripOf[s] = at;
  }
  const rowBytes = width * 4;
  const sheet = new Uint8Array(rowBytes * sheetRows.length);
  sheetRows.forEach((id, y) => {
    sheet.set(rows[id] as Uint8Array, y * rowBytes);
  });
  const bytes = encoder.encode(sheet, width, sheetRows.length, settings);
  if (!(bytes instanceof Uint8Array)) throw new Error(said(`MozJPEG failed: ${String(bytes)}`));
  return restripe(bytes, stripOf, height);
}
