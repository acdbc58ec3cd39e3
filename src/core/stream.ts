import { MEDIA_TYPES } from '../contract/media-types.ts';
import type { ImageGenerationUsage, ImageStreamEvent } from '../contract/types.ts';
import type { MockAnswer } from '../http/answer.ts';
import type { GenerationPlan } from '../models/plan.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import { DroppedConnection, dropConnection } from './drop.ts';
import { imageBase64, type SynthesizedImage } from './images.ts';
import { sseAnswer, sseFrame } from './respond.ts';
import { sleep } from './sleep.ts';

export interface StreamOptions {
  plan: GenerationPlan;
  /** Headers of the answer beside the SSE ones (rate limits, the generic-model marker). */
  headers?: Record<string, string>;
  /** Images to send (at most `plan.n`; fewer in the `fewer-images` scenario). */
  count: number;
  created: number;
  scenario: Scenario;
  /** Partial images before each completed raster image. */
  partialImages: number;
  /** The usage the last completed event carries. */
  usage: ImageGenerationUsage;
  /** Image `index` of the answer (synthesized, or given by a test). */
  imageAt: (index: number) => SynthesizedImage;
  /** Partial preview `step` of `of` of image `index`: the final size, less finished. */
  partialAt: (index: number, step: number, of: number) => SynthesizedImage;
  /** Checks each event before it is sent; throws on a contract break (a mock bug). */
  check: (event: ImageStreamEvent) => ImageStreamEvent;
  /** Called once, when the last completed event (the one with usage) is sent. */
  onUsage: () => void;
  /** Called when the stream is cut (`stream-drop`), with the number of events sent before. */
  onDrop?: (events: number) => void;
  /** Called with each image once its completed event is sent. */
  onImage?: (index: number, image: SynthesizedImage) => void;
}

/**
 * The events of a streamed answer, produced lazily: for each image its partial previews (for svg,
 * its markup in `text_chunk` pieces), then `image_generation.completed`; `usage` rides on the last
 * completed event.
 */
function* streamEvents(options: StreamOptions): Generator<ImageStreamEvent> {
  const { count, created } = options;
  for (let index = 0; index < count; index++) {
    const image = options.imageAt(index);
    if (image.mediaType === MEDIA_TYPES.svg) {
      const markup = new TextDecoder().decode(image.bytes);
      const piece = Math.max(64, Math.ceil(markup.length / 4));
      for (let at = 0; at < markup.length; at += piece) {
        yield { type: 'image_generation.text_chunk', phase: 'content', text: markup.slice(at, at + piece) };
      }
    } else {
      for (let k = 0; k < options.partialImages; k++) {
        const partial = options.partialAt(index, k, options.partialImages);
        yield {
          type: 'image_generation.partial_image',
          partial_image_index: k,
          b64_json: imageBase64(partial.bytes),
        };
      }
    }
    const completed: ImageStreamEvent = {
      type: 'image_generation.completed',
      b64_json: imageBase64(image.bytes),
      created,
      media_type: image.mediaType,
    };
    if (index === count - 1) completed.usage = options.usage;
    yield completed;
    // The consumer asks for the next event only once it has sent this one: the image was answered.
    options.onImage?.(index, image);
  }
}

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

// Where it was defined first; kept for the modules that import it from here.
export { DroppedConnection };

/** The byte chunks of the stream: events framed, paced and faulted as the scenario says. */
async function* streamChunks(options: StreamOptions, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const { scenario } = options;
  const interval = scenario.interval ?? 0;
  let sent = 0;
  let merged: Uint8Array[] = [];
  const flushMerged = function* () {
    if (merged.length > 0) yield concat(merged);
    merged = [];
  };
  const emit = function* (frame: Uint8Array) {
    if (scenario.framing === 'merged') {
      merged.push(frame);
      if (merged.length >= 3) yield* flushMerged();
    } else if (scenario.framing === 'split') {
      // Cut inside the `data:` prefix, mid-payload and before the blank line.
      const cuts = [3, Math.floor(frame.length / 2), frame.length - 1].filter(
        (c, i, all) => c > (all[i - 1] ?? 0),
      );
      let from = 0;
      for (const cut of [...cuts, frame.length]) {
        if (cut > from) yield frame.subarray(from, cut);
        from = cut;
      }
    } else {
      yield frame;
    }
  };

  // The fault due after `sent` events, if any: the drop first when both are.
  const due = (sent: number) =>
    scenario.dropAfter !== undefined && sent >= scenario.dropAfter
      ? 'drop'
      : scenario.streamErrorAfter !== undefined && sent >= scenario.streamErrorAfter
        ? 'error'
        : undefined;
  const fault = async function* (kind: 'drop' | 'error') {
    yield* flushMerged();
    if (kind === 'drop') {
      options.onDrop?.(sent);
      return yield* dropConnection('connection dropped mid-stream (stream-drop scenario)');
    }
    const error: ImageStreamEvent = {
      type: 'error',
      error: {
        message: 'The provider returned an error mid-stream',
        code: 'upstream_error',
        param: null,
        type: 'provider_error',
      },
    };
    yield* emit(sseFrame(options.check(error)));
    yield* flushMerged();
  };

  // The fault is looked for before the next event is made, so no image is made only to be dropped.
  const events = streamEvents(options);
  for (;;) {
    const kind = due(sent);
    if (kind) {
      yield* fault(kind);
      return;
    }
    const next = events.next();
    if (next.done) break;
    const event = next.value;
    if (sent > 0 && interval > 0) {
      yield* flushMerged();
      await sleep(interval, signal);
    }
    if (scenario.keepAlive) yield* emit(KEEP_ALIVE);
    if (event.type === 'image_generation.completed' && event.usage) options.onUsage();
    yield* emit(sseFrame(options.check(event)));
    sent++;
  }
  // `after` at or beyond the events the answer has: every event went out, and the fault takes the
  // place of `[DONE]`, so a stream fault always shows.
  if (scenario.dropAfter !== undefined || scenario.streamErrorAfter !== undefined) {
    yield* fault(scenario.dropAfter !== undefined ? 'drop' : 'error');
    return;
  }
  yield* emit(sseFrame('[DONE]'));
  yield* flushMerged();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A `text/event-stream` answer. Frames are produced only when the reader pulls; when the client
 * goes away (the body is cancelled) the pending timer is cleared and generation stops at once.
 */
export function streamAnswer(options: StreamOptions): MockAnswer {
  const abort = new AbortController();
  return sseAnswer(streamChunks(options, abort.signal), () => abort.abort(), options.headers);
}
