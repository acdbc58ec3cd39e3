import { OUTPUT_FORMATS, RESOLUTIONS } from '../contract/enums.ts';
import type {
  ImageEndpoint,
  ImageModelArchitecture,
  ImageModelEndpointsResponse,
  ImageModelListItem,
  OutputFormat,
  Resolution,
  SupportedParameters,
} from '../contract/types.ts';
import { validateSchema } from '../contract/validators.ts';
import { MisuseError } from '../message.ts';
import defaultCatalogFile from './default-catalog.json' with { type: 'json' };
import { genericModel, MODEL_ID } from './generic.ts';
import { completeCatalogModel } from './infer.ts';

/** How a model turns `resolution`, `aspect_ratio` and `size` into pixels (mock-only, never served). */
export interface SizingRules {
  /** Sides derived from a tier and a ratio are multiples of this. */
  grid: number;
  default_resolution: Resolution;
  default_aspect_ratio: string;
  /** Exact sizes per aspect ratio, for models with a fixed table (gpt-image-1, Gemini 2.5). */
  fixed?: Record<string, string>;
  /**
   * Exact sizes per tier and aspect ratio, for models whose provider publishes one table per tier
   * (Gemini 3 Pro Image). A tier/ratio the table lacks falls back to `fixed`, then to the derived size.
   */
  fixed_by_resolution?: Partial<Record<Resolution, Record<string, string>>>;
  /**
   * What an explicit `size: "WxH"` gets: `any` honours it exactly within the pixel limits,
   * `fixed` only the sizes of the table (others 400), `nearest` the tier/ratio size closest to it.
   */
  explicit: 'any' | 'fixed' | 'nearest';
  min_pixels?: number;
  max_pixels?: number;
  max_side?: number;
}

/** How many completion tokens one image counts (mock-only); the cost follows the endpoint's pricing. */
export interface TokenRules {
  per_image?: number;
  pixels_per_token?: number;
  per_image_by_quality?: Record<'low' | 'medium' | 'high', number>;
  per_image_by_resolution?: Partial<Record<Resolution, number>>;
  /** Pixel count the per-quality figures are quoted for; other sizes scale linearly. */
  reference_pixels?: number;
  auto_quality?: 'low' | 'medium' | 'high';
  /** Whether the prompt counts as prompt tokens (token-priced models) or not (per-image models). */
  count_prompt?: boolean;
}

/**
 * Where a catalog entry's facts come from (mock-only, never served). Each source is a public page
 * read on a date; what no source states is listed in `assumed` with the rule used, so a reader can
 * tell the service's word from the mock's guess.
 */
export interface CatalogProvenance {
  sources: { url: string; read: string; what?: string }[];
  /** Facts no public source states, each as `field: value (rule used)`. */
  assumed?: string[];
}

export interface MockRules {
  provenance?: CatalogProvenance;
  default_output_format: OutputFormat;
  sizing: SizingRules;
  tokens: TokenRules;
}

/** One model of the catalog: what the models endpoints serve, plus the mock's own rules. */
export interface CatalogModel {
  id: string;
  name: string;
  description: string;
  created: number;
  architecture: ImageModelArchitecture;
  endpoints: ImageEndpoint[];
  mock: MockRules;
}

/** The mock block as a catalog entry may state it: any part left out is inferred (see `infer.ts`). */
export interface MockRulesInput {
  provenance?: CatalogProvenance;
  default_output_format?: OutputFormat;
  sizing?: Partial<SizingRules>;
  tokens?: TokenRules;
}

/** A model as a catalog file or the `models` option gives it: `mock` may be partial or absent. */
export interface CatalogModelInput extends Omit<CatalogModel, 'mock'> {
  mock?: MockRulesInput;
}

/** The models shipped with the package (see `default-catalog.json` for where the facts come from). */
export const defaultModels: readonly CatalogModel[] = (
  defaultCatalogFile as unknown as { models: CatalogModel[] }
).models;

