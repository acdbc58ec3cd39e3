import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/server/index.ts';
import { runCli, startServe } from '../cli/spawn-cli.ts';
import { KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';

const post = (base: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${base}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setImmediate(r));
  }
  return condition();
}

describe('streams over real HTTP (127.0.0.1)', () => {
  let server: MockServer;
  const errors: unknown[] = [];
  beforeAll(async () => {
    server = await startMockServer({ port: 0, interval: 250, onError: (e) => errors.push(e) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a client that disconnects mid-stream stops the generation at once: no timer or socket is left behind', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const abort = new AbortController();
    const response = await post(
      server.baseUrl,
      { model: 'openai/gpt-image-1', prompt: 'long', stream: true, n: 10 },
      {},
      abort.signal,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the first event arrives; the 250 ms pause before the next is pending
    await new Promise((r) => setTimeout(r, 20));
    const during = timers();
    expect(during).toBeGreaterThanOrEqual(1);
    expect(sockets()).toBe(2); // the client's and the server's ends
    abort.abort();
    await reader.read().catch(() => {});
    // The server notices the closed socket, cancels the body and clears the pacing timer …
    expect(await until(() => timers() < during && sockets() === 0, 1000)).toBe(true);
    // … and no later event is generated: a live generation would have re-armed its timer by now.
    await new Promise((r) => setImmediate(r));
    const settled = timers();
    const deadline = Date.now() + 400;
    while (Date.now() < deadline) {
      expect(timers()).toBeLessThanOrEqual(settled);
      await new Promise((r) => setImmediate(r));
    }
    expect(errors).toEqual([]);
  });

  it('stream-drop destroys the connection after N events: the body read fails, no [DONE]', async () => {
    const response = await post(
      server.baseUrl,
      { model: 'openai/gpt-image-1', prompt: 'drop', stream: true },
      { prefer: 'scenario=stream-drop, after=2, interval=0' },
    );
    const stream = await readSse(response);
    expect(stream.events).toHaveLength(2);
    expect(stream.done).toBe(false);
    expect(stream.error).toBeInstanceOf(TypeError);
  });
});

describe('serve with scenario and simulation flags', () => {
  it('--scenario answers every request with it; a request’s own Prefer wins', async () => {
    const serving = await startServe(['--scenario', 'rate-limited, retry-after=3']);
    try {
      const limited = await post(serving.baseUrl, { model: 'openai/gpt-image-1', prompt: 'x' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(
        (await post(serving.baseUrl, { model: 'openai/gpt-image-1', prompt: 'x' }, { prefer: 'code=200' }))
          .status,
      ).toBe(200);
    } finally {
      await serving.stop();
    }
  });

  it('--rate-limit and --credits simulate state per key', async () => {
    const serving = await startServe(['--rate-limit', '2/60', '--credits', '0.05']);
    try {
      const body = { model: 'bytedance-seed/seedream-4.5', prompt: 'x', resolution: '1K' };
      expect((await post(serving.baseUrl, body)).status).toBe(200);
      expect((await post(serving.baseUrl, body)).status).toBe(402);
      const limited = await post(serving.baseUrl, body);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(50);
      // Another key has its own budget and its own balance.
      const other = await post(serving.baseUrl, body, { authorization: 'Bearer sk-or-v1-another-key' });
      expect(other.status).toBe(200);
      await other.arrayBuffer();
    } finally {
      await serving.stop();
    }
  });

  it.each([
    [['serve', '--scenario', 'meteor'], 'unknown scenario "meteor"'],
    [['serve', '--rate-limit', 'ten'], '--rate-limit must look like <requests>/<seconds>'],
    [['serve', '--latency', 'soon'], 'latency must be a whole number'],
  ])('%j is a usage error (exit 2, one line)', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
