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
  for (const grapheme of graphemesOf(text)) {
    if (WHITESPACE.test(grapheme)) {
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
    pieces.push({ text: grapheme, columns: width });
    columns += width;
    if (columns >= limit) break;
  }
  return pieces;
};

/** Columns `text` takes in a monospace font (see `plainText`): an upper bound, fonts vary. */
export function displayColumns(text: string): number {
  let columns = 0;
  for (const grapheme of graphemesOf(text)) columns += graphemeColumns(grapheme);
  return columns;
}

const SPACE: Piece = { text: ' ', columns: 1 };
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
  let columns = 0;
  for (const char of grapheme) columns += ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
  // U+FE0F asks for the emoji form of a symbol, which is wide.
  return columns > 0 && grapheme.includes('\ufe0f') ? Math.max(2, columns) : columns;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Code units segmented at a time: ICU copies the whole string it is given, a prompt can be long. */
const WINDOW = 256;

/** The graphemes of `text`, lazily, a window at a time. */
function* graphemesOf(text: string): Generator<string> {
  for (let at = 0; at < text.length; ) {
    const end = at + WINDOW;
    const segments = Array.from(graphemes.segment(text.slice(at, end)), (s) => s.segment);
    // The window's last grapheme may go on past it: it is read again at the start of the next.
    const complete = end >= text.length ? segments.length : Math.max(1, segments.length - 1);
    for (const segment of segments.slice(0, complete)) {
      yield segment;
      at += segment.length;
    }
  }
}
