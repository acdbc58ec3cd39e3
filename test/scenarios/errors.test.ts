import { OpenRouter } from '@openrouter/sdk';
import * as sdkErrors from '@openrouter/sdk/models/errors';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateErrorBody } from '../../src/contract/validators.ts';
import { createImageHandlers, ERROR_SCENARIOS, scenarios } from '../../src/index.ts';
import { KEY, postImages } from '../helpers.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const request = { model: 'openai/gpt-image-1', prompt: 'errors' };
type ErrorBody = { error: { code: number; message: string; metadata?: Record<string, unknown> } };

describe('error scenarios, each as the service documents it', () => {
  it.each(Object.entries(ERROR_SCENARIOS))('Prefer: scenario=%s', async (name, scenario) => {
    const response = await postImages(request, { headers: { prefer: `scenario=${name}` } });
    expect(response.status).toBe(scenario.status);
    const body = (await response.json()) as ErrorBody;
    expect(validateErrorBody(body)).toEqual([]);
    expect(body.error).toMatchObject({ code: scenario.status, message: scenario.message });
    if ('metadata' in scenario) expect(body.error.metadata).toEqual(scenario.metadata);
    const retryAfter = response.headers.get('retry-after');
    if ('retryAfter' in scenario) expect(retryAfter).toBe(String(scenario.retryAfter));
    else expect(retryAfter).toBeNull();
  });

  it.each([400, 401, 402, 403, 404, 408, 413, 429, 500, 502, 503, 524, 529])(
    'Prefer: code=%i',
    async (status) => {
      const response = await postImages(request, { headers: { prefer: `code=${status}` } });
      expect(response.status).toBe(status);
      expect(((await response.json()) as ErrorBody).error.code).toBe(status);
    },
  );

  it('image errors carry error.metadata.error_type', async () => {
    for (const type of [
      'invalid_image',
      'image_too_large',
      'image_too_small',
      'unsupported_image_format',
      'image_download_failed',
    ]) {
      const response = await postImages(request, {
        headers: { prefer: `scenario=${type.replaceAll('_', '-')}` },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.metadata).toEqual({ error_type: type });
    }
  });

  it('a bad request is still a 400 first: scenarios apply to valid requests', async () => {
    const response = await postImages({ model: 'openai/gpt-image-1' }, { headers: { prefer: 'code=429' } });
    expect(response.status).toBe(400);
  });

  it('an unknown scenario or code is a clear 400, not a silent success', async () => {
    const unknown = (await (
      await postImages(request, { headers: { prefer: 'scenario=meteor' } })
    ).json()) as ErrorBody;
    expect(unknown.error.message).toMatch(/unknown scenario "meteor"; known scenarios: invalid-image, /);
    expect((await postImages(request, { headers: { prefer: 'code=418' } })).status).toBe(400);
    expect((await postImages(request, { headers: { prefer: 'code=200' } })).status).toBe(200);
  });

  it('scenarios.rateLimited({ retryAfter: 2, once: true }) answers once, then the mock takes over', async () => {
    server.use(scenarios.rateLimited({ retryAfter: 2, once: true }));
    const first = await postImages(request);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await postImages(request)).status).toBe(200);
  });

  it('scenarios without once answer every request', async () => {
    server.use(scenarios.generationFailed());
    expect((await postImages(request)).status).toBe(502);
    expect((await postImages(request)).status).toBe(502);
  });

  it('the SDK surfaces each documented status as its typed error', async () => {
    const sdk = new OpenRouter({ apiKey: KEY, retryConfig: { strategy: 'none' } });
    const cases: [() => ReturnType<typeof scenarios.rateLimited>, unknown][] = [
      [() => scenarios.insufficientCredits(), sdkErrors.PaymentRequiredResponseError],
      [() => scenarios.moderation(), sdkErrors.ForbiddenResponseError],
      [() => scenarios.rateLimited(), sdkErrors.TooManyRequestsResponseError],
      [() => scenarios.generationFailed(), sdkErrors.BadGatewayResponseError],
      [() => scenarios.edgeTimeout(), sdkErrors.EdgeNetworkTimeoutResponseError],
      [() => scenarios.providerOverloaded(), sdkErrors.ProviderOverloadedResponseError],
      [() => scenarios.payloadTooLarge(), sdkErrors.PayloadTooLargeResponseError],
    ];
    for (const [handler, type] of cases) {
      server.use(handler());
      const error = await sdk.images.generate({ imageGenerationRequest: request }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type as new (...args: never[]) => unknown);
      server.resetHandlers();
    }
  });
});

describe('stateful simulations', () => {
  it('credits: each answer draws its cost until 402, per key', async () => {
    server.use(...createImageHandlers({ credits: { balance: 0.1, keys: { 'sk-rich': 10 } } }));
    const seedream = { model: 'bytedance-seed/seedream-4.5', prompt: 'paid', resolution: '1K' };
    expect((await postImages(seedream)).status).toBe(200);
    expect((await postImages(seedream)).status).toBe(200);
    const third = await postImages(seedream);
    expect(third.status).toBe(402);
    expect(((await third.json()) as ErrorBody).error).toMatchObject({
      code: 402,
      metadata: { balance: 0.02, required: 0.04 },
    });
    expect((await postImages(seedream, { headers: { authorization: 'Bearer sk-rich' } })).status).toBe(200);
  });

  it('rate limit: N requests per window per key, then 429 with Retry-After and X-RateLimit-*', async () => {
    let now = 1_000_000;
    server.use(...createImageHandlers({ rateLimit: { requests: 2, windowMs: 10_000 }, now: () => now }));
    const first = await postImages(request);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await postImages(request)).status).toBe(200);
    now += 4_000;
    const limited = await postImages(request);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('6');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(1_010_000));
    expect((await postImages(request, { headers: { authorization: 'Bearer other-key' } })).status).toBe(200);
    now += 6_000;
    expect((await postImages(request)).status).toBe(200);
  });
});
