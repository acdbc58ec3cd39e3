import { assertStage, type ImageSpec, LINE_COLUMNS, labelLines, linesShown } from './label.ts';
import { displayColumns, plainText } from './plain-text.ts';
import { createRandom, hashParts } from './random.ts';

// Every character that could end an attribute, a text node or a CDATA section is escaped, so a
// prompt such as `</text><script>` stays text.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/**
 * Code points XML 1.0 forbids outright (C0 controls but tab, LF, CR; U+FFFE, U+FFFF), and lone
 * surrogates, which no UTF-8 file can hold.
 */
const forbiddenInXml = (code: number) =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
  code === 0xfffe ||
  code === 0xffff ||
  (code >= 0xd800 && code <= 0xdfff);

const escapeXml = (text: string) =>
  Array.from(text, (c) => (forbiddenInXml(c.codePointAt(0) ?? 0) ? '' : (ESCAPES[c] ?? c))).join('');

const hsl = (hue: number, saturation: number, lightness: number) =>
  `hsl(${hue.toFixed(0)} ${saturation.toFixed(0)}% ${lightness.toFixed(0)}%)`;

/** A length for an attribute: at most two decimals, no float noise such as `55.900000000000006`. */
const num = (value: number) => String(Math.round(value * 100) / 100);
/** The same, never rounded up: for what must end inside the image. */
const numDown = (value: number) => String(Math.floor(value * 100) / 100);

/** Advance of a monospace column, and distance between baselines, in font sizes (em). */
const COLUMN_EM = 0.6;
const LINE_EM = 1.3;

/**
 * A deterministic SVG of the given size: background shapes whose colours follow
 * (model, prompt, seed, index), and the same label raster images carry, as escaped text.
 * A partial (`spec.stage`) has fewer shapes and only the first label lines.
 */
export function synthesizeSvg(spec: ImageSpec): string {
  assertStage(spec.stage);
  const random = createRandom(hashParts('svg', spec.model, spec.prompt, spec.seed, spec.index));
  const drawn = random() * 360;
  const hue = spec.hue ?? drawn;
  const { width: w, height: h } = spec;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = (0.1 + random() * 0.25) * Math.min(w, h);
    shapes.push(
      `<circle cx="${(random() * w).toFixed(1)}" cy="${(random() * h).toFixed(1)}" r="${r.toFixed(1)}" fill="${hsl(
        (hue + 40 + random() * 80) % 360,
        60,
        55,
      )}" fill-opacity="0.6"/>`,
    );
  }
  // The prompt in its own script, in lines of at most 40 columns (CJK and emoji count two). The
  // font is a 24th of the smaller side (8 at least), smaller when the lines would not fit: text
  // starts one font size in and ends one before the right edge, the panel above the bottom edge.
  const lines = labelLines(spec, plainText);
  const columns = Math.max(LINE_COLUMNS, ...lines.map(displayColumns));
  const font = Math.min(
    Math.max(8, Math.round(Math.min(w, h) / 24)),
    Math.floor((100 * w) / (columns * COLUMN_EM + 2)) / 100,
    Math.floor((100 * h) / (lines.length * LINE_EM + 1.5)) / 100,
  );
  const text = lines
    .slice(0, linesShown(lines.length, spec.stage))
    .map(
      (line, i) =>
        `<tspan x="${num(font)}" y="${num(font * (1.8 + LINE_EM * i))}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  const panelHeight = numDown(font * (LINE_EM * lines.length + 1));
  const background = spec.transparent ? '' : `<rect width="100%" height="100%" fill="${hsl(hue, 45, 30)}"/>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<title>${escapeXml(`${spec.model}: ${spec.prompt}`)}</title>`,
    background,
    ...shapes.slice(0, spec.stage ? linesShown(shapes.length, spec.stage) : shapes.length),
    `<rect x="${numDown(font / 2)}" y="${numDown(font / 2)}" width="${numDown(Math.max(0, w - font))}" height="${panelHeight}" fill="#ffffff" fill-opacity="0.85"/>`,
    `<text font-family="monospace" font-size="${num(font)}" fill="#111111">${text}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
