import type { ImageGenerationUsage, ImagePricingEntry } from '../contract/types.ts';
import type { GenerationPlan } from './plan.ts';

/** Completion tokens of one image, by the model's token rules (see `TokenRules`). */
export function imageTokens(plan: GenerationPlan): number {
  const rules = plan.model.mock.tokens;
  const pixels = plan.width * plan.height;
  if (rules.per_image_by_quality) {
    const base = rules.per_image_by_quality[plan.quality ?? rules.auto_quality ?? 'medium'];
    return Math.round((base * pixels) / (rules.reference_pixels ?? pixels));
  }
  if (rules.per_image_by_resolution) return rules.per_image_by_resolution[plan.resolution] ?? 0;
  if (rules.pixels_per_token) return Math.ceil(pixels / rules.pixels_per_token);
  return rules.per_image ?? 0;
}

/** A rough tokenizer stand-in: about four bytes of UTF-8 per token. */
export function promptTokens(prompt: string): number {
  return Math.ceil(new TextEncoder().encode(prompt).length / 4);
}

/**
 * The pricing lines that apply to a request of `resolution` and `quality`. A line with a `variant`
 * (`2k`, `4k`, `high`, `low_1k`…) prices only the requests it names, and replaces the plain line of
 * the same `billable`: the service lists a base price and its tiered variants side by side.
 */
export function applicablePricing(
  lines: readonly ImagePricingEntry[],
  resolution: string | undefined,
  quality: string | undefined,
): ImagePricingEntry[] {
  const names = [resolution, quality];
  if (resolution && quality) names.push(`${quality}_${resolution}`, `${resolution}_${quality}`);
  const wanted = new Set(names.filter((name) => name !== undefined).map((name) => name.toLowerCase()));
  const matching = lines.filter((line) => line.variant && wanted.has(line.variant.toLowerCase()));
  const tiered = new Set(matching.map((line) => line.billable));
  return [...matching, ...lines.filter((line) => !line.variant && !tiered.has(line.billable))];
}

/** Tokens and cost of `count` images, priced by the serving endpoint's pricing lines. */
export function usageFor(plan: GenerationPlan, count: number): ImageGenerationUsage {
  const perImage = imageTokens(plan);
  const completion = perImage * count;
  const prompt = plan.model.mock.tokens.count_prompt ? promptTokens(plan.prompt) : 0;
  const megapixels = (plan.width * plan.height) / 1_000_000;
  let cost = 0;
  for (const line of applicablePricing(plan.endpoint.pricing, plan.resolution, plan.quality)) {
    const quantity =
      line.billable === 'output_image'
        ? { image: count, megapixel: megapixels * count, token: completion, request: 1 }[line.unit]
        : line.billable === 'input_text'
          ? { token: prompt, request: 0, image: 0, megapixel: 0 }[line.unit]
          : line.billable === 'input_reference' || line.billable === 'input_image'
            ? // Reference images count as one megapixel / one image / 1,000 tokens each: the mock never decodes them.
              {
                image: plan.referenceCount,
                megapixel: plan.referenceCount,
                token: plan.referenceCount * 1000,
                request: 0,
              }[line.unit]
            : 0;
    cost += (quantity ?? 0) * line.cost_usd;
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    // Rounded to 1e-9 dollars so float noise never shows in a cost people compare.
    cost: Math.round(cost * 1e9) / 1e9,
  };
}
