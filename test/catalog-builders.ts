// Made-up catalog entries for tests of the catalog's inference and of `catalog pull`.
import type { ImageEndpoint, ImagePricingEntry, SupportedParameters } from '../src/contract/types.ts';
import type { CatalogModelInput } from '../src/models/catalog.ts';

export const enumOf = (...values: string[]) => ({ type: 'enum' as const, values });

export const price = (
  unit: ImagePricingEntry['unit'],
  billable: ImagePricingEntry['billable'] = 'output_image',
  cost_usd = 0.01,
): ImagePricingEntry => ({ billable, unit, cost_usd });

/** One endpoint of the made-up provider Acme. */
export const acmeEndpoint = (
  supported_parameters: SupportedParameters,
  pricing: ImagePricingEntry[] = [price('image')],
  supports_streaming = false,
): ImageEndpoint => ({
  provider_name: 'Acme',
  provider_slug: 'acme',
  provider_tag: 'acme',
  supported_parameters,
  allowed_passthrough_parameters: [],
  supports_streaming,
  pricing,
});

/** A text-to-image model served by `endpoint`. */
export const acmeModel = (
  id: string,
  endpoint: ImageEndpoint,
  fields: Partial<CatalogModelInput> = {},
): CatalogModelInput => ({
  id,
  name: `Acme ${id}`,
  description: 'A made-up model.',
  created: 1767225600,
  architecture: { input_modalities: ['text'], output_modalities: ['image'] },
  endpoints: [endpoint],
  ...fields,
});
