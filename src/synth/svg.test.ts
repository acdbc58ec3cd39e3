import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { ImageSpec } from './label.ts';
import { synthesizeSvg } from './svg.ts';

const spec: ImageSpec = {
  width: 1024,
  height: 1024,
  model: 'recraft/recraft-v3-svg',
  prompt: '',
  seed: 7,
  index: 0,
  transparent: false,
};

interface Line {
  x: number;
  y: number;
  text: string;
}

/** The label as a strict XML parser reads it: font size, panel, and each line with its position. */
function readLabel(markup: string) {
  const parser = new SaxesParser({ xmlns: true });
  const lines: Line[] = [];
  const rects: Record<string, string>[] = [];
  let size: Record<string, string> = {};
  let fontSize = Number.NaN;
  let current: Line | undefined;
  const attributes = (tag: { attributes: Record<string, { value: string }> }) =>
    Object.fromEntries(Object.entries(tag.attributes).map(([name, a]) => [name, a.value]));
  parser.on('opentag', (tag) => {
    const a = attributes(tag as never);
    if (tag.local === 'svg') size = a;
    if (tag.local === 'rect') rects.push(a);
    if (tag.local === 'text') fontSize = Number(a['font-size']);
    if (tag.local === 'tspan') current = { x: Number(a.x), y: Number(a.y), text: '' };
    if (tag.local === 'script') throw new Error('a script element');
  });
  parser.on('text', (text) => {
    if (current) current.text += text;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'tspan' && current) lines.push(current);
    current = undefined;
  });
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(markup).close();
  return {
    width: Number(size.width),
    height: Number(size.height),
    fontSize,
    lines,
    panel: rects.at(-1) ?? {},
  };
}

/**
 * A generous width of a line in font sizes: 0.6 per column of a monospace font, two columns for
 * CJK and emoji (a family emoji drawn as its three people, to be safe), none for marks and joiners.
 */
function widthInEm(text: string): number {
  let columns = 0;
  for (const char of text) {
    if (/[\p{M}\u200d]/u.test(char)) continue;
    columns += /[\u3000-\u30ff\u4e00-\u9fff\uac00-\ud7a3\uff00-\uff60\u{1f000}-\u{1faff}]/u.test(char)
      ? 2
      : 1;
  }
  return columns * 0.6;
}

/** Every line starts inside the panel and ends before the right edge; every baseline is inside. */
function expectInside(label: ReturnType<typeof readLabel>) {
  const { width, height, fontSize, lines } = label;
  expect(fontSize).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.x, line.text).toBeGreaterThanOrEqual(0);
    expect(line.x + widthInEm(line.text) * fontSize, line.text).toBeLessThanOrEqual(width);
    expect(line.y - 0.8 * fontSize, line.text).toBeGreaterThanOrEqual(0);
    expect(line.y + 0.3 * fontSize, line.text).toBeLessThanOrEqual(height);
  }
  const panel = label.panel;
  expect(Number(panel.x) + Number(panel.width)).toBeLessThanOrEqual(width);
  expect(Number(panel.y) + Number(panel.height)).toBeLessThanOrEqual(height);
}

describe('synthesizeSvg label', () => {
  it('keeps a Japanese and emoji prompt as it is, escaped, in lines that fit', () => {
    const prompt = '富士山の夕焼け、湖に映る逆さ富士 😀 <b>&</b> 👨‍👩‍👧 Łódź';
    const markup = synthesizeSvg({ ...spec, prompt });
    // The characters themselves, not code points; markup characters as entities.
    expect(markup).toContain('富士山の夕焼け、湖に映る逆さ富士');
    expect(markup).toContain('😀 &lt;b&gt;&amp;&lt;/b&gt;');
    expect(markup).not.toContain('U+');
    const label = readLabel(markup);
    const prompted = label.lines.slice(3).map((line) => line.text);
    expect(prompted.join(' ')).toBe(prompt);
    expect(prompted.length).toBe(2);
    expectInside(label);
  });

  it('wraps a long prompt in lines of at most 40 columns, the last cut with ...', () => {
    const prompt = `${'A watercolor painting of a red fox in the snow. '.repeat(5)}`;
    const label = readLabel(synthesizeSvg({ ...spec, prompt }));
    const prompted = label.lines.slice(3).map((line) => line.text);
    expect(prompted).toEqual([
      'A watercolor painting of a red fox in',
      'the snow. A watercolor painting of a ...',
    ]);
    const wide = readLabel(synthesizeSvg({ ...spec, prompt: '夕焼け'.repeat(40) }));
    expect(wide.lines.slice(3).map((line) => line.text)).toEqual([
      `${'夕焼け'.repeat(6)}夕焼`,
      `${'け夕焼'.repeat(6)}...`,
    ]);
    expectInside(wide);
  });

  it.each([
    [1024, 1024],
    [768, 1344],
    [1344, 768],
    [256, 256],
    [64, 64],
    [100, 30],
    [1, 1],
  ])('puts every line inside a %ix%i image, whatever the script', (width, height) => {
    for (const prompt of [
      'W'.repeat(200),
      '夕'.repeat(200),
      '🦊'.repeat(200),
      'e\u0301'.repeat(200),
      '👨‍👩‍👧'.repeat(30),
    ]) {
      const label = readLabel(synthesizeSvg({ ...spec, width, height, prompt }));
      expect(label.lines.length).toBe(5);
      expectInside(label);
    }
  });

  it('never splits a letter from its accent or an emoji sequence across lines', () => {
    const prompt = `${'x'.repeat(39)}${'e\u0301'.repeat(3)}${'👨‍👩‍👧'.repeat(8)}`;
    const lines = readLabel(synthesizeSvg({ ...spec, prompt })).lines.slice(3);
    expect(lines.map((line) => line.text)).toEqual([
      `${'x'.repeat(39)}e\u0301`,
      `${'e\u0301'.repeat(2)}${'👨‍👩‍👧'.repeat(5)}...`,
    ]);
  });

  it('keeps hostile text inert and drops what XML cannot hold', () => {
    const prompt = '</text><script>alert(1)</script>]]> \u0001 \ud800 夕';
    const markup = synthesizeSvg({ ...spec, prompt });
    expect(markup).not.toContain('<script');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(markup))).toBe(markup);
    const label = readLabel(markup);
    expect(label.lines[3]?.text).toBe('</text><script>alert(1)</script>]]> 夕');
  });
});
