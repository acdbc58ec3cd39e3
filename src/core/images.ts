import { MEDIA_TYPES } from '../contract/enums.ts';
import { ImagesApiError } from '../contract/errors.ts';
import type { GenerationPlan } from '../models/plan.ts';
import { synthesizePng } from '../synth/png.ts';
import { synthesizeSvg } from '../synth/svg.ts';

/** One synthesized image: its bytes and the media type the answer reports. */
export interface SynthesizedImage {
  bytes: Uint8Array;
  mediaType: string;
}

/** Formats this version synthesizes; others are refused honestly rather than mislabelled. */
const SYNTHESIZED = new Set(['png', 'svg']);

/** Throws a 400 naming the gap when the plan asks for a format the mock cannot encode yet. */
export function assertSynthesizable(plan: GenerationPlan): void {
  if (!SYNTHESIZED.has(plan.format)) {
    const message = `output_format '${plan.format}' is not implemented by this version of openrouter-images-mock; use png or svg`;
    throw new ImagesApiError(400, message, {
      violations: [{ pointer: '/output_format', rule: 'mock-not-implemented', message, actual: plan.format }],
    });
  }
}

const encoder = new TextEncoder();

/** Image `index` of a plan: a deterministic function of (model, prompt, seed, index, size, format). */
export function synthesizeImage(plan: GenerationPlan, index: number): SynthesizedImage {
  const spec = {
    width: plan.width,
    height: plan.height,
    model: plan.model.id,
    prompt: plan.prompt,
    seed: plan.seed,
    index,
    transparent: plan.transparent,
  };
  const bytes = plan.format === 'svg' ? encoder.encode(synthesizeSvg(spec)) : synthesizePng(spec);
  return { bytes, mediaType: MEDIA_TYPES[plan.format] };
}
