import { type Columns, latinGlyphs } from './font-latin.ts';

/** Width of a glyph in font pixels. */
export const GLYPH_WIDTH = 5;
/** Height of a glyph in font pixels (no descenders: `g`, `p`, `y` sit a little high). */
export const GLYPH_HEIGHT = 7;
/**
 * Rows below a glyph's body where a few glyphs have ink: cedilla, ogonek, the tail of `µ`. They
 * lie in the gap between lines, so a line without such glyphs is laid out as if they did not exist.
 */
export const GLYPH_DESCENT = 1;

const FIRST = 0x20;
const LAST = 0x7e;
const FALLBACK = 0x3f; // '?'

/**
 * A 5x7 font for printable ASCII (0x20–0x7E), five bytes per glyph, one per column, left to right;
 * bit 0 is the top row. Hex keeps the 95 glyphs in a dozen lines instead of a large array literal.
 */
const GLYPHS = bytesOfHex([
  '0000000000 00005f0000 0007000700 147f147f14 242a7f2a12 2313086462 3649552250 0005030000', // space to '
  '001c224100 0041221c00 142a1c2a14 08083e0808 0050300000 0808080808 0060600000 2010080402', // ( to /
  '3e5149453e 00427f4000 4261514946 2141454b31 1814127f10 2745454539 3c4a494930 0171090503', // 0 to 7
  '3649494936 064949291e 0036360000 0056360000 0814224100 1414141414 0041221408 0201510906', // 8 to ?
  '324979413e 7e1111117e 7f49494936 3e41414122 7f4141221c 7f49494941 7f09090101 3e41415132', // @ to G
  '7f0808087f 00417f4100 2040413f01 7f08142241 7f40404040 7f0204027f 7f0408107f 3e4141413e', // H to O
  '7f09090906 3e4151215e 7f09192946 4649494931 01017f0101 3f4040403f 1f2040201f 7f2018207f', // P to W
  '6314081463 0304780403 6151494543 007f414100 0204081020 0041417f00 0402010204 4040404040', // X to _
  '0001020400 2054545478 7f48444438 3844444420 384444487f 3854545418 087e090102 0c5252523e', // ` to g
  '7f08040478 00447d4000 2040443d00 007f102844 00417f4000 7c04180478 7c08040478 3844444438', // h to o
  '7c14141408 081414187c 7c08040408 4854545420 043f444020 3c4040207c 1c2040201c 3c4030403c', // p to w
  '4428102844 0c5050503c 4464544c44 0008364100 00007f0000 0041360800 0804081008', // x to ~
]);

/** Slots of the glyph table: a character below `SLOTS` is its own slot, a few others have one. */
const SLOTS = 0x180;
const EXTRA_SLOTS = new Map([[0x20ac, SLOTS]]); // '€'

/** All glyphs, five column bytes per slot, built once at load; `drawn[code]` marks real ones. */
const { columns: COLUMNS, drawn: DRAWN } = buildTable();

/** Whether the font has a glyph of its own for `codePoint` (printable ASCII, Latin letters, `€`). */
export function drawable(codePoint: number): boolean {
  return codePoint < SLOTS ? DRAWN[codePoint] === 1 : EXTRA_SLOTS.has(codePoint);
}

/**
 * Whether the font pixel at column `x` (0–4), row `y` (0–6, or 7 below the body) of a character's
 * glyph is ink. Characters the font does not draw are drawn as `?`: callers map text first.
 */
export function glyphPixel(codePoint: number, x: number, y: number): boolean {
  return (((COLUMNS[slotOf(codePoint) * GLYPH_WIDTH + x] ?? 0) >> y) & 1) === 1;
}

function slotOf(codePoint: number): number {
  if (codePoint < SLOTS) return DRAWN[codePoint] === 1 ? codePoint : FALLBACK;
  return EXTRA_SLOTS.get(codePoint) ?? FALLBACK;
}

/** Whether the glyph of `codePoint` has ink below its body (see `GLYPH_DESCENT`). */
export function descends(codePoint: number): boolean {
  for (let x = 0; x < GLYPH_WIDTH; x++) if (glyphPixel(codePoint, x, GLYPH_HEIGHT)) return true;
  return false;
}

function buildTable(): { columns: Uint8Array; drawn: Uint8Array } {
  const columns = new Uint8Array((SLOTS + EXTRA_SLOTS.size) * GLYPH_WIDTH);
  const drawn = new Uint8Array(SLOTS);
  columns.set(GLYPHS, FIRST * GLYPH_WIDTH);
  drawn.fill(1, FIRST, LAST + 1);
  const ascii = (char: string): Columns => {
    const at = (char.charCodeAt(0) - FIRST) * GLYPH_WIDTH;
    return GLYPHS.slice(at, at + GLYPH_WIDTH);
  };
  for (const [char, glyph] of latinGlyphs(ascii)) {
    const code = char.charCodeAt(0);
    const slot = code < SLOTS ? code : EXTRA_SLOTS.get(code);
    if (slot === undefined) continue;
    columns.set(glyph, slot * GLYPH_WIDTH);
    if (code < SLOTS) drawn[code] = 1;
  }
  return { columns, drawn };
}

function bytesOfHex(rows: string[]): Uint8Array {
  const hex = rows.join('').replaceAll(' ', '');
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}
