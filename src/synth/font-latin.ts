/**
 * The Latin-1 Supplement (U+00A0–U+00FF) and Latin Extended-A (U+0100–U+017F) glyphs of the label
 * font, plus the euro sign. Accented letters are not drawn one by one: each is its canonical
 * decomposition (`é` is `e` + U+0301) composed on the fly from the ASCII base and a drawing of the
 * mark, so the font stays a few dozen drawings.
 *
 * A glyph is five columns, left to right, bit `y` of a column being row `y`: rows 0–6 are the
 * body, as in the ASCII font; row 7 sits in the gap below the line, for cedillas and ogoneks.
 */

/** Five column bytes, as the ASCII font stores them. */
export type Columns = Uint8Array;

const WIDTH = 5;
const BODY = 7;
/** Where lowercase letters start: rows above it are free for an accent. */
const X_HEIGHT_TOP = 2;
const BELOW = BODY;

/**
 * Marks drawn above a letter, rows 0–1. Ring and circumflex would be alike in two rows, so the
 * ring is left open at the bottom: the top of `a` or of a squashed `A` closes it.
 */
const ABOVE: Readonly<Record<string, string>> = {
  '\u0300': '.#... ..#..', // grave
  '\u0301': '...#. ..#..', // acute
  '\u0302': '..#.. .#.#.', // circumflex
  '\u0303': '.##.# #..#.', // tilde
  '\u0304': '.###. .....', // macron
  '\u0306': '#...# .###.', // breve
  '\u0307': '..#.. .....', // dot above
  '\u0308': '.#.#. .....', // diaeresis
  '\u030a': '.###. .#.#.', // ring
  '\u030b': '..#.# .#.#.', // double acute
  '\u030c': '.#.#. ..#..', // caron
};
const CEDILLA = '\u0327';
const OGONEK = '\u0328';

/**
 * Slovak and Czech write the caron of a tall letter as an apostrophe beside it: its column. The
 * stem of d fills the last column, so ď gets its caron above, like Ď.
 */
const APOSTROPHE_CARON: Readonly<Record<string, number>> = { l: 4, L: 2, t: 3 };

/** Five-row bodies where `squash` would spoil the letter: G loses its spur, l becomes dotless i. */
const SQUASHED: Readonly<Record<string, string>> = {
  G: '..... ..... .###. #.... #..## #...# .###.',
  l: '..... ..... ..#.. ..#.. ..#.. ..#.. ..##.',
};

/**
 * Glyphs that are not a base letter and a mark: ligatures, letters of their own, symbols. Rows
 * top to bottom, `#` for ink; seven rows, an eighth for a tail below the line.
 */
