import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateStreamEvent } from '../../src/contract/validators.ts';
import { createImageHandlers } from '../../src/index.ts';
import { decodePngBase64, distinctColours, postImages } from '../helpers.ts';
import { readSse } from '../sse.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GPT = 'openai/gpt-image-1';

describe('SSE over POST through setupServer', () => {
  it('streams partial images, completed images with usage on the last, then [DONE]', async () => {
    const response = await postImages({
      model: GPT,
      prompt: 'streamed',
      stream: true,
      n: 2,
      aspect_ratio: '3:2',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = await readSse(response);
    expect(stream.done).toBe(true);
    expect(stream.messages.at(-1)?.data).toBe('[DONE]');
    for (const event of stream.events) expect(validateStreamEvent(event)).toEqual([]);
    expect(stream.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expect(
      stream.events
        .filter((e) => e.type === 'image_generation.partial_image')
        .map((e) => e.partial_image_index),
    ).toEqual([0, 1, 0, 1]);
    for (const event of stream.events) {
      const image = decodePngBase64(String(event.b64_json));
      expect([image.width, image.height]).toEqual([1536, 1024]);
    }
    const completed = stream.events.filter((e) => e.type === 'image_generation.completed');
    expect(completed[0]).not.toHaveProperty('usage');
    expect(completed[1]).toMatchObject({ media_type: 'image/png', usage: { completion_tokens: 2 * 1584 } });
    expect(completed[0]?.b64_json).not.toBe(completed[1]?.b64_json);
    // Each preview is less finished than the next, and the last event is the finished image.
    const detail = stream.events
      .slice(0, 3)
      .map((e) => distinctColours(decodePngBase64(String(e.b64_json)), 2));
    expect(detail[0]).toBeLessThan(detail[1] ?? 0);
    expect(detail[1]).toBeLessThan(detail[2] ?? 0);
    expect(new Set(stream.events.slice(0, 3).map((e) => e.b64_json)).size).toBe(3);
    // The messages are data-only: no `event:` names, no ids.
    expect(stream.messages.every((m) => m.event === undefined && m.id === undefined)).toBe(true);
  });

  it('svg streams its markup as text_chunk events that add up to the completed image', async () => {
    const response = await postImages({
      model: 'recraft/recraft-v3-svg',
      prompt: 'vector <fox>',
      stream: true,
    });
    const stream = await readSse(response);
    const chunks = stream.events.filter((e) => e.type === 'image_generation.text_chunk');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.phase === 'content')).toBe(true);
    const completed = stream.events.at(-1);
    expect(completed?.type).toBe('image_generation.completed');
    expect(completed?.media_type).toBe('image/svg+xml');
    expect(chunks.map((c) => c.text).join('')).toBe(
      Buffer.from(String(completed?.b64_json), 'base64').toString('utf8'),
    );
  });

  it('a model that does not stream ignores the flag and answers with JSON', async () => {
    const response = await postImages({
      model: 'bytedance-seed/seedream-4.5',
      prompt: 'x',
      stream: true,
      resolution: '1K',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { data: { media_type: string }[] };
    expect(body.data.map((d) => d.media_type)).toEqual(['image/jpeg']);
  });

  it('the number of partials is an option per handler and per request', async () => {
    server.use(...createImageHandlers({ partialImages: 0 }));
    const none = await readSse(await postImages({ model: GPT, prompt: 'x', stream: true }));
    expect(none.events.map((e) => e.type)).toEqual(['image_generation.completed']);
    const three = await readSse(
      await postImages(
        { model: GPT, prompt: 'x', stream: true },
        { headers: { prefer: 'partial-images=3' } },
      ),
    );
    expect(three.events.map((e) => e.partial_image_index).filter((i) => i !== undefined)).toEqual([0, 1, 2]);
  });

  it('paces events when asked (interval per request), and not by default', async () => {
    // The same request three times: from the second, its images come from the cache, so what
    // takes time is the pacing alone.
    const body = { model: GPT, prompt: 'paced', stream: true };
    await readSse(await postImages(body));
    let started = performance.now();
    await readSse(await postImages(body, { headers: { prefer: 'interval=150' } }));
    // Three events → two pauses.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    expect((await readSse(await postImages(body))).events).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(150);
  });
});
