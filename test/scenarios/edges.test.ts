// Every parameter of the Prefer grammar has a defined meaning at its edges, and the README says it.
import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handlersFor } from '../../src/handlers/index.ts';
import { createImageHandlers, createImagesMock, scenarioFromPrefer, scenarios } from '../../src/index.ts';
import { PREFER_PARAMETERS } from '../../src/scenarios/scenario.ts';
import { BASE, postImages } from '../helpers.ts';
import { readSse } from '../sse.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GPT = 'openai/gpt-image-1';
const request = (prefer: string, body: Record<string, unknown> = {}) =>
  postImages(
    { model: GPT, prompt: 'edges', size: '1024x1024', quality: 'low', ...body },
    { headers: { prefer } },
  );
const streamed = async (prefer: string, body: Record<string, unknown> = {}) => {
  const response = await request(prefer, { stream: true, ...body });
  return { status: response.status, ...(await readSse(response)) };
};
const types = (events: { type: string }[]) => events.map((e) => e.type.replace('image_generation.', ''));

describe('values outside a parameter’s range are a 400 naming it, never a silent guess', () => {
  it.each([
    ['after=', 'after must be a whole number >= 0, got ""'],
    ['after', 'after must be a whole number >= 0, got ""'],
    ['after=-1', 'after must be a whole number >= 0, got "-1"'],
    ['after=1.5', 'after must be a whole number >= 0, got "1.5"'],
    ['after=1e3', 'after must be a whole number >= 0, got "1e3"'],
    ['count=two', 'count must be a whole number >= 0, got "two"'],
    ['partial-images=11', 'partial-images must be a whole number from 0 to 10, got "11"'],
    ['interval=600001', 'interval must be a whole number from 0 to 600000, got "600001"'],
    ['latency=9999999999', 'latency must be a whole number from 0 to 600000, got "9999999999"'],
    ['latency=1-2-3', 'latency must be N or N-M (milliseconds), got "1-2-3"'],
    ['retry-after=soon', 'retry-after must be a whole number >= 0, got "soon"'],
    ['code=0', 'no scenario answers with status 0'],
    ['code=1000', 'code must be a whole number from 0 to 999, got "1000"'],
  ])('Prefer: %s', async (prefer, message) => {
    const response = await request(prefer);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; metadata: unknown } };
    expect(body.error.message).toBe(
      `[openrouter-images-mock] ${message.startsWith('no ') ? '' : 'Prefer '}${message}`,
    );
    expect(body.error.metadata).toEqual({ header: 'prefer' });
  });

  it('in code, the same ranges: scenarios.streamDrop({ after: -1 }) throws at once', () => {
    expect(() => scenarios.streamDrop({ after: -1 })).toThrow('after must be a whole number >= 0, got "-1"');
    expect(() => scenarios.fewerImages({ count: 1.5 })).toThrow('count must be a whole number');
    expect(() => scenarios.slow({ latency: { min: 0, max: 700_000 } })).toThrow(
      'latency must be a whole number',
    );
  });
});

