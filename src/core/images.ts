import { MEDIA_TYPES } from '../contract/media-types.ts';
import { toBase64 } from '../http/base64.ts';
import type { GenerationPlan } from '../models/plan.ts';
import { redactText } from '../secrets/redact.ts';
import { loadEncoder } from '../synth/codecs.ts';
import { DEFAULT_JPEG_QUALITY, synthesizeJpeg } from '../synth/jpeg.ts';
import type { ImageSpec, Stage } from '../synth/label.ts';
import { synthesizePng } from '../synth/png.ts';
import { synthesizeSvg } from '../synth/svg.ts';
import { synthesizeWebp } from '../synth/webp.ts';

/** One synthesized image: its bytes (shared, read-only) and the media type the answer reports. */
export interface SynthesizedImage {
  bytes: Uint8Array;
  mediaType: string;
}

export type { Stage } from '../synth/label.ts';

/**
 * Everything `synthesizeImage` needs before it can run synchronously: the WebAssembly encoder of
 * jpeg or webp, loaded once per process on first use.
 *
 * @example await prepareSynthesis(plan); const image = synthesizeImage(plan, 0);
 */
export async function prepareSynthesis(plan: GenerationPlan): Promise<void> {
  if (plan.format === 'jpeg' || plan.format === 'webp') await loadEncoder(plan.format);
}

/**
 * How `output_compression` (OpenAI's meaning: 0–100, 100 the least compression) maps to the
 * encoders: JPEG quality = output_compression (MozJPEG clamps 0 to 1); WebP at 100 is lossless,
 * below 100 lossy with quality = output_compression. Models without the knob get JPEG quality
 * 75 (the libjpeg and MozJPEG default) and lossless WebP.
 */
export function encodingFor(plan: Pick<GenerationPlan, 'format' | 'compression'>): {
  quality: number;
  lossless: boolean;
} {
  const compression = plan.compression;
  if (plan.format === 'webp') return { quality: compression ?? 100, lossless: (compression ?? 100) >= 100 };
  return { quality: compression ?? DEFAULT_JPEG_QUALITY, lossless: false };
}

/**
 * Image `index` of a plan: a deterministic function of (model, prompt, seed, index, size, format,
 * background, quality, output_compression), byte-identical on every run and machine. With
 * `stage`, a partial preview of that image: same size and format, less finished (see `Stage`).
 * jpeg and webp need `prepareSynthesis(plan)` first.
 *
 * @example const image = synthesizeImage(plan, 0); // the finished first image
 * @example const preview = synthesizeImage(plan, 0, { step: 0, of: 2 }); // its first partial
 */
export function synthesizeImage(
  plan: GenerationPlan,
  index: number,
  stage?: Stage,
  look: Pick<ImageSpec, 'hue'> = {},
): SynthesizedImage {
  const spec = { ...imageSpec(plan, index, stage), ...look };
  const encoding = encodingFor(plan);
  const key = cacheKey(spec, plan.format, encoding.quality);
  const cached = key === undefined ? undefined : cache.get(key);
  if (cached) {
    // Most recently used last.
    cache.delete(key as string);
    cache.set(key as string, cached);
    return { bytes: cached, mediaType: MEDIA_TYPES[plan.format] };
  }
  let bytes: Uint8Array;
  switch (plan.format) {
    case 'svg':
      bytes = textEncoder.encode(synthesizeSvg(spec));
      break;
    case 'jpeg':
      bytes = synthesizeJpeg(spec, { quality: encoding.quality });
      break;
    case 'webp':
      bytes = synthesizeWebp(spec, encoding);
      break;
    default:
      bytes = synthesizePng(spec);
  }
  if (key !== undefined) remember(key, bytes);
  return { bytes, mediaType: MEDIA_TYPES[plan.format] };
}

/** What image `index` of a plan depends on, as the synthesizers take it. */
export function imageSpec(plan: GenerationPlan, index: number, stage?: Stage): ImageSpec {
  return {
    width: plan.width,
    height: plan.height,
    model: plan.model.id,
    // The label prints the prompt: a key typed into it is not drawn (SVG answers carry it as text).
    prompt: redactText(plan.prompt),
    seed: plan.seed,
    index,
    transparent: plan.transparent,
    detail: plan.quality,
    stage,
  };
}

const textEncoder = new TextEncoder();

/**
 * A per-process LRU of finished files, by everything they depend on: test suites repeat the same
 * request. Bounded by total bytes; long prompts are not cached (their key would be large). A
 * cached image also keeps its base64 text alive (about 4/3 its size, in the V8 heap).
 *
 * A file is cached the second time it is asked for, not the first: a stream of requests that
 * never repeat (a load test, a demo with `seed: 'random'`) would otherwise churn the whole cache,
 * every evicted file having outlived the young generation and so costing RSS. The size and the
 * RSS measured with and without the rule: docs/decisions/0004 ("The heap settings of `serve`
 * and the synthesis cache").
 */
/** Hundreds of typical answers (ADR 0004 has the arithmetic). */
const CACHE_BYTES = 8 * 1024 * 1024;
const CACHE_MAX_PROMPT = 2048;
const cache = new Map<string, Uint8Array>();
let cachedBytes = 0;
/** Keys asked for once and not cached yet, oldest first; bounded (a key is at most ~2 KB). */
const SEEN_MAX = 2048;
const seen = new Set<string>();
/** Files that have been in the cache, and their base64 text, made once per file. */
const cachedFiles = new WeakSet<Uint8Array>();
const base64Memo = new WeakMap<Uint8Array, string>();

/** `bytes` (an image from `synthesizeImage`) in base64; encoded once for a cached image. */
export function imageBase64(bytes: Uint8Array): string {
  const memo = base64Memo.get(bytes);
  if (memo !== undefined) return memo;
  const text = toBase64(bytes);
  if (cachedFiles.has(bytes)) base64Memo.set(bytes, text);
  return text;
}

function cacheKey(spec: ImageSpec, format: string, quality: number): string | undefined {
  if (spec.prompt.length > CACHE_MAX_PROMPT) return undefined;
  const stage = spec.stage ? `${spec.stage.step}/${spec.stage.of}` : '';
  return JSON.stringify([
    spec.model,
    spec.prompt,
    spec.seed,
    spec.index,
    spec.width,
    spec.height,
    format,
    spec.transparent,
    spec.detail ?? '',
    spec.hue ?? '',
    quality,
    stage,
  ]);
}

function remember(key: string, bytes: Uint8Array): void {
  if (bytes.length > CACHE_BYTES / 4) return;
  if (!seen.delete(key)) {
    seen.add(key);
    if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value as string);
    return;
  }
  cache.set(key, bytes);
  cachedFiles.add(bytes);
  cachedBytes += bytes.length;
  for (const [oldest, value] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(oldest);
    cachedBytes -= value.length;
  }
}
