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
