import { said } from '../message.ts';
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
    throw new Error(said(`stage must be integers with 0 <= step < of, got ${String(step)} of ${String(of)}`));
  }
}

/** How many of `total` label lines a stage shows: a share growing with the step; all when final. */
export function linesShown(total: number, stage: Stage | undefined): number {
  return stage ? Math.floor((total * (stage.step + 1)) / (stage.of + 1)) : total;
}

/** The widest a label line gets, in columns: longer text wraps or ends with `...`. */
export const LINE_COLUMNS = 40;
const PROMPT_LINES = 2;

/**
 * A unit of label text that wrapping and truncation never split (a character, or a fallback such
 * as `U+1F600`), and the columns it takes on the label.
 */
export interface Piece {
  text: string;
  columns: number;
}

/**
 * The start of `text` as pieces, whitespace runs as one space, stopping once `limit` columns are
 * reached: a long text is read no further. SVG keeps the text as it is (`plain-text.ts`); rasters
 * map it to what their font draws (`font-text.ts`).
 */
export type LabelText = (text: string, limit: number) => Piece[];

const columnsOf = (pieces: Piece[]) => pieces.reduce((sum, piece) => sum + piece.columns, 0);
const textOf = (pieces: Piece[]) => pieces.map((piece) => piece.text).join('');

/** The pieces as one line of at most `limit` columns, cut with `...` when longer. */
function truncate(pieces: Piece[], limit: number): string {
  if (columnsOf(pieces) <= limit) return textOf(pieces);
  let text = '';
  let columns = 0;
  for (const piece of pieces) {
    columns += piece.columns;
    if (columns > limit - 3) break;
    text += piece.text;
  }
  return `${text}...`;
}

/**
 * How many pieces go on a line of `limit` columns: up to the last space when that keeps at least
 * half a line, otherwise as many as fit (mid-word, never inside a piece), at least one.
 */
function breakAt(pieces: Piece[], limit: number): number {
  let space = -1;
  let fit = 0;
  let columns = 0;
  for (const [i, piece] of pieces.entries()) {
    if (columns > limit) break;
    if (piece.text === ' ' && columns >= limit / 2) space = i;
    columns += piece.columns;
    if (columns <= limit) fit = i + 1;
  }
  return space >= 0 ? space : Math.max(1, fit);
}

/**
 * The label every image carries, so a person looking at the screen sees what was asked for:
 * model, size, seed and index, and the prompt cut to at most two lines of 40 columns.
 */
export function labelLines(spec: ImageSpec, toText: LabelText): string[] {
  const limit = LINE_COLUMNS + 1;
  const lines = [
    truncate(toText(spec.model, limit), LINE_COLUMNS),
    `${spec.width}x${spec.height}`,
    truncate(toText(`seed ${spec.seed} #${spec.index}`, limit), LINE_COLUMNS),
  ];
  // Two full lines, the space between them, and one column more: enough to know the prompt goes on.
  let rest = toText(spec.prompt, LINE_COLUMNS * PROMPT_LINES + 2);
  for (let line = 0; line < PROMPT_LINES && rest.length > 0; line++) {
    if (columnsOf(rest) <= LINE_COLUMNS || line === PROMPT_LINES - 1) {
      lines.push(truncate(rest, LINE_COLUMNS));
      break;
    }
    const cut = breakAt(rest, LINE_COLUMNS);
    lines.push(textOf(rest.slice(0, cut)));
    rest = rest.slice(cut);
    while (rest[0]?.text === ' ') rest = rest.slice(1);
  }
  return lines;
}
