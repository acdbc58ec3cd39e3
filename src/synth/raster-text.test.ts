// What a raster label shows for text beyond ASCII, read back from the PNG file by another decoder.
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';
import type { ImageSpec } from './label.ts';
import { synthesizePng } from './png.ts';

// Transparent, with a fixed hue: the prompt changes the label's text and nothing else. The label
// is 4 lines, the model the longest (18 columns): 113x40 font pixels, drawn at scale 1 here.
const spec: ImageSpec = {
  width: 160,
  height: 60,
  model: 'openai/gpt-image-1',
  prompt: '',
  seed: 42,
  index: 0,
  transparent: true,
  hue: 200,
};

/** The label's ink as a mask (1 for ink) read from the PNG: the darker of the panel's two colours. */
function ink(prompt: string): { width: number; height: number; mask: Uint8Array } {
  const png = decode(synthesizePng({ ...spec, prompt }));
  const { width, height, data } = png;
  expect(png.channels).toBe(4);
  const luma = (p: number) => (data[p * 4] ?? 0) + (data[p * 4 + 1] ?? 0) + (data[p * 4 + 2] ?? 0);
  let darkest = Number.POSITIVE_INFINITY;
  for (let p = 0; p < width * height; p++) if (data[p * 4 + 3] === 255) darkest = Math.min(darkest, luma(p));
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p++) mask[p] = data[p * 4 + 3] === 255 && luma(p) === darkest ? 1 : 0;
  return { width, height, mask };
}

/** The box around the pixels where two masks differ, or undefined when they are equal. */
function difference(a: ReturnType<typeof ink>, b: ReturnType<typeof ink>) {
  let box: { left: number; top: number; right: number; bottom: number } | undefined;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (a.mask[y * a.width + x] === b.mask[y * a.width + x]) continue;
      box ??= { left: x, top: y, right: x, bottom: y };
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x);
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y);
    }
  }
  return box;
}

describe('raster label beyond ASCII', () => {
  it('draws é as e with an accent: only the accent differs, and it is not the ? glyph', () => {
    const accented = ink('café au lait');
    const plain = ink('cafe au lait');
    const question = ink('caf? au lait');
    const accent = difference(accented, plain);
    expect(accent).toBeDefined();
    // Two font rows above the body of e, inside its five columns.
    expect(accent!.right - accent!.left + 1).toBeLessThanOrEqual(GLYPH_WIDTH);
    expect(accent!.bottom - accent!.top + 1).toBe(2);
    // It is drawn, not replaced: é and ? differ, inside that one character's cell.
    const fromQuestion = difference(accented, question);
    expect(fromQuestion).toBeDefined();
    expect(fromQuestion!.right - fromQuestion!.left + 1).toBeLessThanOrEqual(GLYPH_WIDTH);
    expect(fromQuestion!.bottom - fromQuestion!.top + 1).toBeLessThanOrEqual(GLYPH_HEIGHT);
    expect(fromQuestion!.left).toBeLessThanOrEqual(accent!.left);
    expect(fromQuestion!.right).toBeGreaterThanOrEqual(accent!.right);
  });

  it('hangs a cedilla below the line, in the gap before the next', () => {
    const cedilla = difference(ink('ça va'), ink('ca va'));
    expect(cedilla).toBeDefined();
    expect(cedilla!.bottom - cedilla!.top + 1).toBe(1);
    // The row under c's body: c's lowest ink is one row up.
    const c = ink('ca va');
    const column = c.mask.subarray((cedilla!.top - 1) * c.width, cedilla!.top * c.width);
    expect(column.slice(cedilla!.left, cedilla!.right + 1)).toContain(1);
    expect(c.mask.subarray(cedilla!.top * c.width, (cedilla!.top + 1) * c.width)).not.toContain(1);
  });

  it('draws "naïve café Łódź" and an emoji prompt without a single ? glyph', () => {
    // The check finds a ? when there is one, so its silence below means something.
    expect(questionMarks(ink('really?'))).toBe(1);
    expect(questionMarks(ink('naïve café Łódź'))).toBe(0);
    expect(questionMarks(ink('smile 😀 ✨'))).toBe(0);
    // The emoji is written out instead, exactly as if the prompt had spelled its code point.
    expect(ink('smile 😀').mask).toEqual(ink('smile U+1F600').mask);
    expect(ink('smile 😀').mask).not.toEqual(ink('smile').mask);
  });
});

/** Where the mask holds the ? glyph exactly (ink and paper, scale 1): how many times. */
function questionMarks({ width, height, mask }: ReturnType<typeof ink>): number {
  let found = 0;
  for (let top = 0; top + GLYPH_HEIGHT <= height; top++) {
    for (let left = 0; left + GLYPH_WIDTH <= width; left++) {
      let same = true;
      for (let y = 0; y < GLYPH_HEIGHT && same; y++) {
        for (let x = 0; x < GLYPH_WIDTH && same; x++) {
          same = (mask[(top + y) * width + left + x] === 1) === glyphPixel(0x3f, x, y);
        }
      }
      if (same) found++;
    }
  }
  return found;
}
