import { said } from '../message.ts';
import { encoderOf, type WebpOptions } from './codecs.ts';
import type { ImageSpec } from './label.ts';
import { renderRaster } from './raster.ts';

/** Options of `synthesizeWebp`. */
export interface WebpEncodeOptions {
  /** Lossless (VP8L) instead of lossy (VP8). */
  lossless: boolean;
  /** Lossy quality, 0–100 (100: finest). Ignored when lossless. Default 75. */
  quality?: number;
}

/**
 * libwebp's defaults (cwebp's), with method 0, the fastest, for both modes: the placeholder is
 * smooth gradients and flat text, so slower methods buy bytes nobody needs. Alpha, when there is
 * any, is always lossless, so transparent pixels stay exactly transparent in lossy files too.
 */
export function webpOptions(options: WebpEncodeOptions): WebpOptions {
  return {
    quality: options.lossless ? 100 : Math.max(0, Math.min(100, options.quality ?? 75)),
    target_size: 0,
    target_PSNR: 0,
    method: 0,
    sns_strength: 50,
    filter_strength: 60,
    filter_sharpness: 0,
    filter_type: 1,
    partitions: 0,
    segments: 4,
    pass: 1,
    show_compressed: 0,
    preprocessing: 0,
    autofilter: 0,
    partition_limit: 0,
    alpha_compression: 1,
    alpha_filtering: 1,
    alpha_quality: 100,
    lossless: options.lossless ? 1 : 0,
    exact: 0,
    image_hint: 0,
    emulate_jpeg_size: 0,
    thread_level: 0,
    low_memory: 0,
    near_lossless: 100,
    use_delta_palette: 0,
    use_sharp_yuv: 0,
  };
}

/**
 * Renders and encodes the placeholder image of `spec` as WebP, lossy or lossless; with an alpha
 * channel only when `spec.transparent`. Needs `loadEncoder('webp')`.
 *
 * @example await loadEncoder('webp'); const bytes = synthesizeWebp(spec, { lossless: true });
 */
export function synthesizeWebp(spec: ImageSpec, options: WebpEncodeOptions): Uint8Array {
  const encoder = encoderOf('webp');
  const raster = renderRaster(spec);
  const bytes = encoder.encode(raster.data, raster.width, raster.height, webpOptions(options));
  if (!bytes) throw new Error(said(`libwebp failed to encode ${raster.width}x${raster.height}`));
  return bytes;
}
