// Images a test or a control call gives instead of synthesized ones, and the checks they share:
// `respondWith` (src/testing) and the control API (src/core/control) run the same code.
import { MEDIA_TYPES, sniffFormat } from '../contract/media-types.ts';
import type { ImageGenerationUsage, OutputFormat } from '../contract/types.ts';
import { validateSchema } from '../contract/validators.ts';
import type { Violation } from '../contract/violations.ts';
import type { GenerationPlan } from '../models/plan.ts';
import type { ProvidedImage } from '../scenarios/scenario.ts';
import { prepareSynthesis, synthesizeImage } from './images.ts';

/** Synthesis options for an image a test wants: size, format and the label drawn on it. */
export interface SynthesizedImageOptions {
  width: number;
  height: number;
  /** @default 'png' */
  format?: OutputFormat;
  /** Text drawn on the image (the label's prompt line). @default '' */
  label?: string;
  /** Seed of the colours. @default 0 */
  seed?: number;
  /** Transparent background (png, webp). @default false */
  transparent?: boolean;
  /** The main colour, as CSS hex (`#e63946`, `#f00`); its hue tints the picture. @default from the label */
  color?: string;
}

/** The media type of image bytes, from their signature (see `sniffFormat`). */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const format = sniffFormat(bytes);
  return format && MEDIA_TYPES[format];
}

/** Hue in degrees of a CSS hex colour, or undefined when it is not one. */
export function hueOf(color: string): number | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (delta === 0) return 0;
  const hue = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return (hue * 60 + 360) % 360;
}

function planFor(options: SynthesizedImageOptions): GenerationPlan {
  return {
    model: { id: 'respondWith' },
    prompt: options.label ?? '',
    width: options.width,
    height: options.height,
    format: options.format ?? 'png',
    transparent: options.transparent ?? false,
    seed: options.seed ?? 0,
    quality: undefined,
    compression: undefined,
  } as unknown as GenerationPlan;
}

/** Image `index` drawn from synthesis options (the colour must be valid: see `hueOf`). */
export async function synthesizedImage(
  options: SynthesizedImageOptions,
  index: number,
): Promise<ProvidedImage> {
  const plan = planFor(options);
  const hue = options.color === undefined ? undefined : hueOf(options.color);
  await prepareSynthesis(plan);
  return synthesizeImage(plan, index, undefined, hue === undefined ? {} : { hue });
}

/**
 * How an answer with this `usage` and `created` would break the contract. The images are real (or
 * the mock's own); what a caller can break is the rest of the answer.
 */
export function answerViolations(spec: {
  usage?: Partial<ImageGenerationUsage>;
  created?: number;
}): Violation[] {
  const sample = {
    created: spec.created ?? 0,
    data: [],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...spec.usage },
  };
  return validateSchema('ImageGenerationResponse', sample);
}
