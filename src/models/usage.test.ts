import { describe, expect, it } from 'vitest';
import type { ImagePricingEntry } from '../contract/types.ts';
import { applicablePricing } from './usage.ts';

const lines: ImagePricingEntry[] = [
  { billable: 'output_image', unit: 'image', cost_usd: 0.13 },
  { billable: 'output_image', unit: 'image', cost_usd: 0.15, variant: '2k' },
  { billable: 'output_image', unit: 'image', cost_usd: 0.17, variant: '4k' },
  { billable: 'input_image', unit: 'image', cost_usd: 0.01 },
];

describe('pricing lines with variants', () => {
  it('a tier without a variant line pays the plain line, and only it', () => {
    expect(applicablePricing(lines, '1K', undefined).map((l) => l.cost_usd)).toEqual([0.13, 0.01]);
  });

  it('a variant line replaces the plain line of its billable for the requests it names', () => {
    expect(applicablePricing(lines, '4K', undefined).map((l) => l.cost_usd)).toEqual([0.17, 0.01]);
    const byQuality: ImagePricingEntry[] = [
      { billable: 'output_image', unit: 'image', cost_usd: 0.04, variant: 'low_1k' },
      { billable: 'output_image', unit: 'image', cost_usd: 0.08, variant: 'medium_2k' },
    ];
    expect(applicablePricing(byQuality, '2K', 'medium').map((l) => l.cost_usd)).toEqual([0.08]);
  });
});
