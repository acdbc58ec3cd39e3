import {
  adler32,
  adler32Combine,
  crc32,
  type DeflatePart,
  deflateParts,
  type Tokens,
  tokenize,
} from './deflate.ts';
import type { ImageSpec } from './label.ts';
import { type Raster, type RasterRows, renderRows } from './raster.ts';

/** Options of `encodePng`. */
export interface EncodePngOptions {
  /**
   * Write an alpha channel (colour type 6, RGBA) instead of RGB (colour type 2).
   * Defaults to whether any pixel of the raster is not fully opaque.
   */
  alpha?: boolean;
}

/**
 * Encodes any RGBA raster as a PNG file, RGBA or RGB, with the same deterministic writer as the
 * placeholder (`writePng`); consecutive equal rows are found and written as repeats.
 *
 * @example const png = encodePng(renderRaster(spec), { alpha: spec.transparent });
 */
export function encodePng(raster: Raster, options: EncodePngOptions = {}): Uint8Array {
  const { width, height, data } = raster;
  const rowBytes = width * 4;
  const rows: Uint8Array[] = [];
  const rowAt = new Uint32Array(height);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * rowBytes, (y + 1) * rowBytes);
    const previous = rows[rows.length - 1];
    if (previous && sameBytes(previous, row)) rowAt[y] = rows.length - 1;
    else {
      rowAt[y] = rows.length;
      rows.push(row);
    }
  }
  return writePng({ width, height, channels: 4, rows, rowAt }, options);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Renders and encodes the placeholder image of `spec`: RGBA when `spec.transparent`, else RGB.
 * The bytes are a pure function of the spec, identical on every machine (see `writePng`).
 *
 * @example const bytes = synthesizePng({ width: 1024, height: 1024, model: 'openai/gpt-image-1',
 *   prompt: 'a red fox', seed: 42, index: 0, transparent: false });
 */
export function synthesizePng(spec: ImageSpec): Uint8Array {
  // Rows and compressed stream in reused buffers: the file is the only allocation that grows with the image.
  return writePng(renderRows(spec, { reuse: true }), { alpha: spec.transparent });
}

/**
 * Writes a row raster as a PNG without building the frame: each distinct filtered scanline is
 * tokenized (LZ77) once and reused wherever it recurs; a run of repeated rows is filter Up, all
 * zeros, written as a periodic bit pattern (`deflate.ts`); the Adler-32 of the pixel data is
 * combined per row from per-scanline sums. Only the compressed bytes are touched twice (CRC-32).
 *
 * @note Every scanline but the first is filtered Up: a repeated row becomes zeros, and a label
 * row differs from the one above only where the ink changes. The result depends only on the two
 * rows, so compressed scanlines are cached by that pair and the file is a pure function of them.
 *
 * @example const png = writePng(renderRows(spec), { alpha: spec.transparent });
 */
