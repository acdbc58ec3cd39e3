import type { ImageStreamEvent } from '../contract/types.ts';
import type { GenerationPlan } from '../models/plan.ts';
import { usageFor } from '../models/usage.ts';
import { toBase64 } from './base64.ts';
import { synthesizeImage } from './images.ts';

export interface StreamOptions {
  /** Partial images sent before each completed raster image. Default 2. */
  partialImages: number;
  /** Checks each event before it is sent; throws on a contract break (a mock bug). */
  check?: (event: ImageStreamEvent) => void;
}

/**
 * The events of a streamed answer, produced lazily: for each image, its partial previews (or, for
 * svg, its markup in `text_chunk` pieces), then `image_generation.completed`; `usage` rides on the
 * last completed event. The caller frames them and appends `[DONE]`.
 */
export function* streamEvents(
  plan: GenerationPlan,
  created: number,
  options: StreamOptions,
): Generator<ImageStreamEvent> {
  for (let index = 0; index < plan.n; index++) {
    const image = synthesizeImage(plan, index);
    if (plan.format === 'svg') {
      const markup = new TextDecoder().decode(image.bytes);
      const piece = Math.max(64, Math.ceil(markup.length / 4));
      for (let at = 0; at < markup.length; at += piece) {
        yield { type: 'image_generation.text_chunk', phase: 'content', text: markup.slice(at, at + piece) };
      }
    } else {
      for (let k = 0; k < options.partialImages; k++) {
        // A partial is a preview at the final size; this version sends the finished pixels.
        yield {
          type: 'image_generation.partial_image',
          partial_image_index: k,
          b64_json: toBase64(image.bytes),
        };
      }
    }
    const completed: ImageStreamEvent = {
      type: 'image_generation.completed',
      b64_json: toBase64(image.bytes),
      created,
      media_type: image.mediaType,
    };
    if (index === plan.n - 1) completed.usage = usageFor(plan, plan.n);
    yield completed;
  }
}