/** Fails fast, with the field named, when a user-supplied model cannot be served faithfully. */
export function assertCatalogModel(model: CatalogModel): void {
  const where = `catalog model "${model?.id ?? '?'}"`;
  if (typeof model?.id !== 'string' || !MODEL_ID.test(model.id)) {
    throw new MisuseError(`${where}: id must look like "author/slug"`);
  }
  if (!Array.isArray(model.endpoints) || model.endpoints.length === 0) {
    throw new MisuseError(`${where}: needs at least one endpoint`);
  }
  const item = validateSchema('ImageModelListItem', toListItem(model, '/api/v1'));
  const endpoints = validateSchema('ImageModelEndpointsResponse', toEndpointsResponse(model));
  const problems = [...item, ...endpoints];
  if (problems.length > 0) throw new MisuseError(`${where}: ${problems.map((p) => p.message).join('; ')}`);
  const sizing = model.mock?.sizing;
  if (!sizing || !(sizing.grid >= 1) || !['any', 'fixed', 'nearest'].includes(sizing.explicit)) {
    throw new MisuseError(`${where}: mock.sizing needs a grid >= 1 and explicit "any", "fixed" or "nearest"`);
  }
  if (sizing.explicit === 'fixed' && !sizing.fixed && !sizing.fixed_by_resolution) {
    throw new MisuseError(`${where}: mock.sizing.explicit "fixed" needs a mock.sizing.fixed table`);
  }
  // Single fields may now be overridden by hand: a typo must not reach the size rule as NaN.
  if (!RESOLUTIONS.includes(sizing.default_resolution)) {
    throw new MisuseError(
      `${where}: mock.sizing.default_resolution must be one of ${RESOLUTIONS.join(', ')}`,
    );
  }
  if (!/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(String(sizing.default_aspect_ratio))) {
    throw new MisuseError(`${where}: mock.sizing.default_aspect_ratio must look like "w:h"`);
  }
  if (!OUTPUT_FORMATS.includes(model.mock.default_output_format)) {
    throw new MisuseError(`${where}: mock.default_output_format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  }
}

/** Union of the endpoints' parameters, as the list endpoint reports them. */
function unionParameters(endpoints: readonly ImageEndpoint[]): SupportedParameters {
  const out: SupportedParameters = {};
  for (const endpoint of endpoints) {
    for (const [name, capability] of Object.entries(endpoint.supported_parameters)) {
      const seen = out[name];
      if (!seen) out[name] = structuredClone(capability);
      else if (seen.type === 'enum' && capability.type === 'enum') {
        seen.values = [...new Set([...seen.values, ...capability.values])];
      } else if (seen.type === 'range' && capability.type === 'range') {
        seen.min = Math.min(seen.min, capability.min);
        seen.max = Math.max(seen.max, capability.max);
      }
    }
  }
  return out;
}

/** The model as `GET /images/models` lists it; `apiPath` is the base path, e.g. `/api/v1`. */
export function toListItem(model: CatalogModel, apiPath: string): ImageModelListItem {
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    created: model.created,
    architecture: model.architecture,
    supported_parameters: unionParameters(model.endpoints),
    supports_streaming: model.endpoints.some((e) => e.supports_streaming),
    endpoints: `${apiPath}/images/models/${model.id}/endpoints`,
  };
}

/** The model as `GET /images/models/{author}/{slug}/endpoints` answers it. */
export function toEndpointsResponse(model: CatalogModel): ImageModelEndpointsResponse {
  return { id: model.id, endpoints: model.endpoints };
}

export interface CatalogOptions {
  /**
   * Models to add; one with the id of a default model replaces it. `mock`, or any part of it, may
   * be left out: it is inferred from the endpoints (see `inferMockRules`), and what is stated wins.
   */
  models?: readonly CatalogModelInput[];
  /** Serve only `models`, without the defaults. Default `false`. */
  replaceDefaults?: boolean;
  /**
   * What a request for a model the catalog lacks gets: the service's 400 naming the id
   * (`'refuse'`, the default), or a generic model that takes every value the contract lists
   * (`'generic'`; any well-formed `author/slug`, answered with an `x-mock-generic-model` header).
   */
  unknownModels?: 'refuse' | 'generic';
}

/** The model a request names, and whether it is the generic stand-in for an id the catalog lacks. */
export interface ModelLookup {
  model: CatalogModel;
  generic: boolean;
}

/** The models a mock serves, by id. */
export class Catalog {
  readonly #models = new Map<string, CatalogModel>();
  #providers: Set<string> | undefined;
  readonly unknownModels: 'refuse' | 'generic';

  constructor(options: CatalogOptions = {}) {
    // The defaults ship complete and checked (test/models/catalog-derived.test.ts): shared as they are.
    if (!options.replaceDefaults) for (const model of defaultModels) this.#models.set(model.id, model);
    for (const input of options.models ?? []) {
      const model = completeCatalogModel(input);
      assertCatalogModel(model);
      this.#models.set(model.id, model);
    }
    this.unknownModels = options.unknownModels ?? 'refuse';
  }

  get(id: string): CatalogModel | undefined {
    return this.#models.get(id);
  }

  list(): CatalogModel[] {
    return [...this.#models.values()];
  }

  /** The model a request names: a listed one, the generic stand-in (when asked for), or none. */
  lookup(id: string): ModelLookup | undefined {
    const model = this.#models.get(id);
    if (model) return { model, generic: false };
    if (this.unknownModels === 'generic' && MODEL_ID.test(id))
      return { model: genericModel(id), generic: true };
    return undefined;
  }

  /** Whether any listed endpoint has this provider slug, tag or name (case-insensitive). */
  knowsProvider(name: string): boolean {
    // Built on first use: most requests name no provider.
    if (!this.#providers) {
      this.#providers = new Set();
      for (const model of this.#models.values()) {
        for (const e of model.endpoints) {
          for (const known of [e.provider_slug, e.provider_tag, e.provider_name]) {
            if (known) this.#providers.add(known.toLowerCase());
          }
        }
      }
    }
    return this.#providers.has(name.toLowerCase());
  }
}
