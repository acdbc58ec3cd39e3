import { describe, expect, it } from 'vitest';
import { synthesizedImage } from '../core/provided-images.ts';
import { OUTPUT_FORMATS } from './enums.ts';
import {
  FORMAT_NAMES,
  formatOfMediaType,
  formatOfSignature,
  MEDIA_FORMATS,
  sniffFormat,
} from './media-types.ts';

describe('the media-type table', () => {
  it('has an entry for every output_format of the contract, and no other', () => {
    expect(Object.keys(MEDIA_FORMATS).sort()).toEqual([...OUTPUT_FORMATS].sort());
  });

  it.each(OUTPUT_FORMATS)(
    'recognizes the %s images the mock makes, by their signature only',
    async (format) => {
      const image = await synthesizedImage({ width: 64, height: 48, format, label: 'table' }, 0);
      const entry = MEDIA_FORMATS[format];
      expect(image.mediaType).toBe(entry.mediaType);
      expect(formatOfMediaType(entry.mediaType)).toBe(format);
      expect(formatOfSignature(image.bytes)).toBe(format);
      expect(sniffFormat(image.bytes)).toBe(format);
      const others = OUTPUT_FORMATS.filter((other) => other !== format);
      expect(others.filter((other) => MEDIA_FORMATS[other].signature(image.bytes))).toEqual([]);
    },
  );

  it('names every format in messages, as people write them', () => {
    expect(FORMAT_NAMES).toBe('PNG, JPEG, WebP or SVG');
  });

  it('calls markup SVG only with an <svg element when nothing labels it', () => {
    const html = new TextEncoder().encode('\n<!doctype html><html><body>not an image</body></html>');
    expect(formatOfSignature(html)).toBe('svg');
    expect(sniffFormat(html)).toBeUndefined();
    expect(
      sniffFormat(new TextEncoder().encode('\ufeff <?xml version="1.0"?>\n<svg viewBox="0 0 1 1"></svg>')),
    ).toBe('svg');
  });
});
