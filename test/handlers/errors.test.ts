import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS } from '../../src/contract/enums.ts';
import { MEDIA_TYPES } from '../../src/contract/media-types.ts';
import { validateErrorBody } from '../../src/contract/validators.ts';
import { createImageHandlers } from '../../src/index.ts';
import { BASE, decodePngBase64, KEY, postImages } from '../helpers.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SEEDREAM = 'bytedance-seed/seedream-4.5';

interface ErrorBody {
  error: {
    code: number;
    message: string;
    metadata?: { violations?: { pointer: string; rule: string; message: string }[] };
  };
}

async function refused(response: Response, status: number): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(validateErrorBody(body)).toEqual([]);
  expect(body.error.code).toBe(status);
  return body;
}

describe('401: missing or malformed bearer key', () => {
  it.each([
    [undefined, 'Missing Authentication header'],
    ['', 'Missing Authentication header'],
    [`Basic ${KEY}`, 'Malformed Authentication header'],
    ['Bearer', 'Malformed Authentication header'],
    ['Bearer ', 'Malformed Authentication header'],
    ['Bearer two words', 'Malformed Authentication header'],
  ])('authorization %j', async (authorization, message) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await fetch(`${BASE}/images`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: SEEDREAM, prompt: 'x' }),
    });
    const body = await refused(response, 401);
    expect(body.error.message).toContain(message);
  });

  it('accepts only the configured keys when apiKeys is set', async () => {
    server.use(...createImageHandlers({ apiKeys: ['sk-or-v1-only-this-one'] }));
    await refused(await postImages({ model: SEEDREAM, prompt: 'x' }), 401);
    const accepted = await postImages(
      { model: SEEDREAM, prompt: 'x', resolution: '1K' },
      { headers: { authorization: 'Bearer sk-or-v1-only-this-one' } },
    );
    expect(accepted.status).toBe(200);
    await accepted.arrayBuffer(); // an unread body over 64 KiB trips undici's paused-parser assert (nodejs/undici#5360)
  });
});

describe('400: the schema', () => {
  it('a body that is not JSON', async () => {
    const body = await refused(await postImages('{"model": '), 400);
    expect(body.error.message).toMatch(/^Request body is not valid JSON/);
  });

  it.each([
    [{ model: SEEDREAM }, 'prompt is required', '/prompt'],
    [{ prompt: 'x' }, 'model is required', '/model'],
    [{ model: SEEDREAM, prompt: '' }, 'prompt must NOT have fewer than 1 characters', '/prompt'],
    [{ model: SEEDREAM, prompt: 'x', n: 11 }, 'n must be <= 10', '/n'],
    [{ model: SEEDREAM, prompt: 'x', n: 0 }, 'n must be >= 1', '/n'],
    [
      { model: SEEDREAM, prompt: 'x', output_compression: -1 },
      'output_compression must be >= 0',
      '/output_compression',
    ],
    [{ model: SEEDREAM, prompt: 'x', seed: 'abc' }, 'seed must be integer', '/seed'],
    [
      { model: SEEDREAM, prompt: 'x', resolution: '8K' },
      'resolution must be one of: 512, 1K, 2K, 4K',
      '/resolution',
    ],
    [
      { model: SEEDREAM, prompt: 'x', background: 'green' },
      'background must be one of: auto, transparent, opaque',
      '/background',
    ],
    [
      { model: SEEDREAM, prompt: 'x', output_format: 'gif' },
      'output_format must be one of: png, jpeg, webp, svg',
      '/output_format',
    ],
    [
      { model: SEEDREAM, prompt: 'x', size: '2k' },
      'size must be a tier (512, 1K, 2K, 4K) or pixels as WIDTHxHEIGHT, e.g. 1536x1024',
      '/size',
    ],
    [
      { model: SEEDREAM, prompt: 'x', input_references: [{ type: 'image_url' }] },
      'input_references[0].image_url is required',
      '/input_references/0/image_url',
    ],
  ])('%j', async (request, message, pointer) => {
    const body = await refused(await postImages(request), 400);
    expect(body.error.message).toBe(message);
    expect(body.error.metadata?.violations?.[0]?.pointer).toBe(pointer);
  });

  it('lists every violation with its JSON pointer', async () => {
    const body = await refused(await postImages({ prompt: '', n: 12, quality: 'ultra', stream: 1 }), 400);
    const pointers = body.error.metadata?.violations?.map((v) => v.pointer).sort();
    expect(pointers).toEqual(['/model', '/n', '/prompt', '/quality', '/stream']);
    expect(body.error.message.split('; ')).toHaveLength(5);
  });
});

