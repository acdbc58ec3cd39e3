import { ASPECT_RATIOS, BACKGROUNDS, OUTPUT_FORMATS, QUALITIES, RESOLUTIONS } from '../contract/enums.ts';
import type { ImageEndpoint } from '../contract/types.ts';
import type { CatalogModel } from './catalog.ts';

/** Served on answers from a generic model, so a client (or a person reading a trace) can tell. */
export const GENERIC_MODEL_HEADER = 'x-mock-generic-model';

const utf8 = new TextEncoder();
/** Visible ASCII but `%`: what a header value carries as it is. */
const HEADER_SAFE = /^[!-$&-~]$/;

/**
 * The id as the value of {@link GENERIC_MODEL_HEADER}: a well-formed id may hold any character but
 * blanks (another script, control characters), which a header cannot carry. Every character but
 * visible ASCII, and `%` itself, is percent-encoded as UTF-8, so `decodeURIComponent` gives the id back.
 */
export function genericModelHeaderValue(id: string): string {
  let value = '';
  for (const char of id) {
    if (HEADER_SAFE.test(char)) value += char;
    // A lone surrogate encodes as U+FFFD, as in any UTF-8 text.
    else
      for (const byte of utf8.encode(char)) value += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return value;
}

/** A well-formed model id: `author/slug`, no blanks, no further slash. */
export const MODEL_ID = /^[^/\s]+\/[^/\s]+$/;

// One endpoint that takes every value the contract lists: a stand-in for a model the catalog
// lacks, so an app that names a model the mock does not know can still be tested.
const GENERIC_ENDPOINT: ImageEndpoint = {
  provider_name: 'Mock (generic)',
  provider_slug: 'mock-generic',
  provider_tag: 'mock-generic',
  supported_parameters: {
    resolution: { type: 'enum', values: [...RESOLUTIONS] },
    aspect_ratio: { type: 'enum', values: [...ASPECT_RATIOS] },
    n: { type: 'range', min: 1, max: 10 },
    input_references: { type: 'range', min: 0, max: 16 },
    output_format: { type: 'enum', values: [...OUTPUT_FORMATS] },
    quality: { type: 'enum', values: [...QUALITIES] },
    background: { type: 'enum', values: [...BACKGROUNDS] },
    output_compression: { type: 'range', min: 0, max: 100 },
    seed: { type: 'boolean' },
  },
  allowed_passthrough_parameters: [],
  supports_streaming: true,
  pricing: [{ billable: 'output_image', unit: 'image', cost_usd: 0.04 }],
};

const GENERIC_MOCK: CatalogModel['mock'] = {
  provenance: {
    sources: [],
    assumed: [
      'every capability: every value the contract lists (unknownModels: generic)',
      'pricing: $0.04 per image (the reference page example)',
      'sizing: 1K 1:1 by default, any explicit WxH up to 4096x4096',
    ],
  },
  default_output_format: 'png',
  sizing: {
    grid: 16,
    default_resolution: '1K',
    default_aspect_ratio: '1:1',
    explicit: 'any',
    max_pixels: 16_777_216,
    max_side: 4096,
  },
  tokens: { per_image: 1024 },
};

/**
 * The model a mock with `unknownModels: 'generic'` answers an id it does not list with. Built on
 * demand and never kept: ids come from callers, so a cache would grow with them.
 */
export function genericModel(id: string): CatalogModel {
  return {
    id,
    name: `${id} (generic)`,
    description: 'A model the mock does not list, answered with every value the contract allows.',
    created: 0,
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['image'] },
    endpoints: [GENERIC_ENDPOINT],
    mock: GENERIC_MOCK,
  };
}
