import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, BACKGROUNDS, QUALITIES, RESOLUTIONS } from '../../src/contract/enums.ts';
import { validateSchema } from '../../src/contract/validators.ts';
import { createImageHandlers } from '../../src/index.ts';
import { decodePngBase64, pixelAt, postImages } from '../helpers.ts';
import { decodeBase64Image, distinctColours } from '../synth/decode.ts';

const server = setupServer(...createImageHandlers({ now: () => 1_748_372_400_000 }));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

const SEEDREAM = 'bytedance-seed/seedream-4.5';
const GPT = 'openai/gpt-image-1';

async function ok(body: Record<string, unknown>) {
  const response = await postImages(body);
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(validateSchema('ImageGenerationResponse', json)).toEqual([]);
  return json as {
    created: number;
    data: { b64_json: string; media_type: string }[];
    usage: Record<string, number>;
  };
}

describe('POST /images through setupServer and fetch', () => {
  it('answers the reference page example with a real 2K JPEG (the model default) and the page-shaped body', async () => {
    const body = await ok({
      model: SEEDREAM,
      prompt: 'a red panda astronaut floating in space, studio lighting',
    });
    expect(body.created).toBe(1_748_372_400);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.media_type).toBe('image/jpeg');
    const image = decodeBase64Image(body.data[0]?.b64_json ?? '', 'image/jpeg');
    expect([image.width, image.height]).toEqual([2048, 2048]);
    expect(distinctColours(image, 16)).toBeGreaterThan(2);
    expect(body.usage).toEqual({ prompt_tokens: 0, completion_tokens: 4096, total_tokens: 4096, cost: 0.04 });
  });

  it.each(RESOLUTIONS)('resolution %s on Gemini 3.1 Flash Image gives that tier', async (resolution) => {
    const body = await ok({ model: 'google/gemini-3.1-flash-image', prompt: 'tiers', resolution });
    const image = decodePngBase64(body.data[0]?.b64_json ?? '');
    const side = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 }[resolution];
    expect([image.width, image.height]).toEqual([side, side]);
  });

  it.each(ASPECT_RATIOS)(
    'aspect_ratio %s on Seedream 4.5 gives an image of that (or the nearest offered) ratio',
    async (aspect_ratio) => {
      const body = await ok({ model: SEEDREAM, prompt: 'ratios', aspect_ratio, resolution: '1K' });
      const image = decodeBase64Image(body.data[0]?.b64_json ?? '', body.data[0]?.media_type ?? '');
      const offered = [
        '1:1',
        '1:2',
        '2:1',
        '2:3',
        '3:2',
        '3:4',
        '4:3',
        '4:5',
        '5:4',
        '9:16',
        '16:9',
        '9:19.5',
        '19.5:9',
        '9:20',
        '20:9',
        '9:21',
        '21:9',
      ];
      const ratio = (r: string) => {
        const [w, h] = r.split(':').map(Number);
        return (w ?? 1) / (h ?? 1);
      };
      const wanted = aspect_ratio === 'auto' ? 1 : ratio(aspect_ratio);
      const expected = offered
        .map(ratio)
        .reduce((a, b) => (Math.abs(Math.log(b / wanted)) < Math.abs(Math.log(a / wanted)) ? b : a));
      expect(Math.abs(image.width / image.height / expected - 1)).toBeLessThanOrEqual(0.01);
    },
  );

  it('n returns that many images, each different, in order', async () => {
    const request = { model: SEEDREAM, prompt: 'four of them', resolution: '1K', seed: 5 };
    const body = await ok({ ...request, n: 4 });
    expect(body.data).toHaveLength(4);
    expect(new Set(body.data.map((d) => d.b64_json)).size).toBe(4);
    expect(body.usage.cost).toBeCloseTo(0.16, 9);
    expect(body.usage.completion_tokens).toBe(4 * 1024);
    // In order: image i is the same whatever n, so n=2 answers the first two of the four.
    const two = await ok({ ...request, n: 2 });
    expect(two.data.map((d) => d.b64_json)).toEqual(body.data.slice(0, 2).map((d) => d.b64_json));
  });

  it('the same request with the same seed is byte-identical; other seeds, prompts and indices differ', async () => {
    const request = { model: SEEDREAM, prompt: 'determinism', seed: 42, resolution: '1K' };
    const [a, b, otherSeed, otherPrompt, two] = await Promise.all([
      ok(request),
      ok(request),
      ok({ ...request, seed: 43 }),
      ok({ ...request, prompt: 'something else' }),
      ok({ ...request, n: 2 }),
    ]);
    expect(a.data[0]?.b64_json).toBe(b.data[0]?.b64_json);
    expect(otherSeed.data[0]?.b64_json).not.toBe(a.data[0]?.b64_json);
    expect(otherPrompt.data[0]?.b64_json).not.toBe(a.data[0]?.b64_json);
    // Index 0 of two is the same image; index 1 is another.
    expect(two.data[0]?.b64_json).toBe(a.data[0]?.b64_json);
    expect(two.data[1]?.b64_json).not.toBe(a.data[0]?.b64_json);
  });

  it.each(BACKGROUNDS)('background %s on gpt-image-1 png', async (background) => {
    const body = await ok({ model: GPT, prompt: 'backgrounds', background, output_format: 'png' });
    const image = decodePngBase64(body.data[0]?.b64_json ?? '');
    expect([image.width, image.height]).toEqual([1024, 1024]);
    const [, , , alpha] = pixelAt(image, image.width - 1, image.height - 1);
    expect(alpha).toBe(background === 'transparent' ? 0 : 255);
  });

  it('transparent without output_format picks png on a model that offers it', async () => {
    const body = await ok({ model: GPT, prompt: 'alpha', background: 'transparent' });
    expect(body.data[0]?.media_type).toBe('image/png');
    expect(decodePngBase64(body.data[0]?.b64_json ?? '').channels).toBe(4);
  });

  it.each(QUALITIES)(
    'quality %s on gpt-image-1 sets the token count the way OpenAI bills it',
    async (quality) => {
      const body = await ok({ model: GPT, prompt: 'q', quality, aspect_ratio: '3:2' });
      const tokens = { auto: 1584, low: 408, medium: 1584, high: 6240, xhigh: 6240, max: 6240 }[quality];
      expect(body.usage.completion_tokens).toBe(tokens);
      expect(body.usage.prompt_tokens).toBe(1);
      expect(body.usage.cost).toBeCloseTo(tokens * 0.00004 + 0.000005, 9);
    },
  );

  it('quality is ignored by a model without the knob', async () => {
    const low = await ok({ model: SEEDREAM, prompt: 'q', quality: 'low', resolution: '1K', seed: 3 });
    const high = await ok({ model: SEEDREAM, prompt: 'q', quality: 'high', resolution: '1K', seed: 3 });
    expect(low.usage).toEqual(high.usage);
    // Not billed differently, nor drawn differently: the same bytes.
    expect(low.data[0]?.b64_json).toBe(high.data[0]?.b64_json);
  });

  it('explicit size is honoured exactly where the model allows it', async () => {
    const body = await ok({ model: 'black-forest-labs/flux.2-pro', prompt: 'exact', size: '1000x600' });
    expect(body.data[0]?.media_type).toBe('image/jpeg');
    const image = decodeBase64Image(body.data[0]?.b64_json ?? '', 'image/jpeg');
    expect([image.width, image.height]).toEqual([1000, 600]);
    expect(body.usage.cost).toBeCloseTo(0.6 * 0.03, 9);
  });

  it('svg comes back as base64 UTF-8 markup of the asked size with the prompt escaped', async () => {
    const body = await ok({
      model: 'recraft/recraft-v3-svg',
      prompt: '</text><script>alert(1)</script>',
      aspect_ratio: '3:2',
    });
    expect(body.data[0]?.media_type).toBe('image/svg+xml');
    const svg = Buffer.from(body.data[0]?.b64_json ?? '', 'base64').toString('utf8');
    expect(svg).toMatch(/<svg [^>]*width="1536" height="1024"/);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
  });

  it('input_references within the model limit are accepted and priced', async () => {
    const reference = { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } };
    const body = await ok({
      model: 'black-forest-labs/flux.2-pro',
      prompt: 'edit',
      input_references: [reference, reference],
    });
    expect(body.usage.cost).toBeCloseTo(1024 * 1024 * 1e-6 * 0.03 + 2 * 0.015, 9);
  });

  it('stream: true on a model that does not stream is ignored: one buffered JSON body', async () => {
    const body = await ok({ model: SEEDREAM, prompt: 'no stream', stream: true, resolution: '1K' });
    expect(body.data).toHaveLength(1);
  });

  it('accepts the fields the SDK sends beyond the page (user, session_id, trace, provider)', async () => {
    await ok({
      model: SEEDREAM,
      prompt: 'extras',
      resolution: '1K',
      user: 'user-1',
      session_id: 'session-1',
      trace: { trace_id: 't-1' },
      provider: { order: ['seed'], allow_fallbacks: false, options: { seed: { watermark: false } } },
    });
  });
});