describe('400: rules the schema cannot say', () => {
  it.each([
    [{ size: '2K', resolution: '4K' }, "size '2K' conflicts with resolution '4K'", 'size-conflict'],
    [
      { size: '2048x2048', resolution: '4K' },
      "size '2048x2048' is a 2K size and conflicts with resolution '4K'",
      'size-conflict',
    ],
    [
      { size: '2048x2048', aspect_ratio: '16:9' },
      "size '2048x2048' conflicts with aspect_ratio '16:9'",
      'size-conflict',
    ],
  ])('Seedream %j', async (extra, message, rule) => {
    const body = await refused(await postImages({ model: SEEDREAM, prompt: 'x', ...extra }), 400);
    expect(body.error.message).toBe(message);
    expect(body.error.metadata?.violations?.[0]?.rule).toBe(rule);
  });

  it('a tier size combines with aspect_ratio (no conflict)', async () => {
    const response = await postImages({ model: SEEDREAM, prompt: 'x', size: '1K', aspect_ratio: '16:9' });
    expect(response.status).toBe(200);
    await response.arrayBuffer(); // read it: see nodejs/undici#5360
  });

  it('background transparent needs png or webp', async () => {
    const body = await refused(
      await postImages({
        model: 'openai/gpt-image-1',
        prompt: 'x',
        background: 'transparent',
        output_format: 'jpeg',
      }),
      400,
    );
    expect(body.error.message).toBe(
      "background 'transparent' requires output_format png or webp, not 'jpeg'",
    );
    expect(body.error.metadata?.violations?.[0]).toMatchObject({
      pointer: '/background',
      rule: 'requires-alpha-format',
    });
  });

  it('n beyond what the model allows', async () => {
    const body = await refused(
      await postImages({ model: 'google/gemini-2.5-flash-image', prompt: 'x', n: 2 }),
      400,
    );
    expect(body.error.message).toBe('n must be <= 1 for google/gemini-2.5-flash-image');
  });

  it('malformed reference URLs are refused', async () => {
    const badUrl = await refused(
      await postImages({
        model: SEEDREAM,
        prompt: 'x',
        input_references: [{ type: 'image_url', image_url: { url: 'ftp://x' } }],
      }),
      400,
    );
    expect(badUrl.error.metadata?.violations?.[0]?.pointer).toBe('/input_references/0/image_url/url');
  });

  it('an unknown model gets the service answer for it', async () => {
    const body = await refused(await postImages({ model: 'nobody/nothing', prompt: 'x' }), 400);
    expect(body.error.message).toMatch(/^nobody\/nothing is not a valid model ID \(/);
    // …and says how to add it.
    expect(body.error.message).toContain('--catalog');
    expect(body.error.message).toContain('catalog pull');
  });

  it('every format of the contract is synthesized: webp is answered, not refused', async () => {
    for (const format of OUTPUT_FORMATS) {
      const response = await postImages({ model: 'openai/gpt-image-1', prompt: 'x', output_format: format });
      expect(response.status, format).toBe(200);
      const body = (await response.json()) as { data: { media_type: string }[] };
      expect(body.data[0]?.media_type).toBe(MEDIA_TYPES[format]);
    }
  });

  it('provider preferences that no endpoint matches → 404', async () => {
    // openai is a provider the catalog knows, but it does not serve Seedream.
    const body = await refused(
      await postImages({ model: SEEDREAM, prompt: 'x', provider: { only: ['openai'] } }),
      404,
    );
    expect(body.error.message).toContain('No endpoints found for bytedance-seed/seedream-4.5');
  });
});

describe('bounded: no allocation sized by the caller', () => {
  it('refuses images over the per-image limit before synthesizing, naming the limit', async () => {
    server.use(...createImageHandlers({ limits: { maxPixelsPerImage: 1_000_000 } }));
    const body = await refused(await postImages({ model: SEEDREAM, prompt: 'x', resolution: '2K' }), 400);
    expect(body.error.message).toBe(
      'the image size 2048x2048 (4194304 pixels) exceeds the limit of 1000000 pixels per image',
    );
  });

  it('refuses answers over the per-response limit', async () => {
    const body = await refused(
      await postImages({ model: SEEDREAM, prompt: 'x', resolution: '4K', n: 10 }),
      400,
    );
    expect(body.error.message).toContain('exceed the limit of 67108864 pixels per response');
  });

  it('a 40000x40000 explicit size is fitted to the model before anything is allocated', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const response = await postImages({
      model: 'black-forest-labs/flux.2-pro',
      prompt: 'x',
      size: '40000x40000',
      output_format: 'png',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { b64_json: string }[] };
    const png = decodePngBase64(body.data[0]!.b64_json);
    expect(png.width * png.height).toBeLessThanOrEqual(4_194_304);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('routes', () => {
  it('a wrong method gets 405 in the error shape with Allow', async () => {
    const response = await fetch(`${BASE}/images`, { headers: { authorization: `Bearer ${KEY}` } });
    await refused(response, 405);
    expect(response.headers.get('allow')).toBe('POST');
    const del = await fetch(`${BASE}/images/models`, { method: 'DELETE' });
    await refused(del, 405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    ['/images', 'POST'],
    ['/images/models', 'GET, HEAD'],
    ['/images/models/openai/gpt-image-1/endpoints', 'GET, HEAD'],
  ])('through MSW, %s answers every method it lacks with 405 and Allow: %s', async (route, allow) => {
    // fetch cannot send CONNECT, TRACE or TRACK: those are tested over HTTP (test/cli/serve.test.ts).
    const lacking = [
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'PROPFIND',
      ...(allow === 'POST' ? ['GET'] : ['POST']),
    ];
    for (const method of lacking) {
      const response = await fetch(`${BASE}${route}`, {
        method,
        headers: { authorization: `Bearer ${KEY}` },
      });
      const body = await refused(response, 405);
      expect(response.headers.get('allow'), method).toBe(allow);
      expect(body.error.message).toBe(`Method ${method} is not allowed on ${route}`);
    }
  });
});
