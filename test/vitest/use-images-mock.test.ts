import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { type CatalogModel, defaultModels } from '../../src/index.ts';
import { createImagesMockHandle } from '../../src/testing/index.ts';
import { respondWith, scenarios, useImagesMock } from '../../src/vitest/index.ts';
import { KEY, postImages } from '../helpers.ts';
import { readSse } from '../sse.ts';
import { decodeBase64Image, parseSvg } from '../synth/decode.ts';

const mock = useImagesMock();
const GPT = 'openai/gpt-image-1';

describe('inspect what the client sent', () => {
  it('records each request: parsed body, headers without the key, verdict and answer', async () => {
    // Bodies are always read: an unread body leaves undici's parser paused under msw's socket.
    await (
      await postImages({ model: GPT, prompt: 'journal', n: 2 }, { headers: { 'x-title': 'my app' } })
    ).arrayBuffer();
    expect(mock.requests).toHaveLength(1);
    const request = mock.lastRequest;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/images',
      body: { model: GPT, prompt: 'journal', n: 2 },
      verdict: { valid: true, violations: [] },
      response: { status: 200, images: 2, stream: false },
    });
    expect(request?.headers['x-title']).toBe('my app');
    expect(request?.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`);
    expect(JSON.stringify(mock.requests)).not.toContain(KEY);
  });

  it('records the verdict of a request the contract rejects, even one refused for its key', async () => {
    await fetch('https://openrouter.ai/api/v1/images', {
      method: 'POST',
      body: JSON.stringify({ model: GPT, n: 20 }),
    });
    expect(mock.lastRequest?.response?.status).toBe(401);
    expect(mock.lastRequest?.verdict.valid).toBe(false);
    expect(mock.lastRequest?.verdict.violations.map((v) => v.pointer).sort()).toEqual(['/n', '/prompt']);
  });

  it('starts every test with an empty journal', () => {
    expect(mock.requests).toEqual([]);
  });

  it('toHaveReceivedImageRequest matches partially and explains a miss with a diff', async () => {
    await (
      await postImages({
        model: GPT,
        prompt: 'matcher',
        quality: 'low',
        provider: { order: ['openai'], allow_fallbacks: false },
      })
    ).arrayBuffer();
    expect(mock).toHaveReceivedImageRequest({ model: GPT });
    expect(mock).toHaveReceivedImageRequest({ quality: 'low', provider: { order: ['openai'] } });
    expect(mock).not.toHaveReceivedImageRequest({ model: 'bytedance-seed/seedream-4.5' });
    let message = '';
    try {
      expect(mock).toHaveReceivedImageRequest({ model: GPT, quality: 'high' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('the last one differs');
    expect(message).toMatch(/- +"quality": "high"/);
    expect(message).toMatch(/\+ +"quality": "low"/);
  });
});

describe('control the answer', () => {
  it('respondWith bytes, once; then the mock answers again', async () => {
    const red = (await import('node:fs')).readFileSync('fixtures/images/red-4x4.png');
    mock.use(respondWith({ images: [new Uint8Array(red)], usage: { cost: 1.5 } }, { once: true }));
    const first = (await (await postImages({ model: GPT, prompt: 'x' })).json()) as {
      data: { b64_json: string; media_type: string }[];
      usage: Record<string, number>;
    };
    expect(first.data).toEqual([{ b64_json: red.toString('base64'), media_type: 'image/png' }]);
    expect(first.usage.cost).toBe(1.5);
    expect(first.usage.completion_tokens).toBe(1056);
    const second = (await (await postImages({ model: GPT, prompt: 'x' })).json()) as {
      data: { b64_json: string }[];
    };
    expect(decode(Buffer.from(second.data[0]?.b64_json ?? '', 'base64')).width).toBe(1024);
  });

  it('respondWith synthesis options and a function of the request, for the rest of the test', async () => {
    // The answer follows the request: 16 pixels of width per character of the prompt.
    mock.use(
      respondWith((request) => ({
        images: [{ synthesize: { width: 16 * request.prompt.length, height: 32, label: request.prompt } }],
        created: 42,
      })),
    );
    for (const [prompt, width] of [
      ['one', 48],
      ['three', 80],
    ] as const) {
      const body = (await (await postImages({ model: GPT, prompt })).json()) as {
        created: number;
        data: { b64_json: string }[];
      };
      expect(body.created).toBe(42);
      const image = decode(Buffer.from(body.data[0]?.b64_json ?? '', 'base64'));
      expect([image.width, image.height]).toEqual([width, 32]);
    }
  });

  it('respondWith synthesis options: colour, format, label, size', async () => {
    mock.use(
      respondWith({
        images: [
          { synthesize: { width: 96, height: 64, color: '#ff0000', label: 'red' } },
          { synthesize: { width: 96, height: 64, color: '#0000ff', label: 'blue' } },
          { synthesize: { width: 40, height: 30, format: 'jpeg' } },
          { synthesize: { width: 50, height: 20, format: 'svg', label: 'a label of its own' } },
        ],
      }),
    );
    const body = (await (await postImages({ model: GPT, prompt: 'x' })).json()) as {
      data: { b64_json: string; media_type: string }[];
    };
    expect(body.data.map((d) => d.media_type)).toEqual([
      'image/png',
      'image/png',
      'image/jpeg',
      'image/svg+xml',
    ]);
    const sizes = body.data.slice(0, 3).map((d) => {
      const image = decodeBase64Image(d.b64_json, d.media_type);
      return [image.width, image.height];
    });
    expect(sizes).toEqual([
      [96, 64],
      [96, 64],
      [40, 30],
    ]);
    // The label is drawn: in an SVG it can be read back as text.
    const svg = parseSvg(Buffer.from(body.data[3]?.b64_json ?? '', 'base64').toString('utf8'));
    expect(svg.attributes).toMatchObject({ width: '50', height: '20' });
    expect(svg.text).toContain('a label of its own');
    const corner = (b64: string) => {
      const image = decode(Buffer.from(b64, 'base64'));
      const c = image.channels;
      return [image.data[0], image.data[1], image.data[2]].map(Number).concat(c) as number[];
    };
    const [r1, g1, b1] = corner(body.data[0]?.b64_json ?? '');
    const [r2, g2, b2] = corner(body.data[1]?.b64_json ?? '');
    expect(r1).toBeGreaterThan(Math.max(g1 ?? 0, b1 ?? 0)); // red dominates
    expect(b2).toBeGreaterThan(Math.max(r2 ?? 0, g2 ?? 0)); // blue dominates
    expect(Buffer.from(body.data[2]?.b64_json ?? '', 'base64').subarray(0, 3)).toEqual(
      Buffer.from([0xff, 0xd8, 0xff]),
    );
    expect(() => respondWith({ images: [{ synthesize: { width: 1, height: 1, color: 'red' } }] })).toThrow(
      /color must be a CSS hex colour/,
    );
    expect(() => respondWith({ images: [{ file: 'fixtures/images/missing.png' }] })).toThrow(/ENOENT/);
  });

  it('streams the given images too', async () => {
    mock.use(respondWith({ images: [{ synthesize: { width: 16, height: 16 } }] }));
    const stream = await readSse(await postImages({ model: GPT, prompt: 'x', stream: true }));
    const completed = stream.events.filter((e) => e.type === 'image_generation.completed');
    expect(completed).toHaveLength(1);
    const image = decodeBase64Image(String(completed[0]?.b64_json), String(completed[0]?.media_type));
    expect([image.width, image.height]).toEqual([16, 16]);
    expect(stream.done).toBe(true);
  });

  it('refuses an answer that breaks the contract, with the reason, unless check is off', async () => {
    expect(() => mock.use(respondWith({ usage: { prompt_tokens: 1.5 } }))).toThrow(
      /the answer breaks the contract: usage\.prompt_tokens must be integer/,
    );
    expect(() => respondWith({ images: [new Uint8Array([1, 2, 3])] })).toThrow(
      /image 0 is not a PNG, JPEG, WebP or SVG/,
    );
    mock.use(respondWith({ usage: { prompt_tokens: 1.5 } }, { check: false }));
    const body = (await (await postImages({ model: GPT, prompt: 'x' })).json()) as {
      usage: { prompt_tokens: number };
    };
    expect(body.usage.prompt_tokens).toBe(1.5);
  });

  it('scenarios through the same call: by handler, by name, or as fields', async () => {
    mock.use(scenarios.rateLimited({ retryAfter: 7, once: true }));
    const limited = await postImages({ model: GPT, prompt: 'x' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    mock.use('generation-failed');
    expect((await postImages({ model: GPT, prompt: 'x' })).status).toBe(502);
    mock.use({ maxImages: 1 });
    const fewer = (await (await postImages({ model: GPT, prompt: 'x', n: 3 })).json()) as { data: unknown[] };
    expect(fewer.data).toHaveLength(1);
    expect(mock.requests.map((r) => r.response?.status)).toEqual([429, 502, 200]);
  });

  it('a bad request is still answered 400 while an override is active', async () => {
    mock.use(respondWith({ created: 1 }));
    expect((await postImages({ model: GPT, prompt: '' })).status).toBe(400);
  });
});

describe('strict mode (framework-free handle)', () => {
  it('reset() reports a request the contract rejects, naming the violation', async () => {
    const handle = createImagesMockHandle({ strict: true, baseUrl: 'https://strict.test/api/v1' });
    // Not listened: call the mock directly, as the handlers would.
    await handle.mock.handle(
      new Request('https://strict.test/api/v1/images', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: GPT, prompt: 'x', n: 11 }),
      }),
    );
    const failure = handle.reset();
    expect(failure?.message).toContain(
      'POST /images: the client sent a request the contract rejects: n must be <= 10 (/n)',
    );
    expect(handle.reset()).toBeUndefined();
  });

  it('allowInvalidRequests() lets a test send bad requests on purpose', async () => {
    const handle = createImagesMockHandle({ strict: true, baseUrl: 'https://strict.test/api/v1' });
    handle.allowInvalidRequests();
    await handle.mock.handle(
      new Request('https://strict.test/api/v1/images', { method: 'POST', body: '{}' }),
    );
    expect(handle.reset()).toBeUndefined();
  });

  it('reports the mock’s own failures (a broken answer) as test failures', async () => {
    // A catalog model whose answers break the contract: fractional token counts in usage.
    const odd = structuredClone(defaultModels.find((m) => m.id === 'recraft/recraft-v3-svg') as CatalogModel);
    odd.mock.tokens = { per_image: 1.5 };
    const handle = createImagesMockHandle({ baseUrl: 'https://strict.test/api/v1', models: [odd] });
    const response = await handle.mock.handle(
      new Request('https://strict.test/api/v1/images', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: odd.id, prompt: 'x' }),
      }),
    );
    expect(response.status).toBe(500);
    expect(handle.reset()?.message).toContain('answer breaks the contract');
    // Reported once: the next test starts clean.
    expect(handle.reset()).toBeUndefined();
  });
});

describe('toMatchImagesContract through the vitest entry', () => {
  it('is registered by useImagesMock and typed', async () => {
    const response = await postImages({ model: GPT, prompt: 'contract' });
    await expect(response).toMatchImagesContract();
    const broken = new Response(JSON.stringify({ created: 'now', data: [] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    await expect(expect(broken).toMatchImagesContract()).rejects.toThrow(/created must be integer/);
  });
});
