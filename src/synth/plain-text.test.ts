import { describe, expect, it } from 'vitest';
import { displayColumns, plainText } from './plain-text.ts';

const texts = (text: string, limit = Number.POSITIVE_INFINITY) => plainText(text, limit).map((p) => p.text);

describe('plainText', () => {
  it('keeps graphemes whole wherever they fall, also across the windows it reads', () => {
    for (const before of ['x'.repeat(127), '夕'.repeat(127), 'x'.repeat(255)]) {
      const pieces = texts(`${before}e\u0301👨‍👩‍👧🇯🇵 end`);
      expect(pieces.slice(-7)).toEqual(['e\u0301', '👨‍👩‍👧', '🇯🇵', ' ', 'e', 'n', 'd']);
      expect(pieces.join('')).toBe(`${before}e\u0301👨‍👩‍👧🇯🇵 end`);
    }
  });

  it('counts two columns for CJK and emoji, none for marks; whitespace runs are one space', () => {
    expect(displayColumns('abc')).toBe(3);
    expect(displayColumns('富士山')).toBe(6);
    expect(displayColumns('😀')).toBe(2);
    expect(displayColumns('❤️')).toBe(2);
    expect(displayColumns('e\u0301')).toBe(1);
    expect(texts('  a \t\n b  ')).toEqual(['a', ' ', 'b']);
  });

  it('reads only the start of a long text', () => {
    const started = performance.now();
    expect(texts('夕'.repeat(1_000_000), 81)).toHaveLength(41);
    expect(texts(`${' '.repeat(1_000_000)}fox`, 81)).toEqual(['f', 'o', 'x']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
