import { said } from '../message.ts';
import { descends, GLYPH_DESCENT, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';
import { toFontText } from './font-text.ts';
import type { Detail, ImageSpec, Stage } from './label.ts';
import { assertStage, labelLines, linesShown } from './label.ts';
import { createRandom, hashParts } from './random.ts';

/** An 8-bit RGBA pixel buffer, rows top to bottom, `width * 4` bytes per row. */
export interface Raster {
  width: number;
  height: number;
  channels: 4;
  data: Uint8Array;
}

/**
 * A raster as its distinct rows: what the encoders work from. The placeholder is horizontal bands
 * whose rows repeat, and a label panel whose rows repeat in groups of the font scale, so a 4096²
 * image has at most a few hundred distinct rows (64 KiB of RGBA each at most) instead of 64 MiB.
 */
export interface RasterRows {
  width: number;
  height: number;
  channels: 4;
  /** The distinct rows, RGBA, `width * 4` bytes each. */
  rows: Uint8Array[];
  /** For each y, the index in `rows` of that row (different indices may still hold equal pixels). */
  rowAt: Uint32Array;
}

/** The largest pixel count `renderRaster` accepts (4096 x 4096, 64 MiB of RGBA). */
export const MAX_RASTER_PIXELS = 16_777_216;

/** Font pixels between the start of one character (line) and the next. */
const ADVANCE_X = GLYPH_WIDTH + 1;
const ADVANCE_Y = GLYPH_HEIGHT + 2;
/** Glyph rows a line may ink: the body, and the descent for lines with a cedilla or the like. */
const LINE_ROWS = GLYPH_HEIGHT + GLYPH_DESCENT;
/** Panel padding around the text, in font pixels. */
const PADDING = 3;
/** Share of the image the panel may take, so some background always shows around it. */
const PANEL_SHARE = 0.85;
/** Flat steps per gradient by level of detail (`high`: smooth). */
const DETAIL_STEPS: Readonly<Record<Detail, number>> = { low: 6, medium: 24, high: 0 };

type Rgb = readonly [number, number, number];

interface Band {
  top: number;
  bottom: number;
  from: Rgb;
  to: Rgb;
}

interface Label {
  lines: string[];
  /** Per line, whether a glyph inks the rows below the body: only then are they text rows. */
  descends: boolean[];
  shown: number;
  scale: number;
  left: number;
  top: number;
  width: number;
  height: number;
  panel: Rgb;
  ink: Rgb;
}

/**
 * Draws the placeholder picture for one generated image: horizontal bands of colour gradients
 * derived from a hash of the spec, and a centred panel labelled with the model, the size, the
 * seed and index, and the start of the prompt, in a bitmap font scaled to fit.
 *
 * @example const raster = renderRaster({ width: 1024, height: 1024, model: 'openai/gpt-image-1',
 *   prompt: 'a red fox', seed: 42, index: 0, transparent: false });
 * @note Throws only on misuse: callers validate sizes first; this guard keeps a caller-chosen
 * size from ever sizing an allocation. Encoders use `renderRows`, which never builds the frame.
 */
export function renderRaster(spec: ImageSpec): Raster {
  return expandRows(renderRows(spec));
}

/** The full frame of a row raster (one copy per row). */
export function expandRows(raster: RasterRows): Raster {
  const { width, height, rows, rowAt } = raster;
  const rowBytes = width * 4;
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) data.set(rows[rowAt[y] as number] as Uint8Array, y * rowBytes);
  return { width, height, channels: 4, data };
}

/**
 * The picture of `renderRaster`, as distinct rows: the same pixels, without the frame.
 *
 * With `reuse`, the rows live in a buffer the next `reuse` call overwrites: for a caller that
 * encodes them at once (the PNG writer), so synthesis allocates no row memory per image.
 *
 * @example const { rows, rowAt } = renderRows(spec); // rows[rowAt[y]] is row y, RGBA
 */
