import { RESOLUTIONS } from '../contract/enums.ts';
import type { ImageEndpoint, Resolution } from '../contract/types.ts';
import type { Violation } from '../contract/violations.ts';
import type { CatalogModel, SizingRules } from './catalog.ts';

/**
 * The size rule, one for every model (the catalog supplies the parameters):
 * - A tier means an area of side² pixels: 512 → 512², 1K → 1024², 2K → 2048², 4K → 4096².
 * - A ratio w:h picks the width and height on the model's grid whose ratio is within 1% of w:h
 *   and whose area is closest to the tier's, never above the model's `max_pixels` nor its
 *   `max_side`; models with a fixed table (one per tier, or one for all) use the table instead.
 * - `auto` (or no ratio) is the model's default ratio; a ratio the model lacks is clamped to its
 *   nearest one (by log distance), as the reference page says providers do; likewise a tier.
 * - `size: "2K"` acts as `resolution`; `size: "WxH"` is exact where the model takes any size,
 *   one of its table sizes where it has a table, and otherwise normalized to the nearest tier/ratio.
 */
export interface PixelSize {
  width: number;
  height: number;
  /** The tier the size was derived from, or the nearest tier of an explicit size. */
  resolution: Resolution;
  /** The aspect ratio used, after `auto` and clamping; `w:h` in lowest terms for explicit sizes. */
  aspectRatio: string;
}

export interface SizeRequest {
  resolution?: Resolution;
  aspect_ratio?: string;
  size?: string;
}

const TIER_SIDE: Readonly<Record<Resolution, number>> = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 };

/** `16:9` → 1.777…; `9:19.5` → 0.4615… */
export function ratioValue(ratio: string): number {
  const [w, h] = ratio.split(':').map(Number);
  return (w ?? 1) / (h ?? 1);
}

/** The tier whose area is nearest (in log scale) to w×h. */
export function tierOf(width: number, height: number): Resolution {
  const side = Math.sqrt(width * height);
  let best: Resolution = '1K';
  for (const tier of RESOLUTIONS) {
    if (Math.abs(Math.log(side / TIER_SIDE[tier])) < Math.abs(Math.log(side / TIER_SIDE[best]))) best = tier;
  }
  return best;
}

function nearest<T>(values: readonly T[], distance: (value: T) => number): T | undefined {
  let best: T | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const value of values) {
    const d = distance(value);
    if (d < bestDistance) {
      best = value;
      bestDistance = d;
    }
  }
  return best;
}

/** Bounds a derived size must keep: at most `maxPixels` pixels and `maxSide` on its longest side. */
export interface DerivedLimits {
  maxPixels?: number;
  maxSide?: number;
}

/**
 * Width and height on `grid` with ratio within 1% of `ratio` (if any pair is) and area nearest
 * `area`, within `limits` (the target area is lowered to fit them first).
 */
