import { formatOfMediaType } from '../../contract/media-types.ts';
import type { OutputFormat } from '../../contract/types.ts';

type Size = { width: number; height: number };

/**
 * The pixel size of a PNG, JPEG, WebP or SVG file, read from its header, or undefined. The gallery
 * gives each thumbnail its box before the image loads, so a list of them does not jump.
 */
export function imageSize(bytes: Uint8Array, mediaType: string): Size | undefined {
  const size = readSize(bytes, mediaType);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

/** Where each format keeps its size. */
const READERS: Record<OutputFormat, (b: Uint8Array) => Size | undefined> = {
  // Signature (8), IHDR length and type (8), then width and height, big-endian.
  png: (b) => (b.length >= 24 ? { width: u32be(b, 16), height: u32be(b, 20) } : undefined),
  jpeg: jpegSize,
  webp: webpSize,
  svg: svgSize,
};

function readSize(b: Uint8Array, mediaType: string): Size | undefined {
  const format = formatOfMediaType(mediaType);
  return format && READERS[format](b);
}

const u32be = (b: Uint8Array, at: number) =>
  (b[at] ?? 0) * 2 ** 24 + (b[at + 1] ?? 0) * 2 ** 16 + (b[at + 2] ?? 0) * 2 ** 8 + (b[at + 3] ?? 0);
const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u24le = (b: Uint8Array, at: number) =>
  (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);

/** Walks the segments up to the first start-of-frame, which holds the size. */
function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    at += 2 + u16be(b, at + 2);
  }
  return undefined;
}

function webpSize(b: Uint8Array): { width: number; height: number } | undefined {
  const tag = (at: number) => String.fromCharCode(...b.subarray(at, at + 4));
  if (b.length < 30 || tag(0) !== 'RIFF' || tag(8) !== 'WEBP') return undefined;
  switch (tag(12)) {
    case 'VP8X':
      return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
    case 'VP8 ':
      return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    case 'VP8L': {
      // 14 bits each, after the one-byte signature at 20.
      const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    default:
      return undefined;
  }
}

const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

/** `width` and `height` of the root element in pixels, else its `viewBox`. */
function svgSize(b: Uint8Array): { width: number; height: number } | undefined {
  const head = new TextDecoder().decode(b.subarray(0, 2048));
  const root = /<svg\b[^>]*>/i.exec(head)?.[0];
  if (!root) return undefined;
  const attribute = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(root)?.[1];
  const pixels = (value: string | undefined) =>
    value !== undefined && /^\s*[\d.]+\s*(px)?\s*$/.test(value) ? Number.parseFloat(value) : undefined;
  const width = pixels(attribute('width'));
  const height = pixels(attribute('height'));
  if (width !== undefined && height !== undefined) return { width, height };
  const box = attribute('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  return box?.length === 4 ? { width: box[2] ?? 0, height: box[3] ?? 0 } : undefined;
}
