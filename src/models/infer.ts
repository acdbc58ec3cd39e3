import { OUTPUT_FORMATS } from '../contract/enums.ts';
import type { ImageEndpoint, OutputFormat, Resolution } from '../contract/types.ts';
import type {
  CatalogModel,
  CatalogModelInput,
  CatalogProvenance,
  MockRules,
  SizingRules,
  TokenRules,
} from './catalog.ts';

/**
 * The mock-only part of a model (`MockRules`), inferred from what the service serves for it: the
 * union of its endpoints' `supported_parameters` and their `pricing`. Streaming and modalities
 * are served as they are and need no rule. The rules:
 *
 * - `default_output_format`: png when offered, else the first format offered (svg for an svg-only
 *   model); png when the model lists no `output_format`.
 * - `sizing.grid`: 16 (the usual latent grid).
 * - `sizing.default_resolution`: 1K when offered, else the offered tier nearest 1K (ties to the
 *   smaller); 1K when the model lists no `resolution`.
 * - `sizing.default_aspect_ratio`: 1:1 when offered, else the first offered ratio other than
 *   `auto`; 1:1 when the model lists none.
 * - `sizing.explicit`: `any` when the output is priced per megapixel (the price follows the area,
 *   so the provider takes any size), else `nearest`.
 * - `sizing.min_pixels` / `max_pixels`: the area of the smallest / largest offered tier (1K alone
 *   when none is listed); for `any`, half the smallest side and twice the largest, with
 *   `max_side` 4096. Never above 4096² per image, the mock's own cap.
 * - `tokens`: priced per token with `quality` offered → gpt-image-1's published per-quality
 *   counts (272 / 1056 / 4160 at 1024², `auto` = medium); per token otherwise, or per megapixel →
 *   `pixels_per_token` 1024; per image, per request or unpriced → `per_image` = the default
 *   tier's area / 1024. `count_prompt` when an `input_text` line is priced per token.
 *
 * A catalog entry's stated values win field by field, with two couplings: a stated `explicit`
 * brings its own bounds (none are inferred beside it), and a stated token count (`per_image`,
 * `pixels_per_token`, `per_image_by_quality`, `per_image_by_resolution`) makes the stated `tokens`
 * the whole token rule.
 */

/** One inferred value and why: `sizing.default_resolution: 1K (1K is offered)` once formatted. */
export interface InferredRule {
  field: string;
  value: unknown;
  why: string;
}

export interface InferredMock {
  rules: Omit<MockRules, 'provenance'>;
  /** One entry per inferred field, in the order of `rules`. */
  reasons: InferredRule[];
}

/** What inference reads: the served part of a model (tolerant of a malformed one; it is checked later). */
export type ServedModel = Pick<CatalogModelInput, 'endpoints'>;