export function writePng(raster: RasterRows, options: EncodePngOptions = {}): Uint8Array {
  const { width, height, rows, rowAt } = raster;
  const alpha = options.alpha ?? rows.some(rowHasTransparency);
  const channels = alpha ? 4 : 3;
  const lineBytes = width * channels + 1;
  const lines = new Map<number, Line>();
  const n = rows.length;
  const zeroLineAdler = zeroAdler(lineBytes);

  const parts: DeflatePart[] = [];
  let adler = 1;
  for (let y = 0; y < height; ) {
    const id = rowAt[y] as number;
    const previous = y > 0 ? (rowAt[y - 1] as number) : -1;
    if (previous === id) {
      let run = 1;
      while (y + run < height && rowAt[y + run] === id) run++;
      parts.push({ first: FILTER_UP, length: lineBytes, count: run });
      for (let k = 0; k < run; k++) adler = adler32Combine(adler, zeroLineAdler, lineBytes);
      y += run;
      continue;
    }
    const key = previous < 0 ? id : n + previous * n + id;
    let line = lines.get(key);
    if (!line) {
      line = filterLine(rows[id] as Uint8Array, previous < 0 ? undefined : rows[previous], alpha);
      lines.set(key, line);
    }
    parts.push(line.tokens);
    adler = adler32Combine(adler, line.adler, lineBytes);
    y++;
  }
  // A view of a reused buffer, copied into the file below.
  const stream = deflateParts(parts, { reuse: true });

  const idatLength = ZLIB_HEADER.length + stream.length + 4;
  const out = new Uint8Array(8 + 25 + 12 + idatLength + 12);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let at = 8;
  const chunk = (type: string, length: number, fill: (at: number) => void) => {
    view.setUint32(at, length);
    for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
    fill(at + 8);
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  };
  chunk('IHDR', 13, (from) => {
    view.setUint32(from, width);
    view.setUint32(from + 4, height);
    out.set([8, alpha ? 6 : 2, 0, 0, 0], from + 8); // depth 8, RGBA or RGB, deflate, filters, no interlace
  });
  chunk('IDAT', idatLength, (from) => {
    out.set(ZLIB_HEADER, from);
    out.set(stream, from + ZLIB_HEADER.length);
    view.setUint32(from + ZLIB_HEADER.length + stream.length, adler);
  });
  chunk('IEND', 0, () => {});
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** zlib: deflate with a 32 KiB window, no dictionary, "fastest" level flag; (0x78 * 256 + 0x01) % 31 === 0. */
const ZLIB_HEADER = Uint8Array.of(0x78, 0x01);
const FILTER_SUB = 1;
const FILTER_UP = 2;

/** Where scanlines are filtered, reused (grown to the widest): only their tokens are kept. */
let scratchLine = new Uint8Array(0);

/** A filtered scanline: its LZ77 tokens and the Adler-32 of its bytes. */
interface Line {
  tokens: Tokens;
  adler: number;
}

/** Adler-32 of a filter-Up byte followed by `length - 1` zeros, in closed form. */
function zeroAdler(length: number): number {
  // a = 1 + 2 after the first byte and stays there; b sums a after each byte.
  return ((((3 * length) % 65521) << 16) | 3) >>> 0;
}

/**
 * Filters an RGBA row as a scanline of RGBA or RGB (`alpha` false drops the alpha bytes), Up
 * against `above` (Sub for the first row), and tokenizes it; the same pass sums Adler-32.
 */
function filterLine(row: Uint8Array, above: Uint8Array | undefined, alpha: boolean): Line {
  const pixels = row.length >> 2;
  const channels = alpha ? 4 : 3;
  if (scratchLine.length < pixels * channels + 1) scratchLine = new Uint8Array(pixels * channels + 1);
  const filtered = scratchLine.subarray(0, pixels * channels + 1);
  filtered[0] = above ? FILTER_UP : FILTER_SUB;
  if (above) {
    for (let p = 0, from = 0, to = 1; p < pixels; p++, from += 4, to += channels) {
      filtered[to] = (row[from] as number) - (above[from] as number);
      filtered[to + 1] = (row[from + 1] as number) - (above[from + 1] as number);
      filtered[to + 2] = (row[from + 2] as number) - (above[from + 2] as number);
      if (alpha) filtered[to + 3] = (row[from + 3] as number) - (above[from + 3] as number);
    }
  } else {
    for (let p = 0, from = 0, to = 1; p < pixels; p++, from += 4, to += channels) {
      const left = from - 4;
      filtered[to] = (row[from] as number) - (p > 0 ? (row[left] as number) : 0);
      filtered[to + 1] = (row[from + 1] as number) - (p > 0 ? (row[left + 1] as number) : 0);
      filtered[to + 2] = (row[from + 2] as number) - (p > 0 ? (row[left + 2] as number) : 0);
      if (alpha) filtered[to + 3] = (row[from + 3] as number) - (p > 0 ? (row[left + 3] as number) : 0);
    }
  }
  return { tokens: tokenize(filtered), adler: adler32(filtered) };
}

function rowHasTransparency(row: Uint8Array): boolean {
  for (let at = 3; at < row.length; at += 4) if (row[at] !== 255) return true;
  return false;
}