const STANDALONE: Readonly<Record<string, string>> = {
  '¡': '..#.. ..... ..#.. ..#.. ..#.. ..#.. ..#..',
  '¢': '..#.. .###. #.#.# #.#.. #.#.# .###. ..#..',
  '£': '..##. .#..# .#... ####. .#... .#... #####',
  '¤': '..... #...# .###. .#.#. .###. #...# .....',
  '¥': '#...# .#.#. ##### ..#.. ##### ..#.. ..#..',
  '¦': '..#.. ..#.. ..#.. ..... ..#.. ..#.. ..#..',
  '§': '.#### #.... .###. #...# .###. ....# ####.',
  '©': '.###. #...# #.### ##..# #.### #...# .###.',
  ª: '.##.. ..#.. .###. #.#.. .###. ..... ###..',
  '«': '..... ..#.# .#.#. #.#.. .#.#. ..#.# .....',
  '¬': '..... ..... ##### ....# ....# ..... .....',
  '®': '.###. #...# ###.# ##.## ###.# #...# .###.',
  '°': '..#.. .#.#. ..#.. ..... ..... ..... .....',
  '±': '..#.. ..#.. ##### ..#.. ..#.. ..... #####',
  '²': '.##.. ...#. ..#.. .#... .###. ..... .....',
  '³': '.##.. ...#. ..#.. ...#. .##.. ..... .....',
  µ: '..... ..... #...# #...# #...# #..## ###.# #....',
  '¶': '.#### ###.# ###.# .##.# ..#.# ..#.# ..#.#',
  '·': '..... ..... ..... ..#.. ..... ..... .....',
  '¹': '..#.. .##.. ..#.. ..#.. .###. ..... .....',
  º: '.##.. #..#. #..#. .##.. ..... ####. .....',
  '»': '..... #.#.. .#.#. ..#.# .#.#. #.#.. .....',
  '¿': '..#.. ..... ..#.. .#... #.... #...# .###.',
  Æ: '.#### #.#.. #.#.. ##### #.#.. #.#.. #.###',
  Ð: '.###. .#..# .#..# ###.# .#..# .#..# .###.',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  // The slash leaves the O at two corners: this font's zero is an O with a slash inside.
  Ø: '.#### #...# #..## #.#.# ##..# #...# ####.',
  Þ: '#.... ####. #...# #...# ####. #.... #....',
  ß: '.##.. #..#. #.#.. #.##. #...# #...# #.##.',
  æ: '..... ..... ##.#. ..#.# .#### #.#.. .#.##',
  ð: '.#.#. ..#.. .#.#. ....# .#### #...# .###.',
  '÷': '..... ..#.. ..... ##### ..... ..#.. .....',
  ø: '..... ..... .#### #..## #.#.# ##..# ####.',
  þ: '#.... #.... ####. #...# ####. #.... #....',
  Đ: '.###. .#..# .#..# ###.# .#..# .#..# .###.',
  đ: '....# ..### .##.# #..## #...# #...# .####',
  Ħ: '#...# ##### #...# ##### #...# #...# #...#',
  ħ: '#.... ###.. #.##. ##..# #...# #...# #...#',
  ı: '..... ..... .##.. ..#.. ..#.. ..#.. .###.',
  ĸ: '..... ..... #..#. #.#.. ##... #.#.. #..#.',
  Ŀ: '#.... #.... #.... #.#.. #.... #.... #####',
  ŀ: '.##.. ..#.. ..#.. ..#.# ..#.. ..#.. .###.',
  Ł: '.#... .#... .#.#. .##.. ##... .#... .####',
  ł: '.##.. ..#.. ..##. ..#.. .##.. ..#.. .###.',
  Ŋ: '#...# ##..# #.#.# #..## #...# #...# #...# ..##.',
  ŋ: '..... ..... #.##. ##..# #...# #...# #...# ..##.',
  Œ: '.#### #.#.. #.#.. #.### #.#.. #.#.. .####',
  œ: '..... ..... .#.#. #.#.# #.### #.#.. .#.##',
  Ŧ: '##### ..#.. ..#.. .###. ..#.. ..#.. ..#..',
  ŧ: '.#... .#... ###.. .#... ###.. .#..# ..##.',
  ſ: '..##. .#... .#... .#... .#... .#... .#...',
  '€': '..### .#... ####. .#... ####. .#... ..###',
};

/** Spacing forms of marks: the mark alone. */
const SPACING: Readonly<Record<string, string>> = {
  '¨': '\u0308',
  '¯': '\u0304',
  '´': '\u0301',
  '¸': CEDILLA,
};

/**
 * The glyphs this module adds, by character: every letter of the two blocks (and their symbols)
 * but the few better written as text (`¼`, `Ĳ`, `ŉ`: see `font-text.ts`) and spaces.
 *
 * @param ascii the columns of a printable ASCII character's glyph.
 */
export function latinGlyphs(ascii: (char: string) => Columns): Map<string, Columns> {
  const glyphs = new Map<string, Columns>();
  for (const [char, rows] of Object.entries(STANDALONE)) glyphs.set(char, columnsOfArt(rows));
  for (const [char, mark] of Object.entries(SPACING))
    glyphs.set(char, compose(new Uint8Array(WIDTH), ' ', mark));
  for (let code = 0xa0; code <= 0x17f; code++) {
    const char = String.fromCharCode(code);
    const [base = '', ...marks] = char.normalize('NFD');
    if (marks.length === 0 || glyphs.has(char)) continue;
    glyphs.set(
      char,
      marks.reduce((glyph, mark) => compose(glyph, base, mark), ascii(base)),
    );
  }
  return glyphs;
}

