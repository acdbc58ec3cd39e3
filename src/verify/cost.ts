import type { ImagePricingEntry } from '../contract/types.ts';
import type { CatalogModel } from '../models/catalog.ts';
import { applicablePricing } from '../models/usage.ts';
import type { VerifyCase } from './suite.ts';

/** Megapixels of a tier's square; a request without one counts as 1K. */
const TIER_MEGAPIXELS: Record<string, number> = {
  '512': 0.262144,
  '1K': 1.048576,
  '2K': 4.194304,
  '4K': 16.777216,
};

/** What the selected cases may cost, from the target's pricing lines. */
export interface CostEstimate {
  /** Sum of the cases that could be priced, in US dollars. */
  usd: number;
  /** Generation requests priced. */
  priced: number;
  /** Generation requests whose price the pricing lines cannot give (token-priced models the local catalog does not know). */
  unpriced: string[];
}

function tokensPerImage(model: CatalogModel | undefined, body: Record<string, unknown>): number | undefined {
  const rules = model?.mock.tokens;
  if (!rules) return undefined;
  const tier = typeof body.resolution === 'string' ? body.resolution : '1K';
  if (rules.per_image_by_quality) {
    const quality = body.quality === 'low' || body.quality === 'high' ? body.quality : 'medium';
    return rules.per_image_by_quality[quality];
  }
  if (rules.per_image_by_resolution) return rules.per_image_by_resolution[tier as '1K'];
  if (rules.pixels_per_token) return ((TIER_MEGAPIXELS[tier] ?? 1) * 1e6) / rules.pixels_per_token;
  return rules.per_image;
}

/**
 * The price of one case: refused requests cost nothing (the service does not charge them);
 * a served one is priced by the endpoint's `output_image` lines (per image, per megapixel of the
 * requested tier, per request, or per token with the local catalog's token rules) and its
 * reference-image lines. Undefined when the lines cannot say.
 */
export function estimateCaseCost(
  testCase: VerifyCase,
  pricing: readonly ImagePricingEntry[] | undefined,
  localModel?: CatalogModel,
): number | undefined {
  if (testCase.kind === 'negative' || testCase.method !== 'POST') return 0;
  if (!pricing) return undefined;
  const body = (testCase.body ?? {}) as Record<string, unknown>;
  const n = typeof body.n === 'number' ? body.n : 1;
  const tier = typeof body.resolution === 'string' ? body.resolution : '1K';
  const megapixels = TIER_MEGAPIXELS[tier] ?? 1;
  const refs = Array.isArray(body.input_references) ? body.input_references.length : 0;
  let usd = 0;
  const quality = typeof body.quality === 'string' ? body.quality : undefined;
  for (const line of applicablePricing(pricing, tier, quality)) {
    const output = line.billable === 'output_image';
    const input = line.billable === 'input_image' || line.billable === 'input_reference';
    if (!output && !input) continue;
    const count = output ? n : refs;
    if (count === 0) continue;
    switch (line.unit) {
      case 'image':
        usd += count * line.cost_usd;
        break;
      case 'megapixel':
        usd += count * (output ? megapixels : 1) * line.cost_usd;
        break;
      case 'request':
        usd += line.cost_usd;
        break;
      case 'token': {
        const tokens = output ? tokensPerImage(localModel, body) : 1000;
        if (tokens === undefined) return undefined;
        usd += count * tokens * line.cost_usd;
        break;
      }
    }
  }
  return usd;
}

/** The estimate over a selection, given each model's pricing (from its endpoints route). */
export function estimateCost(
  cases: readonly VerifyCase[],
  pricingOf: (model: string) => readonly ImagePricingEntry[] | undefined,
  localModelOf: (model: string) => CatalogModel | undefined = () => undefined,
): CostEstimate {
  const estimate: CostEstimate = { usd: 0, priced: 0, unpriced: [] };
  for (const testCase of cases) {
    if (testCase.kind === 'negative' || testCase.method !== 'POST') continue;
    const model = testCase.model ?? '';
    const usd = estimateCaseCost(testCase, pricingOf(model), localModelOf(model));
    if (usd === undefined) estimate.unpriced.push(testCase.id);
    else {
      estimate.usd += usd;
      estimate.priced++;
    }
  }
  estimate.usd = Math.round(estimate.usd * 1e6) / 1e6;
  return estimate;
}
