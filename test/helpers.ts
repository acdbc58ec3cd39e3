import { decode } from 'fast-png';
import { expect } from 'vitest';

/** A well-formed key; the mock accepts any unless told otherwise. */
export const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';
export const BASE = 'https://openrouter.ai/api/v1';

/** POSTs a JSON body to `/images` with the test key. */
export function postImages(body: unknown, init: { base?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${init.base ?? BASE}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Decodes a base64 PNG with fast-png, a decoder independent of the pngjs encoder. */
export function decodePngBase64(b64: string) {
  const bytes = Buffer.from(b64, 'base64');
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return decode(bytes);
}

/** RGBA of the pixel at (x, y), whatever the channel count. */
export function pixelAt(
  image: ReturnType<typeof decode>,
  x: number,
  y: number,
): [number, number, number, number] {
  const c = image.channels;
  const i = (y * image.width + x) * c;
  const d = image.data;
  return [d[i] ?? 0, d[i + 1] ?? 0, d[i + 2] ?? 0, c === 4 ? (d[i + 3] ?? 0) : 255];
}

/** Number of distinct RGBA colours in the image (sampled on a grid for speed). */
export function distinctColours(image: ReturnType<typeof decode>, step = 4): number {
  const seen = new Set<number>();
  for (let y = 0; y < image.height; y += step) {
    for (let x = 0; x < image.width; x += step) {
      const [r, g, b, a] = pixelAt(image, x, y);
      seen.add(((r * 256 + g) * 256 + b) * 256 + a);
    }
  }
  return seen.size;
}
