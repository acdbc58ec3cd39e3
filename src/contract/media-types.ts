// The one table of output formats: per format of the contract, the media type the service reports,
// the file extension, and how the bytes of such a file begin. Every module that names a media
// type or recognizes image bytes reads it here (synthesis, the stream's svg pieces, `validate`,
// the images a test or the control API provides, the gallery's size reader).
import type { OutputFormat } from './types.ts';

/** What the code knows about one output format. */
export interface MediaFormat {
  format: OutputFormat;
  /** What people call it, in messages. */
  name: string;
  /** As the service reports it in `media_type` (and as the gallery serves the bytes). */
  mediaType: string;
  /** File name extension, with its dot. */
  extension: string;
  /**
   * Whether a file's first bytes are this format's signature: its magic number; for SVG, which is
   * text, markup (`<` after an optional UTF-8 BOM and blank space). Reads at most
   * `SIGNATURE_BYTES` of `head`; enough to tell whether bytes are what a `media_type` says.
   */
  signature(head: Uint8Array): boolean;
  /**
   * What the head must show besides the signature before bytes that nothing labels are called
   * this format: markup is SVG only with an `<svg` element (a test's HTML page is not an image).
   */
  confirm?(head: Uint8Array): boolean;
}

/** How much of a file the signatures (and `confirm`) read. */
export const SIGNATURE_BYTES = 512;

const latin1 = (head: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...head.subarray(from, Math.min(to, SIGNATURE_BYTES)));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Every output format of the contract, in the order `formatOfSignature` tries them. */
export const MEDIA_FORMATS: Readonly<Record<OutputFormat, MediaFormat>> = {
  png: {
    format: 'png',
    name: 'PNG',
    mediaType: 'image/png',
    extension: '.png',
    signature: (head) => PNG_SIGNATURE.every((byte, at) => head[at] === byte),
  },
  jpeg: {
    format: 'jpeg',
    name: 'JPEG',
    mediaType: 'image/jpeg',
    extension: '.jpg',
    // SOI, then the first marker's 0xFF.
    signature: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  },
  webp: {
    format: 'webp',
    name: 'WebP',
    mediaType: 'image/webp',
    extension: '.webp',
    // A RIFF container of form type WEBP.
    signature: (head) => latin1(head, 0, 4) === 'RIFF' && latin1(head, 8, 12) === 'WEBP',
  },
  svg: {
    format: 'svg',
    name: 'SVG',
    mediaType: 'image/svg+xml',
    extension: '.svg',
    signature: (head) => /^(?:\xef\xbb\xbf)?\s*</.test(latin1(head, 0, SIGNATURE_BYTES)),
    confirm: (head) => /<svg[\s>]/.test(new TextDecoder().decode(head.subarray(0, SIGNATURE_BYTES))),
  },
};

const ENTRIES: readonly MediaFormat[] = Object.values(MEDIA_FORMATS);

/** The formats' names as a message lists them: `PNG, JPEG, WebP or SVG`. */
export const FORMAT_NAMES = `${ENTRIES.slice(0, -1)
  .map((entry) => entry.name)
  .join(', ')} or ${ENTRIES.at(-1)?.name}`;

/** MIME type of each output format, as the service reports it in `media_type`. */
export const MEDIA_TYPES: Readonly<Record<OutputFormat, string>> = Object.fromEntries(
  ENTRIES.map((entry) => [entry.format, entry.mediaType]),
) as Record<OutputFormat, string>;

/** The format a media type names, or undefined for one that is not an output format. */
export function formatOfMediaType(mediaType: string): OutputFormat | undefined {
  return ENTRIES.find((entry) => entry.mediaType === mediaType)?.format;
}

/** The first format whose signature the head carries, or undefined. */
export function formatOfSignature(head: Uint8Array): OutputFormat | undefined {
  return ENTRIES.find((entry) => entry.signature(head))?.format;
}

/**
 * The format of bytes that nothing labels (images a test or a control call provides): its
 * signature, and for SVG an `<svg` element too; undefined when the bytes are none of the formats.
 */
export function sniffFormat(bytes: Uint8Array): OutputFormat | undefined {
  const head = bytes.subarray(0, SIGNATURE_BYTES);
  return ENTRIES.find((entry) => entry.signature(head) && (entry.confirm?.(head) ?? true))?.format;
}