export function renderRows(spec: ImageSpec, options: { reuse?: boolean } = {}): RasterRows {
  const { width, height } = spec;
  if (!isPositiveInteger(width) || !isPositiveInteger(height)) {
    throw new Error(said(`raster size must be positive integers, got ${String(width)}x${String(height)}`));
  }
  if (width * height > MAX_RASTER_PIXELS) {
    throw new Error(said(`raster of ${width}x${height} exceeds ${MAX_RASTER_PIXELS} pixels`));
  }
  assertStage(spec.stage);

  const random = createRandom(hashParts('raster', spec.model, spec.prompt, spec.seed, spec.index));
  // One base hue per request, turned by the golden angle per index: the images of one response
  // never share a hue, and neighbours are far apart.
  // A colour a test asked for is kept as it is, in every band (lightness still varies).
  const baseHue = (hashParts('hue', spec.model, spec.prompt, spec.seed) / 2 ** 32) * 360;
  const hue = spec.hue === undefined ? turn(baseHue + spec.index * 137.508) : turn(spec.hue);
  const drawnSecond = turn(hue + 60 + random() * 180);
  const secondHue = spec.hue === undefined ? drawnSecond : hue;

  // A transparent background is all zero bytes: no bands.
  const bands: Band[] = [];
  if (!spec.transparent) {
    const count = 2 + Math.floor(random() * 5);
    for (let band = 0; band < count; band++) {
      const shift = band % 2 === 0 ? 0 : 12;
      const from = hsl(hue, 0.65, 0.5 + shift / 100);
      const to = hsl(secondHue, 0.6, 0.4 + shift / 100);
      const top = Math.round((band * height) / count);
      const bottom = Math.round(((band + 1) * height) / count);
      if (bottom > top)
        bands.push({ top, bottom, ...(band % 2 === 0 ? { from, to } : { from: to, to: from }) });
    }
  }
  const label = layoutLabel(
    width,
    height,
    labelLines(spec, toFontText),
    spec.stage,
    hsl(hue, 0.35, 0.93),
    hsl(hue, 0.7, 0.2),
  );

  // A row is determined by its band and its kind: 0 outside the panel, 1 paper, 2 + glyph row.
  // First which distinct rows there are, then one buffer for all of them: one allocation per
  // image instead of one per row (a server synthesizing a thousand images a second feels both).
  const kinds = 2 + label.lines.length * LINE_ROWS;
  const index = new Int32Array(Math.max(1, bands.length) * kinds).fill(-1);
  const keys: number[] = [];
  const rowAt = new Uint32Array(height);
  let band = 0;
  for (let y = 0; y < height; y++) {
    while (band < bands.length - 1 && y >= (bands[band] as Band).bottom) band++;
    const key = band * kinds + rowKind(label, y);
    let at = index[key] as number;
    if (at < 0) {
      at = keys.length;
      keys.push(key);
      index[key] = at;
    }
    rowAt[y] = at;
  }

  const rowBytes = width * 4;
  const size = rowBytes * keys.length;
  if (options.reuse && sharedRows.length < size) sharedRows = new Uint8Array(size);
  const slab = options.reuse ? sharedRows.subarray(0, size) : new Uint8Array(size);
  const rows: Uint8Array[] = [];
  // Keys come in order of y, so bands come in order: each band's gradient is drawn once, here.
  if (base.length < rowBytes) base = new Uint8Array(rowBytes);
  const gradient = base.subarray(0, rowBytes);
  let drawn = -1;
  for (const [at, key] of keys.entries()) {
    const row = slab.subarray(at * rowBytes, (at + 1) * rowBytes);
    const rowBand = Math.floor(key / kinds);
    const kind = key - rowBand * kinds;
    if (rowBand !== drawn) {
      const current = bands[rowBand];
      if (current) fillGradient(gradient, current.from, current.to, spec.detail, spec.stage);
      else gradient.fill(0);
      drawn = rowBand;
    }
    row.set(gradient);
    if (kind > 0) drawLabelRow(row, width, label, kind);
    rows.push(row);
  }
  return { width, height, channels: 4, rows, rowAt };
}

/** The rows of `renderRows(spec, { reuse: true })`, grown to the largest image asked for. */
let sharedRows = new Uint8Array(0);