/** `base` (the glyph of letter `letter`) with `mark` added; a new array. */
function compose(base: Columns, letter: string, mark: string): Columns {
  const glyph = Uint8Array.from(base);
  if (mark === CEDILLA) return setBelow(glyph, [1, 2]);
  if (mark === OGONEK) {
    // Hangs from the letter's bottom right, wherever that ends.
    const right = lastColumnWithInk(glyph, BODY - 1);
    return setBelow(glyph, [right]);
  }
  const art = ABOVE[mark];
  if (art === undefined) return glyph;
  const apostrophe = mark === '\u030c' ? APOSTROPHE_CARON[letter] : undefined;
  if (apostrophe !== undefined) {
    glyph[apostrophe] = (glyph[apostrophe] ?? 0) | 0b11;
    return glyph;
  }
  // An accent replaces the dot of i and j.
  if (letter === 'i' || letter === 'j') for (let x = 0; x < WIDTH; x++) glyph[x] = (glyph[x] ?? 0) & ~0b11;
  const squashed = SQUASHED[letter];
  const body =
    squashed !== undefined ? columnsOfArt(squashed) : inkAbove(glyph, X_HEIGHT_TOP) ? squash(glyph) : glyph;
  const accent = columnsOfArt(art);
  for (let x = 0; x < WIDTH; x++) body[x] = (body[x] ?? 0) | (accent[x] ?? 0);
  return body;
}

function setBelow(glyph: Columns, columns: number[]): Columns {
  for (const x of columns) glyph[x] = (glyph[x] ?? 0) | (1 << BELOW);
  return glyph;
}

function lastColumnWithInk(glyph: Columns, row: number): number {
  for (let x = WIDTH - 1; x > 0; x--) if ((((glyph[x] ?? 0) >> row) & 1) === 1) return x;
  return WIDTH - 1;
}

function inkAbove(glyph: Columns, row: number): boolean {
  return glyph.some((column) => (column & ((1 << row) - 1)) !== 0);
}

/**
 * A tall letter in the five rows under an accent. Rows go in this order: empty rows above the
 * ink, then a row that repeats its neighbour (the middle of the longest such run: a stem keeps
 * its ends), then rows 2 and 4 of a diagonal. The letter stays recognizable, only shorter.
 */
function squash(glyph: Columns): Columns {
  const rows = rowsOf(glyph);
  while (rows.length > BODY - X_HEIGHT_TOP) rows.splice(rowToDrop(rows), 1);
  return columnsOfRows(rows, X_HEIGHT_TOP);
}

function rowToDrop(rows: number[]): number {
  if (rows[0] === 0) return 0;
  let best = -1;
  let bestLength = 1;
  for (let start = 0; start < rows.length; ) {
    let end = start + 1;
    while (end < rows.length && rows[end] === rows[start]) end++;
    if (end - start > bestLength) {
      bestLength = end - start;
      // Never the first or last row of the letter: those are its outline.
      best = Math.min(rows.length - 2, Math.max(1, (start + end - 1) >> 1));
    }
    start = end;
  }
  return best >= 0 ? best : rows.length > 6 ? 2 : 3;
}

/** Rows of a glyph's body as bit masks, bit `x` for column `x`. */
function rowsOf(glyph: Columns): number[] {
  return Array.from({ length: BODY }, (_, y) => {
    let row = 0;
    for (let x = 0; x < WIDTH; x++) row |= (((glyph[x] ?? 0) >> y) & 1) << x;
    return row;
  });
}

function columnsOfRows(rows: number[], top: number): Columns {
  const glyph = new Uint8Array(WIDTH);
  for (const [y, row] of rows.entries()) {
    for (let x = 0; x < WIDTH; x++) if (((row >> x) & 1) === 1) glyph[x] = (glyph[x] ?? 0) | (1 << (y + top));
  }
  return glyph;
}

/** Columns of a drawing: rows of `#` and `.` separated by spaces, from row 0. */
function columnsOfArt(art: string): Columns {
  return columnsOfRows(
    art
      .split(' ')
      .map((row) => [...row].reduce((mask, cell, x) => (cell === '#' ? mask | (1 << x) : mask), 0)),
    0,
  );
}
