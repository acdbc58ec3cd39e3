import { drawable } from './font.ts';
import type { LabelText, Piece } from './label.ts';
import { transliterate } from './transliterate.ts';

/**
 * Label text as the raster font draws it: every character the font has is itself; any other
 * becomes a readable spelling, never `?`. In order: a decomposition into drawable letters
 * (`e` + U+0301 is `é`; `ệ`, which the font lacks, is `ê`; `…` is `...`), a transliteration
 * (`—` is `-`, `ж` is `zh`), a regional indicator its letter, and otherwise the code point as
 * `U+1F600`, one piece that no line break or `...` cuts. Invisible characters (joiners, variation
 * selectors, skin tones, format controls) are dropped; whitespace runs become one space.
 *
 * Text is read by code point, so an emoji (a surrogate pair) is one character.
 */
export const toFontText: LabelText = (text, limit) => {
  const pieces: Piece[] = [];
  let columns = 0;
  let space = false;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code > 0x7e && /\s/.test(char))) {
      space = pieces.length > 0;
      continue;
    }
    // A combining mark joins the character before it, when they make a letter the font draws.
    if (code > 0x7e && MARK.test(char)) {
      if (!space) composeLast(pieces, char);
      continue;
    }
    const expanded = code < SLOTS ? (ONE[code] ?? expand(code, char)) : expand(code, char);
    if (expanded.length === 0) continue;
    if (space) {
      pieces.push(SPACE);
      columns++;
      space = false;
    }
    for (const piece of expanded) {
      pieces.push(piece);
      columns += piece.columns;
    }
    if (columns >= limit) break;
  }
  return pieces;
};

const SPACE: Piece = { text: ' ', columns: 1 };
/** Combining marks, variation selectors included. */
const MARK = /^\p{M}$/u;
/** Characters that draw nothing: format controls (ZWJ, soft hyphen, bidi marks, tags). */
const INVISIBLE = /^\p{Cf}$/u;
const SKIN_TONE_FIRST = 0x1f3fb;
const SKIN_TONE_LAST = 0x1f3ff;
/** 🇦 to 🇿: pairs of them are flags, each stands for its letter. */
const REGIONAL_A = 0x1f1e6;
const REGIONAL_Z = 0x1f1ff;

/** The drawable characters below `SLOTS`, each its own piece, shared: ASCII text allocates none. */
const SLOTS = 0x180;
const ONE: (Piece[] | undefined)[] = Array.from({ length: SLOTS }, (_, code) =>
  drawable(code) ? [{ text: String.fromCharCode(code), columns: 1 }] : undefined,
);

/** Expansions of characters seen, bounded: a hostile prompt cannot grow it without limit. */
const cache = new Map<number, Piece[]>();
const CACHE_LIMIT = 4096;

function expand(code: number, char: string): Piece[] {
  let pieces = cache.get(code);
  if (pieces === undefined) {
    pieces = spell(code, char) ?? [fallback(code)];
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(code, pieces);
  }
  return pieces;
}

/** `char` as drawable pieces, or undefined when it has no readable spelling but its code point. */
function spell(code: number, char: string): Piece[] | undefined {
  if (drawable(code)) return [{ text: char, columns: 1 }];
  if (INVISIBLE.test(char) || (code >= SKIN_TONE_FIRST && code <= SKIN_TONE_LAST)) return [];
  if (code >= REGIONAL_A && code <= REGIONAL_Z)
    return piecesOf(String.fromCharCode(0x41 + code - REGIONAL_A));
  const spelling = transliterate(char);
  if (spelling !== undefined) return piecesOf(spelling);
  const decomposed = char.normalize('NFKD');
  return decomposed === char ? undefined : spellDecomposed(decomposed);
}

/**
 * A compatibility or canonical decomposition, part by part: letters the font draws keep the
 * marks they compose with, transliterated letters lose them (`ά` is `a`), and any part without a
 * spelling (a Hangul jamo, a space) leaves the whole character to its code point.
 */
function spellDecomposed(decomposed: string): Piece[] | undefined {
  const pieces: Piece[] = [];
  let composable = false;
  for (const part of decomposed) {
    if (MARK.test(part)) {
      if (composable) composeLast(pieces, part);
      continue;
    }
    const code = part.codePointAt(0) ?? 0;
    if (code === 0x20) return undefined;
    composable = drawable(code);
    const spelled = composable ? piecesOf(part) : spell(code, part);
    if (spelled === undefined) return undefined;
    pieces.push(...spelled);
  }
  return pieces;
}

/** Replaces the last piece by it composed with `mark` when the font draws the result. */
function composeLast(pieces: Piece[], mark: string): void {
  const last = pieces[pieces.length - 1];
  if (last === undefined || last.text.length !== 1) return;
  const composed = (last.text + mark).normalize('NFC');
  if (composed.length === 1 && drawable(composed.charCodeAt(0))) {
    pieces[pieces.length - 1] = { text: composed, columns: 1 };
  }
}

function piecesOf(text: string): Piece[] {
  return Array.from(text, (char) => ({ text: char, columns: 1 }));
}

/** `U+` and the code point in uppercase hex, at least four digits: one piece. */
function fallback(code: number): Piece {
  const text = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return { text, columns: text.length };
}