export function dimensionsFor(
  area: number,
  ratio: number,
  grid: number,
  limits: DerivedLimits = {},
): { width: number; height: number } {
  const maxPixels = limits.maxPixels ?? Number.POSITIVE_INFINITY;
  const maxSide = limits.maxSide ?? Number.POSITIVE_INFINITY;
  // The largest area the longest side allows at this ratio, and the pixel limit, cap the target.
  // Stryker disable next-line EqualityOperator: at a ratio of exactly 1 both branches are maxSide²
  const sideCap = ratio >= 1 ? (maxSide * maxSide) / ratio : maxSide * maxSide * ratio;
  const target = Math.min(area, maxPixels, sideCap);
  const idealHeight = Math.sqrt(target / ratio);
  let best = { width: grid, height: grid, score: Number.POSITIVE_INFINITY };
  const low = Math.max(1, Math.floor((idealHeight * 0.8) / grid));
  const high = Math.max(low, Math.ceil((idealHeight * 1.25) / grid));
  for (let k = low; k <= high; k++) {
    const height = k * grid;
    const width = Math.max(grid, Math.round((height * ratio) / grid) * grid);
    if (width * height > maxPixels || Math.max(width, height) > maxSide) continue;
    const ratioError = Math.abs(width / height / ratio - 1);
    const areaError = Math.abs(Math.log((width * height) / target));
    // Within 1% of the ratio, area decides; outside it, the ratio error dominates.
    const score = (ratioError <= 0.01 ? 0 : 10 + ratioError) + areaError;
    if (score < best.score) best = { width, height, score };
  }
  return { width: best.width, height: best.height };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function parseExplicit(size: string): { width: number; height: number } | undefined {
  const match = /^(\d+)x(\d+)$/.exec(size);
  // Sides of any length are allowed; past ~309 digits a side is the largest finite number, not
  // Infinity, whose arithmetic (Infinity × 0) would give NaN sizes.
  const side = (digits: string | undefined) => Math.min(Number(digits), Number.MAX_VALUE);
  return match ? { width: side(match[1]), height: side(match[2]) } : undefined;
}

function enumValues(endpoint: ImageEndpoint, name: string): string[] | undefined {
  const capability = endpoint.supported_parameters[name];
  return capability?.type === 'enum' ? capability.values : undefined;
}

/**
 * The size a request implies (with a note when an explicit size had to be normalized), or why
 * the request is refused (the `/size` violations of a 400).
 */
export type SizeResult = { size: PixelSize; note?: string } | { violations: Violation[] };

const sizeViolation = (message: string, rule: string, extra: Partial<Violation> = {}): SizeResult => ({
  violations: [{ pointer: '/size', rule, message, ...extra }],
});

/** Resolves the pixel size a request implies for one model endpoint; a refusal is data, not a throw. */
export function resolvePixelSize(
  model: CatalogModel,
  endpoint: ImageEndpoint,
  request: SizeRequest,
): SizeResult {
  const sizing = model.mock.sizing;
  const explicit = request.size ? parseExplicit(request.size) : undefined;
  const sizeTier = request.size && !explicit ? (request.size as Resolution) : undefined;
  const askedRatio =
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: 'auto' taken as a ratio is NaN, which conflicts with no size and clamps to the default ratio all the same
    request.aspect_ratio && request.aspect_ratio !== 'auto' ? request.aspect_ratio : undefined;

  if (sizeTier && request.resolution && sizeTier !== request.resolution) {
    return sizeViolation(
      `size '${sizeTier}' conflicts with resolution '${request.resolution}'`,
      'size-conflict',
      {
        expected: request.resolution,
        actual: sizeTier,
      },
    );
  }
  if (explicit) {
    const explicitTier = tierOf(explicit.width, explicit.height);
    if (request.resolution && request.resolution !== explicitTier) {
      return sizeViolation(
        `size '${request.size}' is a ${explicitTier} size and conflicts with resolution '${request.resolution}'`,
        'size-conflict',
        { expected: explicitTier, actual: request.resolution },
      );
    }
    if (askedRatio && Math.abs(explicit.width / explicit.height / ratioValue(askedRatio) - 1) > 0.01) {
      return sizeViolation(
        `size '${request.size}' conflicts with aspect_ratio '${askedRatio}'`,
        'size-conflict',
        {
          actual: askedRatio,
        },
      );
    }
  }

  // Ratio: asked (clamped to the model's list), else the default.
  // Stryker disable next-line MethodExpression: 'auto' kept in the list is NaN away from every ratio, so never the nearest
  const modelRatios = (enumValues(endpoint, 'aspect_ratio') ?? Object.keys(sizing.fixed ?? {})).filter(
    // Stryker disable next-line ConditionalExpression,StringLiteral: as above
    (r) => r !== 'auto',
  );
  const clampRatio = (ratio: number) =>
    nearest(modelRatios, (r) => Math.abs(Math.log(ratioValue(r) / ratio))) ?? sizing.default_aspect_ratio;
  const aspectRatio = askedRatio ? clampRatio(ratioValue(askedRatio)) : sizing.default_aspect_ratio;

  // Tier: asked (clamped to what the model offers), else the default.
  const offered =
    // Stryker disable next-line MethodExpression: a listed value that is not a tier is NaN away from every tier, so never the nearest
    enumValues(endpoint, 'resolution')?.filter((t): t is Resolution => t in TIER_SIDE) ??
    RESOLUTIONS.filter((t) => {
      const area = TIER_SIDE[t] ** 2;
      return area <= (sizing.max_pixels ?? area) && area >= (sizing.min_pixels ?? 0);
    });
  const clampTier = (tier: Resolution) =>
    nearest(offered, (t) => Math.abs(Math.log(TIER_SIDE[t] / TIER_SIDE[tier]))) ?? sizing.default_resolution;

  // The reference page: explicit pixels are "normalized to the right dimensions for the chosen
  // provider". A size beyond the model's limits, or off its table, is fitted, not refused; below a
  // model's minimum it is refused, as the service refuses Seedream 4.5 (see its provenance).
  if (explicit && sizing.explicit === 'any') {
    if (sizing.min_pixels && explicit.width * explicit.height < sizing.min_pixels) {
      return sizeViolation(
        `size '${request.size}' is below ${model.id}'s minimum of ${sizing.min_pixels} pixels`,
        'min_pixels',
        { expected: sizing.min_pixels, actual: request.size },
      );
    }
    const fitted = fitWithin(explicit.width, explicit.height, sizing);
    const divisor = gcd(fitted.width, fitted.height);
    const result: SizeResult = {
      size: {
        ...fitted,
        resolution: tierOf(fitted.width, fitted.height),
        aspectRatio: `${fitted.width / divisor}:${fitted.height / divisor}`,
      },
    };
    if (fitted.width !== explicit.width || fitted.height !== explicit.height) {
      result.note = `size '${request.size}' is beyond ${model.id}'s limits (${limitsText(sizing)}): normalized to ${fitted.width}x${fitted.height}`;
    }
    return result;
  }
  if (explicit && sizing.explicit === 'fixed') {
    const exact = `${explicit.width}x${explicit.height}`;
    const tables = [sizing.fixed, ...Object.values(sizing.fixed_by_resolution ?? {})];
    const listed = tables
      .flatMap((table) => Object.entries(table ?? {}))
      .find(([, value]) => value === exact);
    if (listed) {
      return {
        size: { ...explicit, resolution: tierOf(explicit.width, explicit.height), aspectRatio: listed[0] },
      };
    }
  }

  const tier = explicit
    ? clampTier(tierOf(explicit.width, explicit.height))
    : clampTier(sizeTier ?? request.resolution ?? sizing.default_resolution);
  const ratio = explicit ? clampRatio(explicit.width / explicit.height) : aspectRatio;
  const table = sizing.fixed_by_resolution?.[tier]?.[ratio] ?? sizing.fixed?.[ratio];
  if (table) {
    const [width, height] = table.split('x').map(Number) as [number, number];
    const result: SizeResult = {
      size: { width, height, resolution: tierOf(width, height), aspectRatio: ratio },
    };
    if (explicit && table !== `${explicit.width}x${explicit.height}`) {
      result.note = `size '${request.size}' is not one of ${model.id}'s sizes: normalized to ${table}`;
    }
    return result;
  }
  const { width, height } = dimensionsFor(TIER_SIDE[tier] ** 2, ratioValue(ratio), sizing.grid, {
    maxPixels: sizing.max_pixels,
    maxSide: sizing.max_side,
  });
  return { size: { width, height, resolution: tier, aspectRatio: ratio } };
}

/** `w`×`h` scaled down (ratio kept, on the grid) into the model's pixel and side limits. */
function fitWithin(width: number, height: number, sizing: SizingRules): { width: number; height: number } {
  let factor = 1;
  // Two square roots rather than one of the product: width × height of huge sides overflows to Infinity.
  // Stryker disable next-line EqualityOperator: at exactly max_pixels the factor computed is exactly 1
  if (sizing.max_pixels && width * height > sizing.max_pixels)
    factor = Math.sqrt(sizing.max_pixels / width) / Math.sqrt(height);
  if (sizing.max_side && Math.max(width, height) * factor > sizing.max_side) {
    factor = sizing.max_side / Math.max(width, height);
  }
  if (factor === 1) return { width, height };
  // Rounded down, so the result stays inside the limit it meets.
  const side = (v: number) => Math.max(sizing.grid, Math.floor((v * factor) / sizing.grid) * sizing.grid);
  return { width: side(width), height: side(height) };
}

function limitsText(sizing: SizingRules): string {
  const parts: string[] = [];
  if (sizing.max_pixels) parts.push(`at most ${sizing.max_pixels} pixels`);
  if (sizing.max_side) parts.push(`sides up to ${sizing.max_side}`);
  return parts.join(', ');
}
