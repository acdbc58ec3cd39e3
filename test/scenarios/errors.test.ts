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
    // Exactly the documented body: metadata where the scenario has it, and none where it has not.
    expect(body).toEqual({
      error: {
        code: scenario.status,
        message: scenario.message,
        ...('metadata' in scenario ? { metadata: scenario.metadata } : {}),
      },
    });
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
    const meteor = await postImages(request, { headers: { prefer: 'scenario=meteor' } });
    expect(meteor.status).toBe(400);
    expect(((await meteor.json()) as ErrorBody).error.message).toMatch(
      /unknown scenario "meteor"; known scenarios: invalid-image, /,
    );
    const teapot = await postImages(request, { headers: { prefer: 'code=418' } });
    expect(teapot.status).toBe(400);
    expect(((await teapot.json()) as ErrorBody).error.message).toBe(
      '[openrouter-images-mock] no scenario answers with status 418',
    );
    const ok = await postImages(request, { headers: { prefer: 'code=200' } });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
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

  it('the SDK surfaces each status it documents for images.generate as its typed error', async () => {
    const sdk = new OpenRouter({ apiKey: KEY, retryConfig: { strategy: 'none' } });
    // Every status with a typed error in the SDK's images.generate, by a scenario that answers it.
    const cases: [() => ReturnType<typeof scenarios.rateLimited>, number, unknown][] = [
      [() => scenarios.invalidImage(), 400, sdkErrors.BadRequestResponseError],
      [() => scenarios.unauthorized(), 401, sdkErrors.UnauthorizedResponseError],
      [() => scenarios.insufficientCredits(), 402, sdkErrors.PaymentRequiredResponseError],
      [() => scenarios.moderation(), 403, sdkErrors.ForbiddenResponseError],
      [() => scenarios.notFound(), 404, sdkErrors.NotFoundResponseError],
      [() => scenarios.payloadTooLarge(), 413, sdkErrors.PayloadTooLargeResponseError],
      [() => scenarios.rateLimited(), 429, sdkErrors.TooManyRequestsResponseError],
      [() => scenarios.internalError(), 500, sdkErrors.InternalServerResponseError],
      [() => scenarios.generationFailed(), 502, sdkErrors.BadGatewayResponseError],
      [() => scenarios.edgeTimeout(), 524, sdkErrors.EdgeNetworkTimeoutResponseError],
      [() => scenarios.providerOverloaded(), 529, sdkErrors.ProviderOverloadedResponseError],
    ];
    for (const [handler, status, type] of cases) {
      server.use(handler());
      const error = await sdk.images.generate({ imageGenerationRequest: request }).catch((e: unknown) => e);
      expect(error, String(status)).toBeInstanceOf(type as new (...args: never[]) => unknown);
      expect((error as { error?: unknown }).error, String(status)).toMatchObject({ code: status });
      server.resetHandlers();
    }
    // The catalog's other statuses have no typed error there: the SDK's default error carries them.
    const untyped = [...new Set(Object.values(ERROR_SCENARIOS).map((s) => s.status))].filter(
      (status) => !cases.some(([, typed]) => typed === status),
    );
    expect(untyped).toEqual([408, 503]);
    for (const status of untyped) {
      const error = await sdk.images
        .generate({ imageGenerationRequest: request }, { headers: { prefer: `code=${status}` } })
        .catch((e: unknown) => e);
      expect(error, String(status)).toBeInstanceOf(sdkErrors.OpenRouterDefaultError);
      expect((error as sdkErrors.OpenRouterDefaultError).statusCode).toBe(status);
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
