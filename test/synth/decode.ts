// Decoders independent of the encoders that wrote the bytes: fast-png (not our PNG writer),
// jpeg-js (pure JavaScript, not MozJPEG), image-in-browser (pure TypeScript, not libwebp), and
// saxes, a conformant XML parser, for SVG.
import { decode as decodePng } from 'fast-png';
import { decodeWebP } from 'image-in-browser';
import { decode as decodeJpeg } from 'jpeg-js';
import { SaxesParser } from 'saxes';

/** A decoded image as RGBA, whatever the file stored, plus what the file itself declares. */
export interface DecodedImage {
  width: number;
  height: number;
  /** Channels stored in the file: 3 (no alpha) or 4. */
  channels: number;
  /** RGBA, 4 bytes per pixel. */
  data: Uint8Array;
}

/** Decodes PNG, JPEG or WebP bytes by media type. */
export function decodeImage(bytes: Uint8Array, mediaType: string): DecodedImage {
  if (mediaType === 'image/png') {
    const png = decodePng(bytes);
    const rgba = new Uint8Array(png.width * png.height * 4);
    const source = png.data;
    for (let p = 0, from = 0; p < png.width * png.height; p++, from += png.channels) {
      rgba[p * 4] = source[from] ?? 0;
      rgba[p * 4 + 1] = source[from + 1] ?? 0;
      rgba[p * 4 + 2] = source[from + 2] ?? 0;
      rgba[p * 4 + 3] = png.channels === 4 ? (source[from + 3] ?? 0) : 255;
    }
    return { width: png.width, height: png.height, channels: png.channels, data: rgba };
  }
  if (mediaType === 'image/jpeg') {
    const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: jpeg.width, height: jpeg.height, channels: 3, data: jpeg.data };
  }
  if (mediaType === 'image/webp') {
    const image = decodeWebP({ data: bytes });
    if (!image) throw new Error('image-in-browser could not decode the WebP file');
    const rgba = image.convert({ numChannels: 4 }).toUint8Array();
    return { width: image.width, height: image.height, channels: webpInfo(bytes).alpha ? 4 : 3, data: rgba };
  }
  throw new Error(`no decoder for ${mediaType}`);
}

/** Decodes base64 of any raster format by media type. */
export function decodeBase64Image(b64: string, mediaType: string): DecodedImage {
  return decodeImage(new Uint8Array(Buffer.from(b64, 'base64')), mediaType);
}

/** What a WebP file's container says: lossless (VP8L) or lossy (VP8), and whether it has alpha. */
export function webpInfo(bytes: Uint8Array): { lossless: boolean; alpha: boolean } {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (text(0, 4) !== 'RIFF' || text(8, 12) !== 'WEBP') throw new Error('not a WebP file');
  const chunks = new Map<string, number>();
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size =
      (bytes[at + 4] ?? 0) |
      ((bytes[at + 5] ?? 0) << 8) |
      ((bytes[at + 6] ?? 0) << 16) |
      ((bytes[at + 7] ?? 0) << 24);
    chunks.set(text(at, at + 4), at + 8);
    at += 8 + size + (size & 1);
  }
  const vp8l = chunks.get('VP8L');
  if (vp8l !== undefined) {
    // Signature byte, then 14 + 14 bits of size, then the alpha_is_used bit.
    return { lossless: true, alpha: (((bytes[vp8l + 4] ?? 0) >> 4) & 1) === 1 };
  }
  return { lossless: false, alpha: chunks.has('ALPH') };
}

/** Parses SVG markup with a strict XML parser; returns the root's attributes and all text. */
export function parseSvg(markup: string): { attributes: Record<string, string>; text: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  let attributes: Record<string, string> | undefined;
  const text: string[] = [];
  parser.on('opentag', (tag) => {
    if (!attributes) {
      if (tag.local !== 'svg' || tag.uri !== 'http://www.w3.org/2000/svg')
        throw new Error(`root is ${tag.name}`);
      attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value]));
    }
  });
  parser.on('text', (value) => {
    if (value.trim()) text.push(value);
  });
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(markup).close();
  if (!attributes) throw new Error('no root element');
  return { attributes, text };
}

/** Distinct RGBA colours of a decoded image, sampled every `step` pixels in both directions. */
export function distinctColours(image: DecodedImage, step = 4): number {
  const seen = new Set<number>();
  for (let y = 0; y < image.height; y += step) {
    for (let x = 0; x < image.width; x += step) {
      const at = (y * image.width + x) * 4;
      const d = image.data;
      seen.add((((d[at] ?? 0) * 256 + (d[at + 1] ?? 0)) * 256 + (d[at + 2] ?? 0)) * 256 + (d[at + 3] ?? 0));
    }
  }
  return seen.size;
}
