import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateSchema } from '../../src/contract/validators.ts';
import { type CatalogModel, createImageHandlers, defaultModels } from '../../src/index.ts';
import { BASE, postImages } from '../helpers.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const getJson = async (url: string, status = 200) => {
  const response = await fetch(url);
  expect(response.status).toBe(status);
  return response.json() as Promise<Record<string, unknown>>;
};

describe('GET /images/models', () => {
  it('lists the default catalog with the contract shape', async () => {
    const body = (await getJson(`${BASE}/images/models`)) as {
      data: { id: string; endpoints: string; supports_streaming: boolean }[];
    };
    expect(validateSchema('ImageModelsListResponse', body)).toEqual([]);
    expect(body.data.map((m) => m.id)).toEqual(
      expect.arrayContaining([
        'bytedance-seed/seedream-4.5',
        'openai/gpt-image-1',
        'google/gemini-2.5-flash-image',
        'google/gemini-3.1-flash-image',
        'black-forest-labs/flux.2-pro',
        'recraft/recraft-v3-svg',
      ]),
    );
    const seedream = body.data.find((m) => m.id === 'bytedance-seed/seedream-4.5');
    expect(seedream).toMatchObject({
      endpoints: '/api/v1/images/models/bytedance-seed/seedream-4.5/endpoints',
      supports_streaming: false,
      supported_parameters: {
        resolution: { type: 'enum', values: ['1K', '2K', '4K'] },
        n: { type: 'range', min: 1, max: 10 },
      },
    });
    expect(body.data.find((m) => m.id === 'openai/gpt-image-1')?.supports_streaming).toBe(true);
    // The mock's own rules never leak into what is served.
    expect(JSON.stringify(body)).not.toContain('"mock"');
  });
});

describe('GET /images/models/{author}/{slug}/endpoints', () => {
  it('serves each model’s endpoint records', async () => {
    for (const model of defaultModels) {
      const body = await getJson(`${BASE}/images/models/${model.id}/endpoints`);
      expect(validateSchema('ImageModelEndpointsResponse', body)).toEqual([]);
      expect(body).toEqual({ id: model.id, endpoints: model.endpoints });
    }
  });

  it('answers 404 in the error shape for an unknown model', async () => {
    const body = await getJson(`${BASE}/images/models/nobody/nothing/endpoints`, 404);
    expect(body).toEqual({ error: { code: 404, message: 'Model nobody/nothing not found' } });
  });
});

describe('user catalogs', () => {
  const custom: CatalogModel = {
    ...structuredClone(defaultModels.find((m) => m.id === 'black-forest-labs/flux.2-pro') as CatalogModel),
    id: 'acme/painter-1',
    name: 'Acme Painter 1',
  };

  it('adds a model that both model routes serve and POST /images honours', async () => {
    server.use(...createImageHandlers({ models: [custom] }));
    const list = (await getJson(`${BASE}/images/models`)) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toContain('acme/painter-1');
    expect(list.data.length).toBe(defaultModels.length + 1);
    expect((await getJson(`${BASE}/images/models/acme/painter-1/endpoints`)).id).toBe('acme/painter-1');
    expect((await postImages({ model: 'acme/painter-1', prompt: 'x', size: '640x480' })).status).toBe(200);
  });

  it('replaces the defaults when asked', async () => {
    server.use(...createImageHandlers({ models: [custom], replaceDefaults: true }));
    const list = (await getJson(`${BASE}/images/models`)) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toEqual(['acme/painter-1']);
    expect((await postImages({ model: 'openai/gpt-image-1', prompt: 'x' })).status).toBe(400);
  });

  it('replaces a default model with the same id, and its rules follow', async () => {
    const seedream = structuredClone(
      defaultModels.find((m) => m.id === 'bytedance-seed/seedream-4.5') as CatalogModel,
    );
    seedream.endpoints[0]!.supported_parameters.n = { type: 'range', min: 1, max: 2 };
    server.use(...createImageHandlers({ models: [seedream] }));
    const response = await postImages({ model: seedream.id, prompt: 'x', n: 3 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'n must be <= 2 for bytedance-seed/seedream-4.5',
    );
  });

  it('refuses a catalog model that breaks the contract, naming the field', () => {
    const broken = {
      ...custom,
      endpoints: [{ ...custom.endpoints[0], pricing: [{ billable: 'output_image', unit: 'image' }] }],
    };
    expect(() => createImageHandlers({ models: [broken as unknown as CatalogModel] })).toThrow(
      /catalog model "acme\/painter-1": endpoints\[0\]\.pricing\[0\]\.cost_usd is required/,
    );
  });

  it('serves the models under a custom base URL', async () => {
    server.use(...createImageHandlers({ baseUrl: 'http://gateway.test/or/v1' }));
    const list = (await getJson('http://gateway.test/or/v1/images/models')) as {
      data: { endpoints: string }[];
    };
    expect(list.data).toHaveLength(defaultModels.length);
    for (const model of list.data) expect(model.endpoints).toMatch(/^\/or\/v1\/images\/models\//);
    const response = await postImages(
      { model: 'bytedance-seed/seedream-4.5', prompt: 'x', resolution: '1K' },
      { base: 'http://gateway.test/or/v1' },
    );
    expect(response.status).toBe(200);
    await response.arrayBuffer(); // an unread body over 64 KiB trips undici's paused-parser assert (nodejs/undici#5360)
  });
});

describe('a catalog whose answers break the contract', () => {
  it('answers 500 in the error shape and reports the break, never a transport failure', async () => {
    const reported: unknown[] = [];
    const odd = structuredClone(defaultModels.find((m) => m.id === 'recraft/recraft-v3-svg') as CatalogModel);
    // A fractional token count passes the catalog check but breaks the usage schema (integers).
    odd.mock.tokens = { per_image: 1.5 };
    server.use(...createImageHandlers({ models: [odd], onError: (error) => reported.push(error) }));
    const response = await postImages({ model: odd.id, prompt: 'x' });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: number; metadata: { mock_error: string } } };
    expect(body.error.code).toBe(500);
    expect(body.error.metadata.mock_error).toContain('usage.completion_tokens must be integer');
    expect(reported).toHaveLength(1);
    expect(String(reported[0])).toContain('answer breaks the contract');
  });
});
