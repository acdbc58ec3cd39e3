import { describe, expect, it } from 'vitest';
import { createImagesMock } from '../../core/mock.ts';
import { imageSize } from './image-size.ts';

const mock = createImagesMock();

async function answered(body: Record<string, unknown>): Promise<{ bytes: Uint8Array; type: string }> {
  const response = await mock.handle(
    new Request('https://openrouter.ai/api/v1/images', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-or-v1-test', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'sized', ...body }),
    }),
  );
  const json = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
  const image = json.data[0];
  if (!image) throw new Error(JSON.stringify(json));
  return { bytes: Buffer.from(image.b64_json, 'base64'), type: image.media_type };
}

describe('imageSize', () => {
  it.each([
    ['png', { model: 'black-forest-labs/flux.2-pro', size: '1024x576', output_format: 'png' }, 1024, 576],
    ['jpeg', { model: 'black-forest-labs/flux.2-pro', size: '576x1024' }, 576, 1024],
    [
      'webp, lossless (VP8L)',
      { model: 'openai/gpt-image-1', size: '1536x1024', output_format: 'webp' },
      1536,
      1024,
    ],
    [
      'webp, lossy (VP8)',
      { model: 'openai/gpt-image-1', size: '1024x1536', output_format: 'webp', output_compression: 50 },
      1024,
      1536,
    ],
    [
      'webp with alpha (VP8X)',
      {
        model: 'openai/gpt-image-1',
        size: '1024x1024',
        output_format: 'webp',
        output_compression: 50,
        background: 'transparent',
      },
      1024,
      1024,
    ],
    ['svg', { model: 'recraft/recraft-v3-svg', aspect_ratio: '16:9' }, 1820, 1024],
  ])('reads the size of a %s file from its header', async (_, body, width, height) => {
    const { bytes, type } = await answered(body);
    expect(imageSize(bytes, type)).toEqual({ width, height });
  });

  it('reads an SVG without width and height from its viewBox', () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"></svg>',
    );
    expect(imageSize(svg, 'image/svg+xml')).toEqual({ width: 300, height: 150 });
  });

  it('gives undefined for what it cannot read', () => {
    expect(imageSize(new Uint8Array([1, 2, 3]), 'image/png')).toBeUndefined();
    expect(imageSize(new Uint8Array(64), 'image/jpeg')).toBeUndefined();
    expect(imageSize(new Uint8Array(64), 'image/gif')).toBeUndefined();
    expect(imageSize(new TextEncoder().encode('<svg width="100%">'), 'image/svg+xml')).toBeUndefined();
  });
});
