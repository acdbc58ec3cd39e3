import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateStreamEvent } from '../../src/contract/validators.ts';
import { latencyMs } from '../../src/core/sleep.ts';
import { createImageHandlers, createImagesMock, scenarios } from '../../src/index.ts';
import { KEY, postImages } from '../helpers.ts';
import { readSse } from '../sse.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GPT = 'openai/gpt-image-1';
// `created` follows the clock; two answers may straddle a second.
const withoutTime = (events: Record<string, unknown>[]) => events.map(({ created, ...rest }) => rest);
const streamed = (prefer: string, extra: Record<string, unknown> = {}) =>
  postImages({ model: GPT, prompt: 'faults', stream: true, ...extra }, { headers: { prefer } }).then(readSse);

describe('stream faults', () => {
  it('stream-error: an error event after N events, then the stream ends without [DONE]', async () => {
    const stream = await streamed('scenario=stream-error, after=2');
    expect(stream.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'error',
    ]);
    expect(validateStreamEvent(stream.events[2])).toEqual([]);
    expect(stream.events[2]).toMatchObject({ error: { code: 'upstream_error', type: 'provider_error' } });
    expect(stream.done).toBe(false);
    expect(stream.error).toBeUndefined();
  });

  it('stream-drop: the body stream fails after N events, with no [DONE]', async () => {
    // At the core, exactly: N events, then the body errors (over HTTP the socket is destroyed).
    const response = await createImagesMock().handle(
      new Request('https://openrouter.ai/api/v1/images', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, prefer: 'scenario=stream-drop, after=2' },
        body: JSON.stringify({ model: GPT, prompt: 'x', stream: true }),
      }),
    );
    const stream = await readSse(response);
    expect(stream.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
    ]);
    expect(stream.done).toBe(false);
    expect(String(stream.error)).toContain('connection dropped mid-stream');
    // Through MSW the client sees the stream cut short: the body ends early after the same N
    // events, without [DONE] (MSW ends a body that errors; over HTTP the read fails instead).
    const viaMsw = await streamed('scenario=stream-drop, after=2');
    expect(viaMsw.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
    ]);
    expect(viaMsw.done).toBe(false);
  });

  it('keep-alive: comment lines the parser skips; the events are unchanged', async () => {
    const plain = await streamed('partial-images=1');
    const kept = await streamed('scenario=keep-alive, partial-images=1');
    expect(kept.comments).toEqual(['keep-alive', 'keep-alive']);
    expect(withoutTime(kept.events)).toEqual(withoutTime(plain.events));
  });

  it('split-frames and merged-frames change the chunking, never the events', async () => {
    // Chunk boundaries are checked at the core: MSW (like any proxy) may re-chunk a body.
    const mock = createImagesMock();
    const core = (prefer: string) =>
      mock
        .handle(
          new Request('https://openrouter.ai/api/v1/images', {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, prefer },
            body: JSON.stringify({ model: GPT, prompt: 'faults', stream: true, n: 2 }),
          }),
        )
        .then(readSse);
    const plain = await core('partial-images=2');
    const split = await core('scenario=split-frames, partial-images=2');
    const merged = await core('scenario=merged-frames, partial-images=2');
    const viaMsw = await streamed('scenario=split-frames, partial-images=2', { n: 2 });
    expect(withoutTime(viaMsw.events)).toEqual(withoutTime(plain.events));
    expect(withoutTime(split.events)).toEqual(withoutTime(plain.events));
    expect(withoutTime(merged.events)).toEqual(withoutTime(plain.events));
    expect(split.chunks.length).toBeGreaterThan(plain.chunks.length * 2);
    expect(merged.chunks.length).toBeLessThan(plain.chunks.length);
    // A split frame really is cut mid-line: some chunk does not end with the blank line.
    expect(split.chunks.some((c) => !Buffer.from(c).toString('utf8').endsWith('\n\n'))).toBe(true);
  });

  it('fewer-images: n is an upper bound, in JSON and in streams, and usage counts what came back', async () => {
    const json = (await (
      await postImages({ model: GPT, prompt: 'x', n: 3 }, { headers: { prefer: 'scenario=fewer-images' } })
    ).json()) as { data: unknown[]; usage: { completion_tokens: number } };
    expect(json.data).toHaveLength(2);
    expect(json.usage.completion_tokens).toBe(2 * 1056);
    const one = await streamed('scenario=fewer-images, count=1, partial-images=0', { n: 3 });
    expect(one.events.map((e) => e.type)).toEqual(['image_generation.completed']);
  });

  it('latency: fixed, or seeded random between bounds (the same seed waits the same)', async () => {
    let started = performance.now();
    expect(
      (await postImages({ model: GPT, prompt: 'x' }, { headers: { prefer: 'scenario=slow, latency=80' } }))
        .status,
    ).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    // Seeded: the wait is drawn from the request's seed, so the same seed waits the same (lower
    // bounds only: a busy machine can make any wait longer, never shorter).
    const drawn = (seed: number) => latencyMs({ min: 10, max: 150 }, seed);
    expect(drawn(3)).toBe(drawn(3));
    const draws = [1, 2, 3, 4, 5, 6].map(drawn);
    expect(new Set(draws).size).toBeGreaterThan(1);
    for (const ms of draws) {
      expect(ms).toBeGreaterThanOrEqual(10);
      expect(ms).toBeLessThanOrEqual(150);
    }
    for (let i = 0; i < 2; i++) {
      started = performance.now();
      await postImages({ model: GPT, prompt: 'x', seed: 3 }, { headers: { prefer: 'latency=10-150' } });
      expect(performance.now() - started).toBeGreaterThanOrEqual(drawn(3) - 1);
    }
  });

  it('scenarios in code: server.use(scenarios.streamError({ after: 2 }))', async () => {
    server.use(scenarios.streamError({ after: 2 }));
    const stream = await readSse(await postImages({ model: GPT, prompt: 'x', stream: true }));
    expect(stream.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'error',
    ]);
  });

  it('scenarios.custom combines fields', async () => {
    server.use(scenarios.custom({ keepAlive: true, maxImages: 1, partialImages: 1 }));
    const stream = await readSse(await postImages({ model: GPT, prompt: 'x', stream: true, n: 4 }));
    expect(stream.events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expect(stream.comments).toHaveLength(2);
  });
});
