import type { ImageEndpoint, ImageGenerationRequest, OutputFormat, Resolution } from '../contract/types.ts';
import type { Violation } from '../contract/violations.ts';
import type { Catalog, CatalogModel } from './catalog.ts';
import { resolvePixelSize } from './sizes.ts';

/** Everything needed to synthesize and answer one request, after every rule has passed. */
export interface GenerationPlan {
  model: CatalogModel;
  endpoint: ImageEndpoint;
  prompt: string;
  /** Images to return: the request's `n`, at most the model's maximum. */
  n: number;
  width: number;
  height: number;
  resolution: Resolution;
  aspectRatio: string;
  format: OutputFormat;
  transparent: boolean;
  /** `low`/`medium`/`high` on models with a quality knob; otherwise undefined. */
  quality: 'low' | 'medium' | 'high' | undefined;
  /** 0–100 for jpeg/webp on models with the knob; otherwise undefined. */
  compression: number | undefined;
  seed: number;
  /** True when the request asked to stream and the endpoint can. */
  stream: boolean;
  referenceCount: number;
  /** True when the catalog lacks the model and answers it with the generic stand-in. */
  generic: boolean;
  /** What the mock ignored or passed on and a person may want to know (provider preferences, options). */
  notes: string[];
}

/**
 * Which rule refuses a request: the wire contract (JSON, schema), a listed model's rules from the
 * catalog, or the catalog's membership (an id it does not list). Checks of real traffic tell them
 * apart: only the contract is the service's word for every model.
 */
export type RefusedBy = 'contract' | 'catalog' | 'unknown-model';

/** Why the service would refuse a request: the status and every violation, as data. */
export interface Refusal {
  status: 400 | 404;
  violations: Violation[];
  by: RefusedBy;
}

/** A plan, or the refusal the service would answer with. */
export type PlanResult = { plan: GenerationPlan } | Refusal;

/** Bounds on what one request may make the mock allocate; the catalog's own limits apply too. */
export interface GenerationLimits {
  /** Largest image, in pixels. Default 16,777,216 (4096²). */
  maxPixelsPerImage: number;
  /** Largest sum over the `n` images of one answer, in pixels. Default 67,108,864 (four 4K images). */
  maxPixelsPerResponse: number;
}

export const DEFAULT_LIMITS: GenerationLimits = {
  maxPixelsPerImage: 16_777_216,
  maxPixelsPerResponse: 67_108_864,
};

const matches = (endpoint: ImageEndpoint, name: string) => {
  const wanted = name.toLowerCase();
  return [endpoint.provider_slug, endpoint.provider_tag, endpoint.provider_name].some(
    (v) => v?.toLowerCase() === wanted,
  );
};

// Provider preferences are an open object in the published document and the service drops what
// it does not know; a request is never refused for a name or key the mock has not heard of.
const MAX_NOTES = 20;

/** The providers of a preference list that the catalog knows; the others are noted and dropped. */
function known(
  list: readonly string[] | null | undefined,
  field: string,
  catalog: Catalog,
  notes: string[],
): string[] | undefined {
  if (!list) return undefined;
  const out: string[] = [];
  for (const name of list) {
    if (catalog.knowsProvider(name)) out.push(name);
    else if (notes.length < MAX_NOTES)
      notes.push(`provider.${field}: '${name}' is a provider the mock does not know; ignored`);
  }
  return out.length > 0 ? out : undefined;
}

/** The endpoint that serves the request, following `provider.order`, `only` and `ignore`. */
function selectEndpoint(
  model: CatalogModel,
  provider: ImageGenerationRequest['provider'],
  catalog: Catalog,
  notes: string[],
): ImageEndpoint | undefined {
  const only = known(provider?.only, 'only', catalog, notes);
  const ignore = known(provider?.ignore, 'ignore', catalog, notes);
  const order = known(provider?.order, 'order', catalog, notes);
  let candidates = model.endpoints;
  if (only) candidates = candidates.filter((e) => only.some((name) => matches(e, name)));
  if (ignore) candidates = candidates.filter((e) => !ignore.some((name) => matches(e, name)));
  const preferred = order?.map((name) => candidates.find((e) => matches(e, name))).find(Boolean);
  // Stryker disable next-line OptionalChaining: `order` is only set when `provider` is
  return preferred ?? (order && provider?.allow_fallbacks === false ? undefined : candidates[0]);
}

/** Notes what `provider.options` passes to the serving endpoint and what it drops, as the service does. */
function noteOptions(provider: ImageGenerationRequest['provider'], endpoint: ImageEndpoint, notes: string[]) {
  const options = provider?.options;
  if (!options) return; // an object: the schema has checked the body
  const allowed = new Set(endpoint.allowed_passthrough_parameters);
  for (const [slug, values] of Object.entries(options)) {
    if (notes.length >= MAX_NOTES) return;
    if (!matches(endpoint, slug)) {
      notes.push(`provider.options.${slug}: not the serving provider (${endpoint.provider_slug}); ignored`);
      continue;
    }
    for (const key of values && typeof values === 'object' ? Object.keys(values) : []) {
      if (notes.length >= MAX_NOTES) return;
      notes.push(
        allowed.has(key)
          ? `provider.options.${slug}.${key}: passed through to ${endpoint.provider_slug}`
          : `provider.options.${slug}.${key}: not a passthrough parameter of ${endpoint.provider_slug}; dropped`,
      );
    }
  }
}

const violation = (
  pointer: string,
  rule: string,
  message: string,
  extra: Partial<Violation> = {},
): Violation => ({
  pointer,
  rule,
  message,
  ...extra,
});

