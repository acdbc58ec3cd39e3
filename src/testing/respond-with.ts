import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MEDIA_TYPES } from '../contract/enums.ts';
import type { ImageGenerationRequest, ImageGenerationUsage, OutputFormat } from '../contract/types.ts';
import { validateSchema } from '../contract/validators.ts';
import type { Violation } from '../contract/violations.ts';
import { prepareSynthesis, synthesizeImage } from '../core/images.ts';
import type { GenerationPlan } from '../models/plan.ts';
import type { ProvidedImage, Scenario } from '../scenarios/scenario.ts';

/** Synthesis options for an image a test wants: size, format and the label drawn on it. */
export interface SynthesizedImageOptions {
  width: number;
  height: number;
  /** @default 'png' */
  format?: OutputFormat;
  /** Text drawn on the image (the label's prompt line). @default '' */
  label?: string;
  /** Seed of the colours. @default 0 */
  seed?: number;
  /** Transparent background (png, webp). @default false */
  transparent?: boolean;
  /** The main colour, as CSS hex (`#e63946`, `#f00`); its hue tints the picture. @default from the label */
  color?: string;
}

/** An image to answer with: bytes, a file (relative to the working directory), or synthesis options. */
export type ImageSource = Uint8Array | { file: string } | { synthesize: SynthesizedImageOptions };

/** What `respondWith` answers; anything left out is what the mock would have answered. */
export interface RespondWithSpec {
  images?: readonly ImageSource[];
  usage?: Partial<ImageGenerationUsage>;
  created?: number;
}

export interface OverrideOptions {
  /** Only the next request, then the mock's own answers again. @default false (rest of the test) */
  once?: boolean;
  /**
   * Check the answer against the contract; a break fails the test with the reason. Turn it off
   * only to provoke a broken server on purpose. @default true
   */
  check?: boolean;
}

/** A change to the answer of `POST /images`, for `mock.use(...)`. */
export interface AnswerOverride {
  readonly once: boolean;
  /** The scenario for one request, given its parsed body. */
  scenarioFor(body: ImageGenerationRequest): Scenario | Promise<Scenario>;
  /** For a static spec: how its answer would break the contract (checked when it is `use`d). */
  readonly violations?: Violation[];
}

const PREFIX = '[openrouter-images-mock] respondWith';

/** The media type of image bytes, from their signature. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return MEDIA_TYPES.png;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return MEDIA_TYPES.jpeg;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return MEDIA_TYPES.webp;
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<') && /<svg[\s>]/.test(head)) return MEDIA_TYPES.svg;
  return undefined;
}

/** Hue in degrees of a CSS hex colour, or a misuse error. */
function hueOf(color: string): number {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) throw new Error(`${PREFIX}: color must be a CSS hex colour such as #e63946, got "${color}"`);
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (delta === 0) return 0;
  const hue = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return (hue * 60 + 360) % 360;
}

function planFor(options: SynthesizedImageOptions): GenerationPlan {
  return {
    model: { id: 'respondWith' },
    prompt: options.label ?? '',
    width: options.width,
    height: options.height,
    format: options.format ?? 'png',
    transparent: options.transparent ?? false,
    seed: options.seed ?? 0,
    quality: undefined,
    compression: undefined,
  } as unknown as GenerationPlan;
}

async function toProvided(source: ImageSource, index: number): Promise<ProvidedImage> {
  if (source instanceof Uint8Array) {
    const mediaType = sniffMediaType(source);
    if (!mediaType) throw new Error(`${PREFIX}: image ${index} is not a PNG, JPEG, WebP or SVG`);
    return { bytes: source, mediaType };
  }
  if ('file' in source) {
    const bytes = new Uint8Array(readFileSync(resolve(source.file)));
    const mediaType = sniffMediaType(bytes);
    if (!mediaType) throw new Error(`${PREFIX}: ${source.file} is not a PNG, JPEG, WebP or SVG`);
    return { bytes, mediaType };
  }
  const options = source.synthesize;
  const plan = planFor(options);
  const look = options.color === undefined ? {} : { hue: hueOf(options.color) };
  await prepareSynthesis(plan);
  return synthesizeImage(plan, index, undefined, look);
}

/** Checks image sources up front, so a missing file or a bad colour fails where the test names it. */
function checkSource(source: ImageSource, index: number): void {
  if (source instanceof Uint8Array) {
    if (!sniffMediaType(source)) throw new Error(`${PREFIX}: image ${index} is not a PNG, JPEG, WebP or SVG`);
  } else if ('file' in source) {
    const bytes = new Uint8Array(readFileSync(resolve(source.file)));
    if (!sniffMediaType(bytes)) throw new Error(`${PREFIX}: ${source.file} is not a PNG, JPEG, WebP or SVG`);
  } else if (source.synthesize.color !== undefined) {
    hueOf(source.synthesize.color);
  }
}

/**
 * Answers `POST /images` with the given images, usage or timestamp (or a function of the request
 * that returns them), after the mock's own authentication and validation. The answer is still
 * checked against the contract unless `check: false`.
 *
 * @example
 * mock.use(respondWith({ images: [{ file: 'fixtures/cat.png' }] }, { once: true }));
 * mock.use(respondWith((request) => ({ usage: { cost: request.n ?? 1 } })));
 */
export function respondWith(
  spec: RespondWithSpec | ((request: ImageGenerationRequest) => RespondWithSpec),
  options: OverrideOptions = {},
): AnswerOverride {
  const build = async (value: RespondWithSpec): Promise<Scenario> => {
    const scenario: Scenario = {};
    if (value.images) scenario.images = await Promise.all(value.images.map(toProvided));
    if (value.usage) scenario.usage = value.usage;
    if (value.created !== undefined) scenario.created = value.created;
    if (options.check === false) scenario.checkResponse = false;
    return scenario;
  };
  const override: AnswerOverride = {
    once: options.once ?? false,
    scenarioFor: (body) => build(typeof spec === 'function' ? spec(body) : spec),
  };
  if (typeof spec === 'function') return override;
  // A static spec is checked now, so a bad fixture fails where the test names it.
  spec.images?.forEach(checkSource);
  if (options.check === false) return override;
  // The images are real (or the mock's own); what a test can break is the rest of the answer.
  const sample = {
    created: spec.created ?? 0,
    data: [],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...spec.usage },
  };
  return { ...override, violations: validateSchema('ImageGenerationResponse', sample) };
}
