import { describe, expect, it } from 'vitest';
import { drawable } from './font.ts';
import { toFontText } from './font-text.ts';
import { type ImageSpec, labelLines } from './label.ts';
import { plainText } from './plain-text.ts';
import { transliterate } from './transliterate.ts';

const text = (input: string) =>
  toFontText(input, Number.POSITIVE_INFINITY)
    .map((piece) => piece.text)
    .join('');

const spec: ImageSpec = {
  width: 1024,
  height: 1024,
  model: 'openai/gpt-image-1',
  prompt: '',
  seed: 42,
  index: 0,
  transparent: false,
};

/** Every character of the label lines is one the font draws: nothing is left to print as `?`. */
function expectDrawable(lines: string[]) {
  for (const line of lines) {
    for (const char of line) expect(drawable(char.codePointAt(0) ?? 0), `${char} in ${line}`).toBe(true);
  }
}

describe('toFontText', () => {
  it('keeps the Latin letters the font draws, and ASCII as it is', () => {
    expect(text('naïve café Łódź, Straße, smørrebrød, œuvre, Šiška, ő')).toBe(
      'naïve café Łódź, Straße, smørrebrød, œuvre, Šiška, ő',
    );
    expect(text('A red fox, 50% off! (really?) ~`|')).toBe('A red fox, 50% off! (really?) ~`|');
  });

  it('folds a letter and its combining marks into the letter the font has, or the nearest one', () => {
    expect(text('e\u0301te\u0301 n\u0303')).toBe('été ñ');
    // ế and ệ are not in the font: the letter keeps the marks it can.
    expect(text('Tiếng Việt')).toBe('Tiêng Viêt');
    // A mark with nothing to sit on, or after a space, is dropped.
    expect(text('\u0301a \u0301b')).toBe('a b');
  });

  it('writes a character without a glyph as its code point: one code point per emoji, uppercase hex', () => {
    expect(text('a fox 🦊 at dawn')).toBe('a fox U+1F98A at dawn');
    expect(text('😀')).toBe('U+1F600');
    expect(text('中')).toBe('U+4E2D');
    expect(text('\u0001\u007f')).toBe('U+0001U+007F');
    expect(text('\u{10fffd}')).toBe('U+10FFFD');
    // A lone surrogate (possible in JSON) is a code point too.
    expect(text('a\ud800b')).toBe('aU+D800b');
  });

  it('drops what only modifies an emoji: variation selectors, joiners, skin tones', () => {
    expect(text('❤️')).toBe('U+2764');
    expect(text('👍🏽')).toBe('U+1F44D');
    expect(text('👨‍👩‍👧')).toBe('U+1F468U+1F469U+1F467');
    expect(text('1️⃣ soft\u00adhyphen zero\u200bwidth')).toBe('1 softhyphen zerowidth');
    expect(text('🇯🇵')).toBe('JP');
  });

  it('transliterates the usual typography, compatibility forms, Greek and Cyrillic', () => {
    expect(text('“quoted” ‘single’ — en–dash… • ½ ﬁne ™ Ａ → ≤')).toBe(
      '"quoted" \'single\' - en-dash... * 1/2 fine TM A -> <=',
    );
    expect(text('Привет, мир! Щука')).toBe('Privet, mir! Shchuka');
    expect(text('Καλημέρα κόσμε')).toBe('Kalimera kosme');
    expect(text('Ĳssel ŉ ș')).toBe("IJssel 'n ş");
  });

  it('transliterates only to text the font draws', () => {
    let spelled = 0;
    for (let code = 0x80; code < 0x2400; code++) {
      const spelling = transliterate(String.fromCharCode(code));
      if (spelling === undefined) continue;
      spelled++;
      for (const char of spelling)
        expect(drawable(char.charCodeAt(0)), `${code.toString(16)}: ${spelling}`).toBe(true);
    }
    // The loop checked the table, not an empty one: Greek, Cyrillic and the typography at least.
    expect(spelled).toBeGreaterThan(100);
  });

  it('makes one space of any whitespace run, none at the ends', () => {
    expect(text(' \t a\u00a0\u3000 b\n')).toBe('a b');
  });

  it('reads only the start of a long text', () => {
    const pieces = toFontText('😀'.repeat(1_000_000), 81);
    expect(pieces.length).toBe(12);
    expect(pieces[0]).toEqual({ text: 'U+1F600', columns: 7 });
  });
});

describe('labelLines with the font text', () => {
  it('has the emoji of a prompt as U+ code points', () => {
    const lines = labelLines({ ...spec, prompt: 'a happy face 😀 and a fox 🦊' }, toFontText);
    expect(lines[3]).toBe('a happy face U+1F600 and a fox U+1F98A');
    expectDrawable(lines);
  });

  it('counts the expanded text: no line over 40 columns, and no code point cut by a break or by ...', () => {
    for (const prompt of [
      '😀'.repeat(30),
      '富士山の夕焼け、湖に映る逆さ富士、静かな朝の風景を水彩画で描いてください',
      `caf${'é'.repeat(60)} 🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊`,
      'Привет '.repeat(20),
    ]) {
      const lines = labelLines({ ...spec, prompt }, toFontText);
      expectDrawable(lines);
      for (const line of lines) {
        expect(line.length, line).toBeLessThanOrEqual(40);
        // Every U+ is a whole code point of the prompt, also before a break or ...
        const codePoints = Array.from(
          prompt,
          (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
        );
        for (const [token] of line.matchAll(/U\+[0-9A-F]*/g)) expect(codePoints, line).toContain(token);
      }
    }
    const emoji = labelLines({ ...spec, prompt: '😀'.repeat(30) }, toFontText);
    expect(emoji.slice(3)).toEqual([`${'U+1F600'.repeat(5)}`, `${'U+1F600'.repeat(5)}...`]);
  });

  it('ends with ... whenever the prompt goes on past the label', () => {
    // The first line breaks at the space after 40 columns: the second line starts one later.
    const prompt = `${'a'.repeat(40)} ${'b'.repeat(40)}`;
    expect(labelLines({ ...spec, prompt }, toFontText).slice(3)).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
    expect(labelLines({ ...spec, prompt: `${prompt}c` }, toFontText).slice(3)).toEqual([
      'a'.repeat(40),
      `${'b'.repeat(37)}...`,
    ]);
    expect(labelLines({ ...spec, prompt: `${prompt} and more` }, plainText).slice(3)).toEqual([
      'a'.repeat(40),
      `${'b'.repeat(37)}...`,
    ]);
  });

  it('is the plain text for an ASCII prompt', () => {
    const prompt = 'A watercolor painting of a red fox sitting in a snowy forest at dawn, soft light';
    expect(labelLines({ ...spec, prompt }, toFontText)).toEqual(labelLines({ ...spec, prompt }, plainText));
    expect(labelLines({ ...spec, prompt }, toFontText).slice(3)).toEqual([
      'A watercolor painting of a red fox',
      'sitting in a snowy forest at dawn, so...',
    ]);
  });
});