function qualityFor(endpoint: ImageEndpoint, quality: string | undefined, auto: 'low' | 'medium' | 'high') {
  if (!endpoint.supported_parameters.quality) return undefined;
  if (quality === 'low' || quality === 'medium' || quality === 'high') return quality;
  // Levels above the model's top (xhigh, max) clamp to its top; auto is the model's default.
  return quality === 'xhigh' || quality === 'max' ? 'high' : auto;
}

/** The message of the service's 400 for a model id it does not list, with how to add it to the mock. */
export function unknownModelMessage(id: string): string {
  return `${id} is not a valid model ID (the mock lists it once it is in a catalog: serve --catalog <file>, the models option, or openrouter-images-mock catalog pull; --unknown-models generic answers any author/slug)`;
}

/**
 * Applies the rules JSON Schema cannot express (per-model limits from the catalog, cross-field
 * rules from the reference page) to a body that already passed the schema. Returns the plan, or
 * the service's refusal as data (400 listing every violation, 404 for provider preferences
 * nothing matches).
 */
export function planGeneration(
  body: ImageGenerationRequest,
  catalog: Catalog,
  limits: GenerationLimits,
  defaultSeed: number,
): PlanResult {
  const found = catalog.lookup(body.model);
  if (!found) {
    const message = unknownModelMessage(body.model);
    const violations = [violation('/model', 'model-id', message, { actual: body.model })];
    return { status: 400, violations, by: 'unknown-model' };
  }
  const { model, generic } = found;
  const notes: string[] = [];
  const endpoint = selectEndpoint(model, body.provider, catalog, notes);
  if (!endpoint) {
    const message = `No endpoints found for ${model.id} that match your provider preferences`;
    return { status: 404, violations: [violation('/provider', 'provider-match', message)], by: 'catalog' };
  }
  noteOptions(body.provider, endpoint, notes);
  const params = endpoint.supported_parameters;
  const violations: Violation[] = [];

  const nCapability = params.n;
  const maxN = nCapability?.type === 'range' ? nCapability.max : 1;
  const n = body.n ?? 1;
  if (n > maxN) {
    violations.push(
      violation('/n', 'model-maximum', `n must be <= ${maxN} for ${model.id}`, { expected: maxN, actual: n }),
    );
  }

  // No published rule refuses more references than a model takes: the extras are ignored, and noted.
  const references = body.input_references ?? [];
  const refCapability = params.input_references;
  const maxReferences =
    refCapability?.type === 'range'
      ? refCapability.max
      : model.architecture.input_modalities.includes('image')
        ? 16
        : 0;
  if (references.length > maxReferences) {
    notes.push(
      maxReferences === 0
        ? `input_references: ${model.id} takes no reference images; the ${references.length} sent were ignored`
        : `input_references: ${model.id} takes at most ${maxReferences}; the ${references.length - maxReferences} beyond were ignored`,
    );
  }

  const offeredFormats =
    params.output_format?.type === 'enum' ? params.output_format.values : [model.mock.default_output_format];
  const wantsTransparent = body.background === 'transparent' && params.background !== undefined;
  // Asked for transparency without a format: pick one that has alpha, if the model offers it.
  const format = (body.output_format ??
    (wantsTransparent ? offeredFormats.find((f) => f === 'png' || f === 'webp') : undefined) ??
    model.mock.default_output_format) as OutputFormat;
  if (!offeredFormats.includes(format)) {
    // No published rule refuses a format a model does not list; the mock makes any format.
    notes.push(
      `output_format: ${model.id} lists ${offeredFormats.join(', ')}; answered in ${format} as asked`,
    );
  }
  if (body.background === 'transparent' && format !== 'png' && format !== 'webp' && format !== 'svg') {
    violations.push(
      violation(
        '/background',
        'requires-alpha-format',
        `background 'transparent' requires output_format png or webp, not '${format}'`,
        {
          expected: ['png', 'webp'],
          actual: format,
        },
      ),
    );
  }

  const sized = resolvePixelSize(model, endpoint, body);
  const size = 'size' in sized ? sized.size : undefined;
  if ('violations' in sized) violations.push(...sized.violations);
  else if (sized.note) notes.push(sized.note);
  if (size) {
    const pixels = size.width * size.height;
    if (pixels > limits.maxPixelsPerImage) {
      violations.push(
        violation(
          '/size',
          'max-pixels-per-image',
          `the image size ${size.width}x${size.height} (${pixels} pixels) exceeds the limit of ${limits.maxPixelsPerImage} pixels per image`,
          {
            expected: limits.maxPixelsPerImage,
            actual: pixels,
          },
        ),
      );
    } else if (pixels * Math.min(n, maxN) > limits.maxPixelsPerResponse) {
      violations.push(
        violation(
          '/n',
          'max-pixels-per-response',
          `n=${n} images of ${size.width}x${size.height} (${pixels * n} pixels) exceed the limit of ${limits.maxPixelsPerResponse} pixels per response`,
          {
            expected: limits.maxPixelsPerResponse,
            actual: pixels * n,
          },
        ),
      );
    }
  }

  if (violations.length > 0 || !size) return { status: 400, violations, by: 'catalog' };

  const compressionCapability = params.output_compression;
  const plan: GenerationPlan = {
    model,
    endpoint,
    prompt: body.prompt,
    n,
    width: size.width,
    height: size.height,
    resolution: size.resolution,
    aspectRatio: size.aspectRatio,
    format,
    transparent: wantsTransparent,
    quality: qualityFor(endpoint, body.quality, model.mock.tokens.auto_quality ?? 'medium'),
    compression:
      compressionCapability && (format === 'jpeg' || format === 'webp')
        ? (body.output_compression ?? 100)
        : undefined,
    seed: body.seed ?? defaultSeed,
    stream: body.stream === true && endpoint.supports_streaming,
    referenceCount: Math.min(references.length, maxReferences),
    generic,
    notes,
  };
  return { plan };
}