describe('after (stream-drop, stream-error)', () => {
  it('0: the 200 head, then the drop before the first event', async () => {
    const drop = await streamed('scenario=stream-drop, after=0');
    expect(drop).toMatchObject({ status: 200, events: [], done: false });
  });

  it('0: the error event first', async () => {
    const error = await streamed('scenario=stream-error, after=0');
    expect(types(error.events)).toEqual(['error']);
    expect(error.done).toBe(false);
  });

  it('at or beyond the events the stream has: all of them, then the fault instead of [DONE]', async () => {
    for (const after of [3, 4, 1000]) {
      const drop = await streamed(`scenario=stream-drop, after=${after}`);
      expect(types(drop.events), `after=${after}`).toEqual(['partial_image', 'partial_image', 'completed']);
      expect(drop.done).toBe(false);
      const error = await streamed(`scenario=stream-error, after=${after}`);
      expect(types(error.events)).toEqual(['partial_image', 'partial_image', 'completed', 'error']);
      expect(error.done).toBe(false);
    }
  });

  it('a JSON answer is sent whole', async () => {
    const response = await request('scenario=stream-drop, after=0');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it('keep-alive comments are not events: after counts events only', async () => {
    const drop = await streamed('scenario=stream-drop keep-alive, after=1');
    expect(types(drop.events)).toEqual(['partial_image']);
    expect(drop.comments).toEqual(['keep-alive']);
  });
});

describe('count (fewer-images)', () => {
  const images = async (prefer: string, n: number) => {
    const response = await request(prefer, { n });
    return ((await response.json()) as { data: unknown[]; usage: { completion_tokens: number } }).data.length;
  };

  it('0: no images, in JSON and in a stream (only [DONE])', async () => {
    expect(await images('scenario=fewer-images, count=0', 2)).toBe(0);
    const stream = await streamed('scenario=fewer-images, count=0', { n: 2 });
    expect(stream).toMatchObject({ status: 200, events: [], done: true });
  });

  it('n or more: all n; without it, n - 1 and at least 1', async () => {
    expect(await images('scenario=fewer-images, count=2', 2)).toBe(2);
    expect(await images('scenario=fewer-images, count=99', 2)).toBe(2);
    expect(await images('scenario=fewer-images', 3)).toBe(2);
    expect(await images('scenario=fewer-images', 1)).toBe(1);
  });
});

describe('partial-images, interval, latency, retry-after, code', () => {
  it('partial-images=0: only completed events; 10 is the most', async () => {
    expect(types((await streamed('partial-images=0')).events)).toEqual(['completed']);
    expect((await streamed('partial-images=10', { size: '1024x1024' })).events).toHaveLength(11);
  });

  it('interval=0 streams as fast as the client reads; the pause never comes before the first event', async () => {
    let started = performance.now();
    const stream = await streamed('partial-images=0, interval=400');
    expect(stream.done).toBe(true);
    expect(performance.now() - started).toBeLessThan(350);
    // interval=0 lifts a server-wide pace of 400 ms: three events, no pause between them. (Asked
    // once before, so the images come from the cache and only a pause could take time.)
    await streamed('interval=0');
    server.use(...createImageHandlers({ interval: 400 }));
    started = performance.now();
    const unpaced = await streamed('interval=0');
    expect(unpaced.done).toBe(true);
    expect(unpaced.events).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(350);
  });

  it('latency: 0 waits not at all, bounds in either order, equal bounds are a fixed wait', async () => {
    expect(scenarioFromPrefer('scenario=slow, latency=0')).toEqual({ latency: 0 });
    expect(scenarioFromPrefer('latency=120-40')).toEqual({ latency: { min: 40, max: 120 } });
    expect(scenarioFromPrefer('latency=50-50')).toEqual({ latency: 50 });
    const started = performance.now();
    expect((await request('scenario=slow, latency=0')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('retry-after=0 sends Retry-After: 0; on an error scenario without one it adds the header', async () => {
    expect((await request('scenario=rate-limited, retry-after=0')).headers.get('retry-after')).toBe('0');
    expect((await request('scenario=internal-error, retry-after=3')).headers.get('retry-after')).toBe('3');
    expect((await request('code=429, retry-after=0')).headers.get('retry-after')).toBe('0');
    // Not an error answer: nothing to retry.
    expect((await request('scenario=slow, latency=0, retry-after=3')).headers.get('retry-after')).toBeNull();
  });

  it('code=200 switches a server-wide error scenario off for one request', async () => {
    const mock = createImagesMock({ scenario: 'rate-limited' });
    server.use(...handlersFor(mock, BASE));
    expect((await request('')).status).toBe(429);
    expect((await request('code=200')).status).toBe(200);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const scenariosSection = readme.slice(readme.indexOf('### Scenarios'), readme.indexOf('## Model catalog'));

  it("lists every Prefer parameter's range and edges in the Scenarios section, as the code has them", () => {
    for (const [name, { max, edges }] of Object.entries(PREFER_PARAMETERS)) {
      const range = max === Number.MAX_SAFE_INTEGER ? '0 and up' : `0–${max}`;
      expect(scenariosSection).toContain(`| \`${name}\` | ${range} | ${edges} |`);
    }
  });
});
