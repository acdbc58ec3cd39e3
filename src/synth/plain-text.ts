import type { LabelText, Piece } from './label.ts';

/**
 * Label text as it is, for SVG: each piece a grapheme (a letter and its marks, an emoji sequence,
 * a flag), so a line never breaks inside one, with the columns it takes in a monospace font.
 * Whitespace runs become one space; graphemes that draw nothing (a lone mark, a control) go.
 */
export const plainText: LabelText = (text, limit) => {
  const pieces: Piece[] = [];
  let columns = 0;
  let space = false;
  for (const window of graphemesOf(text)) {
    for (const grapheme of window) {
      if (grapheme === ' ' || WHITESPACE.test(grapheme)) {
        space = pieces.length > 0;
        continue;
      }
      const width = graphemeColumns(grapheme);
      if (width === 0) continue;
      if (space) {
        pieces.push(SPACE);
        columns++;
        space = false;
      }
      const shared = grapheme.length === 1 ? ASCII_PIECES[grapheme.charCodeAt(0)] : undefined;
      pieces.push(shared ?? { text: grapheme, columns: width });
      columns += width;
      if (columns >= limit) return pieces;
    }
  }
  return pieces;
};

/** Columns `text` takes in a monospace font (see `plainText`): an upper bound, fonts vary. */
export function displayColumns(text: string): number {
  let columns = 0;
  for (const window of graphemesOf(text)) for (const grapheme of window) columns += graphemeColumns(grapheme);
  return columns;
}

const SPACE: Piece = { text: ' ', columns: 1 };
/** Pieces of printable ASCII, shared: most labels allocate none. */
const ASCII_PIECES: (Piece | undefined)[] = Array.from({ length: 0x7f }, (_, code) =>
  code > 0x20 ? { text: String.fromCharCode(code), columns: 1 } : undefined,
);
const WHITESPACE = /^\s+$/u;
/** Code points that take no column: marks, joiners and other format controls, controls, lone surrogates. */
const ZERO_WIDTH = /^[\p{M}\p{Cf}\p{Cc}\p{Cs}]$/u;
/**
 * Code points a monospace font draws two columns wide: CJK scripts and their punctuation,
 * full-width forms, pictographs (emoji; also a few symbols such as ©, which only costs space).
 */
const WIDE =
  /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{Extended_Pictographic}\u2e80-\u303f\u3190-\u31ff\uff01-\uff60\uffe0-\uffe6]$/u;

function graphemeColumns(grapheme: string): number {
  if (grapheme.length === 1 && grapheme >= ' ' && grapheme <= '~') return 1;
  let columns = 0;
  for (const char of grapheme) columns += ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
  // U+FE0F asks for the emoji form of a symbol, which is wide.
  return columns > 0 && grapheme.includes('\ufe0f') ? Math.max(2, columns) : columns;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Code units segmented at a time: ICU copies the whole string it is given, a prompt can be long. */
const WINDOW = 128;
/** Printable ASCII: one grapheme per character, unless a mark follows (hence one more is looked at). */
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The graphemes of `text`, lazily, a window at a time. Printable ASCII skips the segmenter: for
 * most labels it would cost more than the rest of the SVG.
 */
function* graphemesOf(text: string): Generator<string[]> {
  for (let at = 0; at < text.length; ) {
    const end = at + WINDOW;
    if (ASCII.test(text.slice(at, end + 1))) {
      yield Array.from(text.slice(at, end));
      at = end;
      continue;
    }
    const segments = Array.from(graphemes.segment(text.slice(at, end)), (s) => s.segment);
    // The window's last grapheme may go on past it: it is read again at the start of the next.
    if (end < text.length && segments.length > 1) segments.pop();
    yield segments;
    for (const segment of segments) at += segment.length;
  }
}
