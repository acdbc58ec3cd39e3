import { describe, expect, it } from 'vitest';
import { descends, drawable, GLYPH_DESCENT, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';

/** A glyph as rows of `#` and `.`, body and descent, to compare shapes readably. */
function picture(char: string): string[] {
  const code = char.codePointAt(0) ?? 0;
  return Array.from({ length: GLYPH_HEIGHT + GLYPH_DESCENT }, (_, y) =>
    Array.from({ length: GLYPH_WIDTH }, (_, x) => (glyphPixel(code, x, y) ? '#' : '.')).join(''),
  );
}

const inked = (rows: string[]) => rows.join('').includes('#');

/** Every character of a range of code points. */
const range = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => String.fromCharCode(first + i));

describe('font', () => {
  it('draws every printable ASCII character but space, each with a glyph of its own', () => {
    const seen = new Set<string>();
    for (let code = 0x21; code <= 0x7e; code++) {
      const glyph = picture(String.fromCharCode(code)).join('\n');
      expect(glyph, String.fromCharCode(code)).toContain('#');
      seen.add(glyph);
    }
    expect(seen.size).toBe(0x7e - 0x21 + 1);
    expect(picture(' ').join('')).not.toContain('#');
  });

  it('has the shapes one expects', () => {
    expect(picture('L').slice(0, GLYPH_HEIGHT)).toEqual([
      '#....',
      '#....',
      '#....',
      '#....',
      '#....',
      '#....',
      '#####',
    ]);
    expect(picture('T').slice(0, GLYPH_HEIGHT)).toEqual([
      '#####',
      '..#..',
      '..#..',
      '..#..',
      '..#..',
      '..#..',
      '..#..',
    ]);
    expect(picture('!').slice(0, GLYPH_HEIGHT)).toEqual([
      '..#..',
      '..#..',
      '..#..',
      '..#..',
      '..#..',
      '.....',
      '..#..',
    ]);
  });

  it('draws each Latin-1 and Latin Extended-A letter as a glyph of its own, never as ?', () => {
    // Ð and Đ are the same letter in every font, and an accented O squashed under its accent is
    // the o below the same accent; Ĳ ĳ ŉ are written as text instead.
    const letters = [...range(0xc0, 0x17f), '€'].filter((c) => !'×÷ĐĲĳŉòóôõöōŏő'.includes(c));
    const question = picture('?').join('\n');
    const seen = new Map<string, string>();
    for (let code = 0x21; code <= 0x7e; code++) seen.set(picture(String.fromCharCode(code)).join('\n'), '');
    for (const letter of letters) {
      expect(drawable(letter.codePointAt(0) ?? 0), letter).toBe(true);
      const glyph = picture(letter).join('\n');
      expect(glyph, letter).not.toBe(question);
      expect(seen.get(glyph), `${letter} looks like ${seen.get(glyph)}`).toBeUndefined();
      seen.set(glyph, letter);
    }
    expect(picture('Đ')).toEqual(picture('Ð'));
    expect(picture('ö')).toEqual(picture('Ö'));
  });

  it('draws the symbols of Latin-1 too', () => {
    for (const symbol of range(0xa1, 0xbf).filter((c) => !'\u00ad¼½¾'.includes(c))) {
      expect(drawable(symbol.codePointAt(0) ?? 0), symbol).toBe(true);
      expect(inked(picture(symbol)), symbol).toBe(true);
    }
  });

  it('composes an accented letter from its base letter and the mark above it', () => {
    const [e, eAcute, eGrave] = [picture('e'), picture('é'), picture('è')];
    // The body of e is kept; the accent is ink in the two rows above it.
    expect(eAcute.slice(2)).toEqual(e.slice(2));
    expect(inked(e.slice(0, 2))).toBe(false);
    expect(eAcute.slice(0, 2)).toEqual(['...#.', '..#..']);
    expect(eGrave.slice(0, 2)).toEqual(['.#...', '..#..']);
    // The accent replaces the dot of i.
    expect(picture('í').slice(0, 2)).toEqual(['...#.', '..#..']);
    expect(picture('ı').slice(2)).toEqual(picture('i').slice(2));
    // A capital is squashed into the five rows under the accent.
    expect(picture('É')).toEqual(['...#.', '..#..', '#####', '#....', '####.', '#....', '#####', '.....']);
  });

  it('hangs cedillas and ogoneks below the body, and only those glyphs use that row', () => {
    expect(picture('ç').slice(0, GLYPH_HEIGHT)).toEqual(picture('c').slice(0, GLYPH_HEIGHT));
    expect(picture('ç')[GLYPH_HEIGHT]).toBe('.##..');
    expect(picture('ą')[GLYPH_HEIGHT]).toBe('....#');
    for (const char of ['ç', 'Ş', 'ą', 'Ę', 'ņ', 'µ', 'ŋ'])
      expect(descends(char.codePointAt(0) ?? 0), char).toBe(true);
    for (let code = 0x20; code <= 0x7e; code++) expect(descends(code), String.fromCharCode(code)).toBe(false);
    for (const char of ['é', 'Ł', 'ß', 'Œ', '€'])
      expect(descends(char.codePointAt(0) ?? 0), char).toBe(false);
  });

  it('draws characters it has no glyph for as ?', () => {
    expect(drawable(0x41)).toBe(true);
    expect(drawable(0xe9)).toBe(true);
    for (const char of ['\n', '\u007f', '\u0085', '\u00a0', '\u00ad', 'Ĳ', '中', '🦊']) {
      expect(drawable(char.codePointAt(0) ?? 0), char).toBe(false);
      expect(picture(char)).toEqual(picture('?'));
    }
  });
});
