import { describe, expect, it } from 'vitest';
import { fontCode, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';

/** A glyph as rows of `#` and `.`, to compare shapes readably. */
function picture(char: string): string[] {
  const code = char.codePointAt(0) ?? 0;
  return Array.from({ length: GLYPH_HEIGHT }, (_, y) =>
    Array.from({ length: GLYPH_WIDTH }, (_, x) => (glyphPixel(code, x, y) ? '#' : '.')).join(''),
  );
}

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
    expect(picture('L')).toEqual(['#....', '#....', '#....', '#....', '#....', '#....', '#####']);
    expect(picture('T')).toEqual(['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..']);
    expect(picture('!')).toEqual(['..#..', '..#..', '..#..', '..#..', '..#..', '.....', '..#..']);
  });

  it('draws characters outside printable ASCII as ?', () => {
    expect(fontCode(0x41)).toBe(0x41);
    for (const char of ['\n', '\u007f', 'é', '€', '🦊']) {
      expect(fontCode(char.codePointAt(0) ?? 0)).toBe(0x3f);
      expect(picture(char)).toEqual(picture('?'));
    }
  });
});
