import { fontCode, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';
import type { ImageSpec } from './label.ts';
import { labelLines } from './label.ts';
import { createRandom, hashParts } from './random.ts';

/** An 8-bit RGBA pixel buffer, rows top to bottom, `width * 4` bytes per row. */
export interface Raster {
  width: number;
  height: number;
  channels: 4;
  data: Uint8Array;
}

/** The largest pixel count `renderRaster` accepts (4096 x 4096, 64 MiB of RGBA). */
export const MAX_RASTER_PIXELS = 16_777_216;

/** Font pixels between the start of one character (line) and the next. */
const ADVANCE_X = GLYPH_WIDTH + 1;
const ADVANCE_Y = GLYPH_HEIGHT + 2;
/** Panel padding around the text, in font pixels. */
const PADDING = 3;
/** Share of the image the panel may take, so some background always shows around it. */
const PANEL_SHARE = 0.85;

type Rgb = readonly [number, number, number];

/**
 * Draws the placeholder picture for one generated image: horizontal bands of colour gradients
 * derived from a hash of the spec, and a centred panel labelled with the model, the size, the
 * seed and index, and the start of the prompt, in a bitmap font scaled to fit.
 *
 * @example const raster = renderRaster({ width: 1024, height: 1024, model: 'openai/gpt-image-1',
 *   prompt: 'a red fox', seed: 42, index: 0, transparent: false });
 * @note Throws only on misuse: callers validate sizes first; this guard keeps a caller-chosen
 * size from ever sizing an allocation.
 */
export function renderRaster(spec: ImageSpec): Raster {
  const { width, height } = spec;
  if (!isPositiveInteger(width) || !isPositiveInteger(height)) {
    throw new Error(
      `[openrouter-images-mock] raster size must be positive integers, got ${String(width)}x${String(height)}`,
    );
  }
  if (width * height > MAX_RASTER_PIXELS) {
    throw new Error(
      `[openrouter-images-mock] raster of ${width}x${height} exceeds ${MAX_RASTER_PIXELS} pixels`,
    );
  }

  const random = createRandom(hashParts('raster', spec.model, spec.prompt, spec.seed, spec.index));
  // One base hue per request, turned by the golden angle per index: the images of one response
  // never share a hue, and neighbours are far apart.
  const baseHue = (hashParts('hue', spec.model, spec.prompt, spec.seed) / 2 ** 32) * 360;
  const hue = turn(baseHue + spec.index * 137.508);
  const secondHue = turn(hue + 60 + random() * 180);
  const raster: Raster = { width, height, channels: 4, data: new Uint8Array(width * height * 4) };

  // A transparent background is all zero bytes, which is what a new buffer already holds.
  if (!spec.transparent) {
    const bands = 2 + Math.floor(random() * 5);
    for (let band = 0; band < bands; band++) {
      const shift = band % 2 === 0 ? 0 : 12;
      const from = hsl(hue, 0.65, 0.5 + shift / 100);
      const to = hsl(secondHue, 0.6, 0.4 + shift / 100);
      const top = Math.round((band * height) / bands);
      const bottom = Math.round(((band + 1) * height) / bands);
      if (bottom > top) fillBand(raster, top, bottom, band % 2 === 0 ? from : to, band % 2 === 0 ? to : from);
    }
  }

  drawLabel(raster, labelLines(spec, toFontText), hsl(hue, 0.35, 0.93), hsl(hue, 0.7, 0.2));
  return raster;
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * Fills rows `top` to `bottom` with one horizontal gradient: the first row is computed, the others
 * are copies (doubling each time), which keeps a 4096² fill near memcpy speed.
 */
function fillBand(raster: Raster, top: number, bottom: number, from: Rgb, to: Rgb): void {
  const { width, data } = raster;
  const rowBytes = width * 4;
  const start = top * rowBytes;
  const span = Math.max(1, width - 1);
  for (let x = 0, at = start; x < width; x++, at += 4) {
    const t = x / span;
    data[at] = Math.round(from[0] + (to[0] - from[0]) * t);
    data[at + 1] = Math.round(from[1] + (to[1] - from[1]) * t);
    data[at + 2] = Math.round(from[2] + (to[2] - from[2]) * t);
    data[at + 3] = 255;
  }
  const end = bottom * rowBytes;
  for (let filled = rowBytes; start + filled < end; filled *= 2) {
    data.copyWithin(start + filled, start, Math.min(start + filled, end - filled));
  }
}

/**
 * Up to `limit` characters of `text` as the font can draw them: whitespace runs become one space
 * and other characters outside printable ASCII become `?`. Reads only the start of a long text.
 */
function toFontText(text: string, limit: number): string {
  let out = '';
  let pendingSpace = false;
  for (const char of text) {
    if (/\s/.test(char)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += String.fromCharCode(fontCode(char.codePointAt(0) ?? 0));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

/** Draws an opaque panel on the raster and the lines on it; what does not fit is clipped. */
function drawLabel(raster: Raster, lines: string[], panel: Rgb, ink: Rgb): void {
  const columns = Math.max(1, ...lines.map((line) => line.length));
  const panelWidth = columns * ADVANCE_X - 1 + 2 * PADDING;
  const panelHeight = lines.length * ADVANCE_Y - 2 + 2 * PADDING;
  const scale = Math.max(
    1,
    Math.min(
      Math.floor((raster.width * PANEL_SHARE) / panelWidth),
      Math.floor((raster.height * PANEL_SHARE) / panelHeight),
    ),
  );
  // Centred when it fits; otherwise pinned to the top left, so the start of each line shows.
  const left = Math.max(0, Math.floor((raster.width - panelWidth * scale) / 2));
  const top = Math.max(0, Math.floor((raster.height - panelHeight * scale) / 2));
  fillRect(raster, left, top, panelWidth * scale, panelHeight * scale, panel);

  lines.forEach((line, row) => {
    const y = top + (PADDING + row * ADVANCE_Y) * scale;
    for (let column = 0; column < line.length; column++) {
      const x = left + (PADDING + column * ADVANCE_X) * scale;
      const code = line.charCodeAt(column);
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
          if (glyphPixel(code, gx, gy)) fillRect(raster, x + gx * scale, y + gy * scale, scale, scale, ink);
        }
      }
    }
  });
}

/** Paints an opaque rectangle, clipped to the raster: one row is written, the rest are copies. */
function fillRect(raster: Raster, x: number, y: number, w: number, h: number, rgb: Rgb): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(raster.width, x + w);
  const y1 = Math.min(raster.height, y + h);
  if (x0 >= x1 || y0 >= y1) return;
  const { data } = raster;
  const rowBytes = raster.width * 4;
  const first = y0 * rowBytes + x0 * 4;
  const last = y0 * rowBytes + x1 * 4;
  for (let at = first; at < last; at += 4) {
    data[at] = rgb[0];
    data[at + 1] = rgb[1];
    data[at + 2] = rgb[2];
    data[at + 3] = 255;
  }
  for (let row = y0 + 1, at = first + rowBytes; row < y1; row++, at += rowBytes) {
    data.copyWithin(at, first, last);
  }
}

/** An angle in degrees as a hue in `[0, 360)`; also for negative or non-finite inputs. */
function turn(degrees: number): number {
  const hue = degrees % 360;
  return Number.isFinite(hue) ? (hue + 360) % 360 : 0;
}

/** HSL (hue in degrees, saturation and lightness in 0–1) to 8-bit RGB. */
function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}