const TIER_SIDE: Readonly<Record<Resolution, number>> = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 };
/** The mock's own cap per image (`DEFAULT_LIMITS.maxPixelsPerImage`). */
const MAX_SIDE = 4096;
const GRID = 16;
const PIXELS_PER_TOKEN = 1024;
/** OpenAI's published output tokens of gpt-image-1 at 1024², per quality. */
const QUALITY_TOKENS = { low: 272, medium: 1056, high: 4160 } as const;
const TOKEN_COUNTS = [
  'per_image',
  'pixels_per_token',
  'per_image_by_quality',
  'per_image_by_resolution',
] as const;
const BOUNDS = ['min_pixels', 'max_pixels', 'max_side'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function endpointsOf(model: ServedModel): ImageEndpoint[] {
  return Array.isArray(model?.endpoints) ? model.endpoints.filter(isObject) : [];
}

/** The values any endpoint lists for an enum parameter, first seen first. */
function offered(endpoints: readonly ImageEndpoint[], name: string): string[] {
  const values = new Set<string>();
  for (const endpoint of endpoints) {
    const capability = isObject(endpoint.supported_parameters)
      ? endpoint.supported_parameters[name]
      : undefined;
    if (capability?.type === 'enum' && Array.isArray(capability.values)) {
      for (const value of capability.values) values.add(String(value));
    }
  }
  return [...values];
}

function outputUnit(
  endpoints: readonly ImageEndpoint[],
): 'token' | 'megapixel' | 'image' | 'request' | undefined {
  const units = new Set(
    endpoints
      .flatMap((e) => (Array.isArray(e.pricing) ? e.pricing : []))
      .filter((line) => line?.billable === 'output_image')
      .map((line) => line.unit),
  );
  // Tokens first: only there do the mock's token counts change the cost.
  return (['token', 'megapixel', 'image', 'request'] as const).find((unit) => units.has(unit));
}

function promptPricedPerToken(endpoints: readonly ImageEndpoint[]): boolean {
  return endpoints.some(
    (e) =>
      Array.isArray(e.pricing) && e.pricing.some((l) => l?.billable === 'input_text' && l.unit === 'token'),
  );
}

/** The mock block for a model, every field inferred, with the reason for each. */
export function inferMockRules(model: ServedModel): InferredMock {
  const endpoints = endpointsOf(model);
  const reasons: InferredRule[] = [];
  const infer = <T>(field: string, value: T, why: string): T => {
    reasons.push({ field, value, why });
    return value;
  };

  const formats = offered(endpoints, 'output_format').filter((f): f is OutputFormat =>
    (OUTPUT_FORMATS as readonly string[]).includes(f),
  );
  const first = formats[0];
  const default_output_format =
    first === undefined
      ? infer('default_output_format', 'png' as OutputFormat, 'no output_format is offered: png')
      : formats.includes('png')
        ? infer('default_output_format', 'png' as OutputFormat, 'png is offered')
        : infer(
            'default_output_format',
            first,
            formats.length === 1 ? 'the only format offered' : 'png is not offered: the first offered',
          );

  const tiers = offered(endpoints, 'resolution').filter((t): t is Resolution => Object.hasOwn(TIER_SIDE, t));
  const byArea = [...tiers].sort((a, b) => TIER_SIDE[a] - TIER_SIDE[b]);
  const nearest1K = byArea.reduce<Resolution | undefined>(
    (best, t) =>
      best === undefined ||
      Math.abs(Math.log2(TIER_SIDE[t] / 1024)) < Math.abs(Math.log2(TIER_SIDE[best] / 1024))
        ? t
        : best,
    undefined,
  );
  const default_resolution =
    nearest1K === undefined
      ? infer('sizing.default_resolution', '1K' as Resolution, 'no resolution is offered: 1K')
      : nearest1K === '1K'
        ? infer('sizing.default_resolution', nearest1K, '1K is offered')
        : infer('sizing.default_resolution', nearest1K, '1K is not offered: the offered tier nearest 1K');

  const ratios = offered(endpoints, 'aspect_ratio').filter((r) => /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(r));
  const firstRatio = ratios[0];
  const default_aspect_ratio =
    firstRatio === undefined
      ? infer('sizing.default_aspect_ratio', '1:1', 'no aspect ratio other than auto is offered: 1:1')
      : ratios.includes('1:1')
        ? infer('sizing.default_aspect_ratio', '1:1', '1:1 is offered')
        : infer('sizing.default_aspect_ratio', firstRatio, '1:1 is not offered: the first offered ratio');

  const unit = outputUnit(endpoints);
  const grid = infer('sizing.grid', GRID, 'the usual latent grid');
  const explicit =
    unit === 'megapixel'
      ? infer<SizingRules['explicit']>(
          'sizing.explicit',
          'any',
          'priced per megapixel: any WxH within the bounds',
        )
      : infer<SizingRules['explicit']>(
          'sizing.explicit',
          'nearest',
          'a WxH size is normalized to the nearest offered tier and ratio',
        );
  const smallest = TIER_SIDE[byArea[0] ?? '1K'];
  const largest = TIER_SIDE[byArea.at(-1) ?? '1K'];
  // Without a resolution parameter the model is taken to make 1K images.
  const [least, most] =
    tiers.length === 0
      ? ['1K, as no resolution is offered', '1K, as no resolution is offered']
      : ['the smallest offered tier', 'the largest offered tier'];
  const sizing: SizingRules = { grid, default_resolution, default_aspect_ratio, explicit };
  if (explicit === 'any') {
    const low = smallest / 2;
    const high = Math.min(largest * 2, MAX_SIDE);
    sizing.min_pixels = infer('sizing.min_pixels', low * low, `half the side of ${least}`);
    sizing.max_pixels = infer(
      'sizing.max_pixels',
      high * high,
      `twice the side of ${most}; at most ${MAX_SIDE}²`,
    );
    sizing.max_side = infer('sizing.max_side', MAX_SIDE, 'the longest side the mock makes');
  } else {
    sizing.min_pixels = infer('sizing.min_pixels', smallest * smallest, least);
    sizing.max_pixels = infer('sizing.max_pixels', Math.min(largest, MAX_SIDE) ** 2, most);
  }

  let tokens: TokenRules;
  const qualities = offered(endpoints, 'quality').filter((q) => Object.hasOwn(QUALITY_TOKENS, q));
  if (unit === 'token' && qualities.length > 0) {
    tokens = {
      per_image_by_quality: infer(
        'tokens.per_image_by_quality',
        { ...QUALITY_TOKENS },
        'priced per token and quality is offered: the published counts of gpt-image-1',
      ),
      reference_pixels: infer('tokens.reference_pixels', 1024 * 1024, 'the counts are quoted for 1024²'),
      auto_quality: infer('tokens.auto_quality', 'medium' as const, 'auto counts as medium'),
    };
  } else if (unit === 'token' || unit === 'megapixel') {
    tokens = {
      pixels_per_token: infer(
        'tokens.pixels_per_token',
        PIXELS_PER_TOKEN,
        unit === 'token'
          ? 'priced per token: one token per 32×32 pixels'
          : 'priced per megapixel: one token per 32×32 pixels',
      ),
    };
  } else {
    const side = TIER_SIDE[default_resolution];
    tokens = {
      per_image: infer(
        'tokens.per_image',
        (side * side) / PIXELS_PER_TOKEN,
        `${unit === undefined ? 'no output price' : `priced per ${unit}`}: the default ${default_resolution} square at one token per 32×32 pixels`,
      ),
    };
  }
  tokens.count_prompt = promptPricedPerToken(endpoints)
    ? infer('tokens.count_prompt', true, 'the prompt is priced per token')
    : infer('tokens.count_prompt', false, 'the prompt is not priced per token');

  return { rules: { default_output_format, sizing, tokens }, reasons };
}

/** `sizing.default_resolution: 1K (1K is offered)`: the form of `provenance.assumed`. */
export function describeInferredRule(rule: InferredRule): string {
  const value = typeof rule.value === 'string' ? rule.value : JSON.stringify(rule.value);
  return `${rule.field}: ${value} (${rule.why})`;
}

/** The stated value, unless absent (`undefined` or `null`). */
const statedIn = (block: Record<string, unknown>, key: string): boolean =>
  block[key] !== undefined && block[key] !== null;

/**
 * A complete model from a catalog entry whose `mock` may leave out any part: what it states wins,
 * the rest is inferred (see the rules above) and listed in `mock.provenance.assumed`. An entry
 * that states everything comes back as it is.
 */
export function completeCatalogModel(input: CatalogModelInput): CatalogModel {
  const given: Record<string, unknown> = isObject(input?.mock) ? { ...input.mock } : {};
  const givenSizing: Record<string, unknown> = isObject(given.sizing) ? given.sizing : {};
  const givenTokens: Record<string, unknown> = isObject(given.tokens) ? given.tokens : {};
  const { rules, reasons } = inferMockRules(input);
  const used = new Set<string>();
  const take = (
    block: Record<string, unknown>,
    key: string,
    inferred: Record<string, unknown>,
    prefix: string,
  ) => {
    if (statedIn(block, key)) return block[key];
    if (inferred[key] === undefined) return undefined;
    used.add(`${prefix}${key}`);
    return inferred[key];
  };

  const default_output_format = take(given, 'default_output_format', rules, '') as OutputFormat;

  const sizing: Record<string, unknown> = {};
  const inferredSizing = rules.sizing as unknown as Record<string, unknown>;
  // A stated `explicit` brings its own bounds: inferred ones were made for the inferred rule.
  const boundsStated = statedIn(givenSizing, 'explicit');
  for (const key of new Set([...Object.keys(inferredSizing), ...Object.keys(givenSizing)])) {
    const value =
      boundsStated && (BOUNDS as readonly string[]).includes(key)
        ? givenSizing[key]
        : take(givenSizing, key, inferredSizing, 'sizing.');
    if (value !== undefined && value !== null) sizing[key] = value;
  }

  let tokens: Record<string, unknown>;
  // A stated count is the whole token rule: mixing counts would let the inferred one win.
  if (TOKEN_COUNTS.some((key) => statedIn(givenTokens, key))) tokens = givenTokens;
  else {
    tokens = {};
    const inferredTokens = rules.tokens as Record<string, unknown>;
    for (const key of new Set([...Object.keys(inferredTokens), ...Object.keys(givenTokens)])) {
      const value = take(givenTokens, key, inferredTokens, 'tokens.');
      if (value !== undefined && value !== null) tokens[key] = value;
    }
  }

  if (used.size === 0) return input as CatalogModel;
  const provenance = isObject(given.provenance)
    ? (given.provenance as Partial<CatalogProvenance>)
    : undefined;
  const assumed = reasons.filter((r) => used.has(r.field)).map(describeInferredRule);
  return {
    ...(input as Omit<CatalogModel, 'mock'>),
    mock: {
      provenance: {
        sources: provenance?.sources ?? [],
        assumed: [...(provenance?.assumed ?? []), ...assumed],
      },
      default_output_format,
      sizing: sizing as unknown as SizingRules,
      tokens: tokens as TokenRules,
    },
  };
}
