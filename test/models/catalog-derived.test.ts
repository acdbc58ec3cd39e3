// Cases derived from the default catalog, not written per model: whatever a catalog entry says it
// accepts, the mock must accept, answer in the contract shape and within the model's own limits.
import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, RESOLUTIONS } from '../../src/contract/enums.ts';
import { MEDIA_TYPES } from '../../src/contract/media-types.ts';
import type { ImageEndpoint } from '../../src/contract/types.ts';
import { validateSchema } from '../../src/contract/validators.ts';
import { createImagesMock } from '../../src/core/mock.ts';
import { assertCatalogModel, type CatalogModel, defaultModels } from '../../src/models/catalog.ts';
import { completeCatalogModel } from '../../src/models/infer.ts';
import { DEFAULT_LIMITS } from '../../src/models/plan.ts';
import { resolvePixelSize } from '../../src/models/sizes.ts';
import { decodeImage, parseSvg } from '../synth/decode.ts';

const mock = createImagesMock();
const BASE = 'https://openrouter.ai/api/v1';
/** A 1×1 PNG, the smallest reference image a request can carry. */
const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Answer = { data: { b64_json: string; media_type?: string }[] };

async function generate(body: Record<string, unknown>) {
  const response = await mock.handle(
    new Request(`${BASE}/images`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-or-v1-test', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  const json = (await response.json()) as Answer;
  return { status: response.status, json };
}

async function getJson(path: string) {
  const response = await mock.handle(new Request(`${BASE}${path}`));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Width and height of the image bytes, as an independent decoder (or a strict XML parser) reads them. */
function inspect(bytes: Uint8Array, mediaType: string): { width: number; height: number } {
  if (mediaType === 'image/svg+xml') {
    const { attributes } = parseSvg(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return { width: Number(attributes.width), height: Number(attributes.height) };
  }
  // PNG, JPEG and WebP; any other media type throws.
  const { width, height } = decodeImage(bytes, mediaType);
  return { width, height };
}

/** One request per value of every enum capability and per bound of every range capability. */
function capabilityCases(endpoint: ImageEndpoint): [string, Record<string, unknown>][] {
  const cases: [string, Record<string, unknown>][] = [];
  for (const [name, capability] of Object.entries(endpoint.supported_parameters)) {
    if (capability.type === 'enum') {
      for (const value of capability.values) cases.push([`${name}=${value}`, { [name]: value }]);
    } else if (capability.type === 'range') {
      for (const bound of new Set([capability.min, capability.max])) {
        const value =
          name === 'input_references'
            ? Array.from({ length: bound }, () => ({ type: 'image_url', image_url: { url: TINY_PNG } }))
            : bound;
        cases.push([`${name}=${bound}`, { [name]: value }]);
      }
    } else if (name === 'seed') {
      cases.push(['seed=42', { seed: 42 }]);
    }
  }
  return cases;
}

/** The endpoints of a model, each with the routing that selects it. */
const routed = (model: CatalogModel) =>
  model.endpoints.map((endpoint) => ({
    endpoint,
    provider: model.endpoints.length > 1 ? { only: [endpoint.provider_slug] } : undefined,
  }));

describe.each(defaultModels.map((model) => [model.id, model] as const))('%s', (id, model) => {
  it('answers a minimal request with images that decode as the stated media type, at the derived size', async () => {
    const { status, json } = await generate({ model: id, prompt: 'a lighthouse at dawn' });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(validateSchema('ImageGenerationResponse', json)).toEqual([]);
    expect(json.data).toHaveLength(1);
    const derived = resolvePixelSize(model, model.endpoints[0]!, {});
    if (!('size' in derived)) throw new Error(`no default size: ${JSON.stringify(derived.violations)}`);
    const expected = derived.size;
    for (const image of json.data) {
      expect(image.media_type).toBe(MEDIA_TYPES[model.mock.default_output_format]);
      const size = inspect(new Uint8Array(Buffer.from(image.b64_json, 'base64')), image.media_type ?? '');
      expect(size).toEqual({ width: expected.width, height: expected.height });
    }
  });

  it('accepts every value and bound its endpoints advertise, one parameter at a time', async () => {
    for (const { endpoint, provider } of routed(model)) {
      for (const [label, parameters] of capabilityCases(endpoint)) {
        const { status, json } = await generate({ model: id, prompt: 'p', ...parameters, provider });
        expect(status, `${endpoint.provider_slug} ${label}: ${JSON.stringify(json)}`).toBe(200);
        const expectedCount = typeof parameters.n === 'number' ? parameters.n : 1;
        expect(json.data, label).toHaveLength(expectedCount);
        // The format asked for (or the model's default) is the one served; transparency without a
        // format asked for picks one with alpha.
        const format = (parameters.output_format as string | undefined) ?? model.mock.default_output_format;
        if (parameters.background !== 'transparent') {
          expect(json.data[0]?.media_type, label).toBe(MEDIA_TYPES[format as keyof typeof MEDIA_TYPES]);
        } else {
          expect(['image/png', 'image/webp', 'image/svg+xml'], label).toContain(json.data[0]?.media_type);
        }
      }
    }
  });

  it('derives every tier × ratio within its own limits and the mock’s', () => {
    const sizing = model.mock.sizing;
    for (const { endpoint } of routed(model)) {
      for (const resolution of RESOLUTIONS) {
        for (const aspect_ratio of ASPECT_RATIOS) {
          const derived = resolvePixelSize(model, endpoint, { resolution, aspect_ratio });
          if (!('size' in derived)) throw new Error(`${resolution} × ${aspect_ratio} refused`);
          const { width, height } = derived.size;
          const where = `${resolution} × ${aspect_ratio}: ${width}x${height}`;
          expect(width * height, where).toBeLessThanOrEqual(DEFAULT_LIMITS.maxPixelsPerImage);
          if (sizing.max_pixels) expect(width * height, where).toBeLessThanOrEqual(sizing.max_pixels);
          if (sizing.max_side) expect(Math.max(width, height), where).toBeLessThanOrEqual(sizing.max_side);
        }
      }
    }
  });

  it('serves its endpoint records in the contract shape', async () => {
    const { status, json } = await getJson(`/images/models/${id}/endpoints`);
    expect(status).toBe(200);
    expect(validateSchema('ImageModelEndpointsResponse', json)).toEqual([]);
    expect(json).toEqual({ id, endpoints: model.endpoints });
  });

  it('names the public sources of its facts and the rules of what it assumes', () => {
    const provenance = model.mock.provenance;
    expect(provenance?.sources.length).toBeGreaterThan(0);
    for (const source of provenance?.sources ?? []) {
      expect(source.url).toMatch(/^https:\/\//);
      expect(source.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const assumption of provenance?.assumed ?? [])
      expect(assumption).toMatch(/^[\w.[\]/ -]+: .+\(.+\)$/s);
  });
});

describe('the shipped catalog', () => {
  it('every default model passes the check a user-supplied model gets', () => {
    for (const model of defaultModels)
      expect(() => assertCatalogModel(completeCatalogModel(model))).not.toThrow();
  });
});

describe('the list route', () => {
  it('lists every model of the catalog, once, in the contract shape', async () => {
    const { status, json } = await getJson('/images/models');
    expect(status).toBe(200);
    expect(validateSchema('ImageModelsListResponse', json)).toEqual([]);
    const ids = (json.data as { id: string }[]).map((m) => m.id);
    expect(ids).toEqual(defaultModels.map((m) => m.id));
  });
});
