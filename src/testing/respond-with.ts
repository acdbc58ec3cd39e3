import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FORMAT_NAMES } from '../contract/media-types.ts';
import type { ImageGenerationRequest, ImageGenerationUsage } from '../contract/types.ts';
import type { Violation } from '../contract/violations.ts';
import {
  answerViolations,
  hueOf,
  type SynthesizedImageOptions,
  sniffMediaType,
  synthesizedImage,
} from '../core/provided-images.ts';
import { said } from '../message.ts';
import type { ProvidedImage, Scenario } from '../scenarios/scenario.ts';

export { type SynthesizedImageOptions, sniffMediaType };

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

async function toProvided(source: ImageSource, index: number): Promise<ProvidedImage> {
  if (source instanceof Uint8Array) {
    const mediaType = sniffMediaType(source);
    if (!mediaType) throw new Error(said(`respondWith: image ${index} is not a ${FORMAT_NAMES}`));
    return { bytes: source, mediaType };
  }
  if ('file' in source) {
    const bytes = new Uint8Array(readFileSync(resolve(source.file)));
    const mediaType = sniffMediaType(bytes);
    if (!mediaType) throw new Error(said(`respondWith: ${source.file} is not a ${FORMAT_NAMES}`));
    return { bytes, mediaType };
  }
  if (source.synthesize.color !== undefined) checkColor(source.synthesize.color);
  return synthesizedImage(source.synthesize, index);
}

/** Throws the misuse error that names a colour that is not CSS hex. */
function checkColor(color: string): void {
  if (hueOf(color) === undefined)
    throw new Error(said(`respondWith: color must be a CSS hex colour such as #e63946, got "${color}"`));
}

/** Checks image sources up front, so a missing file or a bad colour fails where the test names it. */
function checkSource(source: ImageSource, index: number): void {
  if (source instanceof Uint8Array) {
    if (!sniffMediaType(source))
      throw new Error(said(`respondWith: image ${index} is not a ${FORMAT_NAMES}`));
  } else if ('file' in source) {
    const bytes = new Uint8Array(readFileSync(resolve(source.file)));
    if (!sniffMediaType(bytes)) throw new Error(said(`respondWith: ${source.file} is not a ${FORMAT_NAMES}`));
  } else if (source.synthesize.color !== undefined) {
    checkColor(source.synthesize.color);
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
  return { ...override, violations: answerViolations(spec) };
}