/** A band's gradient, drawn once and copied into its rows; reused (grown to the widest). */
let base = new Uint8Array(0);

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * One row of a horizontal gradient. Full detail is smooth; lower detail (the request's quality)
 * quantizes it into flat steps; a partial preview (stage) into a few coarse blocks, more per step.
 */
function fillGradient(row: Uint8Array, from: Rgb, to: Rgb, detail?: Detail, stage?: Stage): void {
  const width = row.length / 4;
  const span = Math.max(1, width - 1);
  const steps = DETAIL_STEPS[detail ?? 'high'];
  const blocks = stage ? Math.min(width, 2 ** (1 + 2 * stage.step)) : 0;
  for (let x = 0, at = 0; x < width; x++, at += 4) {
    let t = x / span;
    if (blocks > 0) t = blocks > 1 ? Math.floor((x * blocks) / width) / (blocks - 1) : 0;
    else if (steps > 0) t = Math.round(t * (steps - 1)) / (steps - 1);
    row[at] = Math.round(from[0] + (to[0] - from[0]) * t);
    row[at + 1] = Math.round(from[1] + (to[1] - from[1]) * t);
    row[at + 2] = Math.round(from[2] + (to[2] - from[2]) * t);
    row[at + 3] = 255;
  }
}

/** Where the panel goes: scaled to fit, centred when it fits, else pinned to the top left. */
function layoutLabel(
  width: number,
  height: number,
  lines: string[],
  stage: Stage | undefined,
  panel: Rgb,
  ink: Rgb,
): Label {
  const columns = Math.max(1, ...lines.map((line) => line.length));
  const panelWidth = columns * ADVANCE_X - 1 + 2 * PADDING;
  const panelHeight = lines.length * ADVANCE_Y - 2 + 2 * PADDING;
  const scale = Math.max(
    1,
    Math.min(
      Math.floor((width * PANEL_SHARE) / panelWidth),
      Math.floor((height * PANEL_SHARE) / panelHeight),
    ),
  );
  return {
    lines,
    descends: lines.map(lineDescends),
    shown: linesShown(lines.length, stage),
    scale,
    left: Math.max(0, Math.floor((width - panelWidth * scale) / 2)),
    top: Math.max(0, Math.floor((height - panelHeight * scale) / 2)),
    width: panelWidth * scale,
    height: panelHeight * scale,
    panel,
    ink,
  };
}

/** Whether a glyph of the line inks the row below the body. */
function lineDescends(line: string): boolean {
  for (let column = 0; column < line.length; column++) if (descends(line.charCodeAt(column))) return true;
  return false;
}

/**
 * 0 outside the panel, 1 for paper only, `2 + line * LINE_ROWS + glyphRow` for a text row. A line's
 * descent is paper unless it has ink there, so a label without such glyphs has the rows it always had.
 */
function rowKind(label: Label, y: number): number {
  if (y < label.top || y >= label.top + label.height) return 0;
  const fontRow = Math.floor((y - label.top) / label.scale) - PADDING;
  if (fontRow < 0) return 1;
  const line = Math.floor(fontRow / ADVANCE_Y);
  const glyphRow = fontRow - line * ADVANCE_Y;
  if (line >= label.shown) return 1;
  const rows = label.descends[line] ? LINE_ROWS : GLYPH_HEIGHT;
  return glyphRow < rows ? 2 + line * LINE_ROWS + glyphRow : 1;
}

/** Paints the panel's paper, and the ink of glyph row `kind - 2` when a text row, clipped. */
function drawLabelRow(row: Uint8Array, width: number, label: Label, kind: number): void {
  fillSpan(row, width, label.left, label.width, label.panel);
  if (kind < 2) return;
  const line = Math.floor((kind - 2) / LINE_ROWS);
  const glyphRow = kind - 2 - line * LINE_ROWS;
  const text = label.lines[line] ?? '';
  const { scale } = label;
  for (let column = 0; column < text.length; column++) {
    const x = label.left + (PADDING + column * ADVANCE_X) * scale;
    if (x >= width) break;
    const code = text.charCodeAt(column);
    for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
      if (glyphPixel(code, gx, glyphRow)) fillSpan(row, width, x + gx * scale, scale, label.ink);
    }
  }
}

/** Paints `w` opaque pixels from `x` on a row, clipped to the row. */
function fillSpan(row: Uint8Array, width: number, x: number, w: number, rgb: Rgb): void {
  const end = Math.min(width, x + w) * 4;
  for (let at = Math.max(0, x) * 4; at < end; at += 4) {
    row[at] = rgb[0];
    row[at + 1] = rgb[1];
    row[at + 2] = rgb[2];
    row[at + 3] = 255;
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
