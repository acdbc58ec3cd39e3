// The calls a real client makes, shared by the MSW and the HTTP suites: the published SDK
// validates every answer strictly (zod), so a field the contract does not allow fails here.
import { OpenRouter } from '@openrouter/sdk';
import * as errors from '@openrouter/sdk/models/errors';
import { expect, it } from 'vitest';
import { decodePngBase64, KEY } from '../helpers.ts';
import { decodeBase64Image } from '../synth/decode.ts';

export function client(serverURL: string) {
  // Retries off: error-path tests must see the first answer, not a backoff loop.
  return new OpenRouter({ apiKey: KEY, serverURL, retryConfig: { strategy: 'none' } });
}

export function sdkContract(serverURL: () => string) {
  it('images.generate: the reference page example', async () => {
    const result = await client(serverURL()).images.generate({
      imageGenerationRequest: {
        model: 'bytedance-seed/seedream-4.5',
        prompt: 'a red panda astronaut',
        resolution: '1K',
      },
    });
    if (!('data' in result)) throw new Error('expected a JSON answer');
    expect(result.data).toHaveLength(1);
    expect(result.data[0]?.mediaType).toBe('image/jpeg');
    const image = decodeBase64Image(result.data[0]?.b64Json ?? '', 'image/jpeg');
    expect([image.width, image.height]).toEqual([1024, 1024]);
    expect(result.usage).toMatchObject({
      promptTokens: 0,
      completionTokens: 1024,
      totalTokens: 1024,
      cost: 0.04,
    });
  });

  it('images.generate: every optional field the SDK can send', async () => {
    const result = await client(serverURL()).images.generate({
      imageGenerationRequest: {
        model: 'openai/gpt-image-1',
        prompt: 'everything at once',
        aspectRatio: '2:3',
        resolution: '1K',
        size: '1024x1536',
        background: 'transparent',
        n: 2,
        outputFormat: 'png',
        outputCompression: 80,
        quality: 'low',
        seed: 7,
        user: 'u-1',
        sessionId: 's-1',
        inputReferences: [{ type: 'image_url', imageUrl: { url: 'https://example.com/a.png' } }],
        provider: { order: ['openai'], allowFallbacks: false },
        trace: { traceId: 't-1', spanName: 'images' },
        stream: false,
      },
    });
    if (!('data' in result)) throw new Error('expected a JSON answer');
    expect(result.data).toHaveLength(2);
    const image = decodePngBase64(result.data[1]?.b64Json ?? '');
    expect([image.width, image.height, image.channels]).toEqual([1024, 1536, 4]);
  });

  it('images.generate with stream: true iterates partial and completed events', async () => {
    const result = await client(serverURL()).images.generate({
      imageGenerationRequest: { model: 'openai/gpt-image-1', prompt: 'streamed', stream: true },
    });
    if ('data' in result) throw new Error('expected an event stream');
    const types: string[] = [];
    let completed: string | undefined;
    for await (const event of result) {
      types.push(event.type);
      if (event.type === 'image_generation.completed') completed = event.b64Json;
    }
    expect(types).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    const image = decodePngBase64(completed ?? '');
    expect([image.width, image.height]).toEqual([1024, 1024]);
  });

  it('images.listModels and images.listModelEndpoints', async () => {
    const sdk = client(serverURL());
    const list = await sdk.images.listModels();
    expect(list.data.map((m) => m.id)).toContain('openai/gpt-image-1');
    for (const model of list.data) {
      const [author, slug] = model.id.split('/') as [string, string];
      const endpoints = await sdk.images.listModelEndpoints({ author, slug });
      expect(endpoints.id).toBe(model.id);
      expect(endpoints.endpoints.length).toBeGreaterThan(0);
      expect(endpoints.endpoints[0]?.pricing.length).toBeGreaterThan(0);
    }
  });

  it('surfaces the 400 as the SDK’s typed error with the service message', async () => {
    const error = await client(serverURL())
      .images.generate({
        imageGenerationRequest: { model: 'bytedance-seed/seedream-4.5', prompt: 'x', n: 11 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.BadRequestResponseError);
    expect((error as errors.BadRequestResponseError).error).toMatchObject({
      code: 400,
      message: 'n must be <= 10',
    });
  });

  it('surfaces the 401 as the SDK’s typed error', async () => {
    const sdk = new OpenRouter({
      apiKey: 'has spaces',
      serverURL: serverURL(),
      retryConfig: { strategy: 'none' },
    });
    const error = await sdk.images
      .generate({ imageGenerationRequest: { model: 'bytedance-seed/seedream-4.5', prompt: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.UnauthorizedResponseError);
  });

  it('surfaces the 404 of an unknown model’s endpoints as the SDK’s typed error', async () => {
    const error = await client(serverURL())
      .images.listModelEndpoints({ author: 'nobody', slug: 'nothing' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.NotFoundResponseError);
  });
}
