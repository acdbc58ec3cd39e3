/** What a synthesized image depends on; the same spec always gives the same pixels or markup. */
export interface ImageSpec {
  /** Pixel width, a positive integer. */
  width: number;
  /** Pixel height, a positive integer. */
  height: number;
  /** Model id, printed on the label and mixed into the colours. */
  model: string;
  /** The request's prompt; its start is printed on the label. */
  prompt: string;
  /** The request's seed (or the default seed). */
  seed: number;
  /** Position of the image in the response (`0` for the first). */
  index: number;
  /** When `true` the background is fully transparent (alpha 0); the label panel stays opaque. */
  transparent: boolean;
  /**
   * Level of detail, from the request's `quality` on models with that knob: `low` draws each
   * gradient in 6 flat steps, `medium` in 24, `high` (and undefined: models without the knob)
   * smooth. Visible, and it shrinks the encoded bytes too.
   */
  detail?: Detail;
  /** A partial preview of the image instead of the finished one (see `Stage`). */
  stage?: Stage;
  /** Base hue in degrees, instead of the one derived from model, prompt and seed (a test's colour). */
  hue?: number;
}

/** Level of detail of a raster (see `ImageSpec.detail`). */
export type Detail = 'low' | 'medium' | 'high';

/**
 * Partial image `step` (0-based) of `of` partials sent before the finished image. A partial has
 * the final size and format, and looks less finished the earlier it is: coarse colour blocks
 * instead of gradients, and only the first label lines.
 */
export interface Stage {
  step: number;
  of: number;
}

/** Throws (misuse) unless `stage` is undefined or `0 <= step < of`, both integers. */
export function assertStage(stage: Stage | undefined): void {
  if (stage === undefined) return;
  const { step, of } = stage;
  if (!Number.isSafeInteger(step) || !Number.isSafeInteger(of) || step < 0 || step >= of) {
    throw new Error(
      `[openrouter-images-mock] stage must be integers with 0 <= step < of, got ${String(step)} of ${String(of)}`,
    );
  }
}

/** How many of `total` label lines a stage shows: a share growing with the step; all when final. */
export function linesShown(total: number, stage: Stage | undefined): number {
  return stage ? Math.floor((total * (stage.step + 1)) / (stage.of + 1)) : total;
}

const PROMPT_LINE_CHARS = 40;
const PROMPT_LINES = 2;

/**
 * Up to `limit` characters of `text` as one line: whitespace runs become one space. Raster images
 * pass a stricter version that also maps what their font cannot draw.
 */
export type LabelText = (text: string, limit: number) => string;

export const plainText: LabelText = (text, limit) => text.replace(/\s+/g, ' ').trim().slice(0, limit);

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}

/**
 * The label every image carries, so a person looking at the screen sees what was asked for:
 * model, size, seed and index, and the prompt cut to at most two lines of 40 characters.
 */
export function labelLines(spec: ImageSpec, toText: LabelText = plainText): string[] {
  const lines = [
    truncate(toText(spec.model, PROMPT_LINE_CHARS + 1), PROMPT_LINE_CHARS),
    `${spec.width}x${spec.height}`,
    truncate(`seed ${spec.seed} #${spec.index}`, PROMPT_LINE_CHARS),
  ];
  let rest = toText(spec.prompt, PROMPT_LINE_CHARS * PROMPT_LINES + 1);
  for (let line = 0; line < PROMPT_LINES && rest.length > 0; line++) {
    const last = line === PROMPT_LINES - 1;
    if (rest.length <= PROMPT_LINE_CHARS || last) {
      lines.push(truncate(rest, PROMPT_LINE_CHARS));
      break;
    }
    // Break at the last space when it keeps at least half a line; otherwise mid-word.
    const space = rest.lastIndexOf(' ', PROMPT_LINE_CHARS);
    const cut = space >= PROMPT_LINE_CHARS / 2 ? space : PROMPT_LINE_CHARS;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  return lines;
}
