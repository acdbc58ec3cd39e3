import { assertStage, type ImageSpec, labelLines, linesShown } from './label.ts';
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
/** Code points XML 1.0 forbids outright (C0 controls but tab, LF, CR; U+FFFE, U+FFFF). */
const forbiddenInXml = (code: number) =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff;

const escapeXml = (text: string) =>
  Array.from(text, (c) => (forbiddenInXml(c.codePointAt(0) ?? 0) ? '' : (ESCAPES[c] ?? c))).join('');

const hsl = (hue: number, saturation: number, lightness: number) =>
  `hsl(${hue.toFixed(0)} ${saturation.toFixed(0)}% ${lightness.toFixed(0)}%)`;

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
  const font = Math.max(8, Math.round(Math.min(w, h) / 24));
  const lines = labelLines(spec);
  const text = lines
    .slice(0, linesShown(lines.length, spec.stage))
    .map((line, i) => `<tspan x="${font}" dy="${i === 0 ? 0 : font * 1.3}">${escapeXml(line)}</tspan>`)
    .join('');
  const panelHeight = Math.round(font * (1.3 * lines.length + 1));
  const background = spec.transparent ? '' : `<rect width="100%" height="100%" fill="${hsl(hue, 45, 30)}"/>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<title>${escapeXml(`${spec.model}: ${spec.prompt}`)}</title>`,
    background,
    ...shapes.slice(0, spec.stage ? linesShown(shapes.length, spec.stage) : shapes.length),
    `<rect x="${font / 2}" y="${font / 2}" width="${Math.max(0, w - font)}" height="${panelHeight}" fill="#ffffff" fill-opacity="0.85"/>`,
    `<text x="${font}" y="${font * 1.8}" font-family="monospace" font-size="${font}" fill="#111111">${text}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
