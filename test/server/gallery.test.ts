// The gallery's routes over real HTTP: the page and its assets under a strict CSP, the images kept
// per journal entry (bounded, 404 once gone), the redacted detail, and the live feed of rows.
import { fileURLToPath } from 'node:url';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/server/gallery/assets.ts';
import type { GalleryRow } from '../../src/server/gallery/rows.ts';
import { type MockServer, type MockServerOptions, startMockServer } from '../../src/server/mock-server.ts';
import { rawRequest } from '../raw-http.ts';
import { readSse } from '../sse.ts';
import { within } from './helpers.ts';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef';
let server: MockServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  server = await startMockServer({ port: 0, ...options });
  return server;
}

function generate(s: MockServer, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${s.baseUrl}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'google/gemini-3.1-flash-image', resolution: '512', ...body }),
  });
}

async function answeredImages(response: Response): Promise<{ bytes: Buffer; type: string }[]> {
  const body = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
  return body.data.map((image) => ({ bytes: Buffer.from(image.b64_json, 'base64'), type: image.media_type }));
}

/** An SSE client that hands out messages one at a time, as they come. */
function subscribe(s: MockServer) {
  const controller = new AbortController();
  const queue: EventSourceMessage[] = [];
  let wake: (() => void) | undefined;
  const parser = createParser({
    onEvent: (message) => {
      queue.push(message);
      wake?.();
    },
  });
  const opened = fetch(`${s.url}/__mock/events`, { signal: controller.signal }).then((response) => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    })();
    return response;
  });
  return {
    opened,
    async next(): Promise<{ event: string; data: unknown }> {
      while (queue.length === 0) await within(new Promise<void>((r) => (wake = r)), 5000, 'an SSE message');
      const message = queue.shift() as EventSourceMessage;
      return { event: message.event ?? 'message', data: JSON.parse(message.data) };
    },
    close: () => controller.abort(),
  };
}

describe('the page and its assets', () => {
  it('serve HTML, JS and CSS with a strict Content-Security-Policy', async () => {
    const s = await start();
    for (const [path, type] of [
      ['/__mock/', 'text/html; charset=utf-8'],
      ['/__mock/gallery.js', 'text/javascript; charset=utf-8'],
      ['/__mock/gallery.css', 'text/css; charset=utf-8'],
    ]) {
      const response = await fetch(`${s.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.get('content-security-policy'), path).toBe(PAGE_CSP);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect((await response.text()).length, path).toBeGreaterThan(100);
    }
    expect(PAGE_CSP).toContain(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'",
    );
    // Nothing inline for the CSP to forbid: the page loads its script and style as files.
    const html = await (await fetch(`${s.url}/__mock/`)).text();
    expect(html).toContain('<script type="module" src="gallery.js"></script>');
    expect(html).not.toMatch(/<script>|<style|\son\w+=|style="/);
  });

  it('redirects /__mock to /__mock/, answers 405 with Allow for other methods, 404 elsewhere', async () => {
    const s = await start();
    const redirect = await fetch(`${s.url}/__mock`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/__mock/']);
    const post = await fetch(`${s.url}/__mock/`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    await post.text();
    const head = await fetch(`${s.url}/__mock/gallery.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const unknown = await fetch(`${s.url}/__mock/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404 } });
    // The inspection endpoints behind it are untouched.
    expect((await fetch(`${s.url}/__mock/health`)).status).toBe(200);
  });

  it('answers methods no client sends (TRACE, CONNECT) on its routes with 405', async () => {
    const s = await start();
    for (const route of ['/__mock/', '/__mock/events', '/__mock/requests/1', '/__mock/requests/1/images/0']) {
      for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PUT']) {
        const answer = await rawRequest(`${s.url}${route}`, method);
        expect([answer.status, answer.headers.allow], `${method} ${route}`).toEqual([405, 'GET, HEAD']);
      }
    }
  });

  it('is absent with gallery: false, and then keeps no image', async () => {
    const s = await start({ gallery: false });
    await (await generate(s, { prompt: 'none kept' })).text();
    expect((await fetch(`${s.url}/__mock/`)).status).toBe(404);
    expect((await fetch(`${s.url}/__mock/requests/1/images/0`)).status).toBe(404);
  });
});

describe('the images answered', () => {
  it('are served by journal id and index, byte for byte, as their media type', async () => {
    const s = await start();
    const json = await answeredImages(
      await generate(s, { prompt: 'two', model: 'openai/gpt-image-1', n: 2 }),
    );
    const svg = await answeredImages(
      await generate(s, { prompt: 'vector', model: 'recraft/recraft-v3-svg' }),
    );
    for (const [id, images] of [
      [1, json],
      [2, svg],
    ] as const) {
      for (const [index, image] of images.entries()) {
        const response = await fetch(`${s.url}/__mock/requests/${id}/images/${index}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(image.type);
        // Opened on its own, an SVG runs no script: the image has its own sandboxing CSP.
        expect(response.headers.get('content-security-policy')).toBe(
          "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        );
        expect(Buffer.from(await response.arrayBuffer()).equals(image.bytes)).toBe(true);
      }
    }
    expect(svg[0]?.type).toBe('image/svg+xml');
    expect((await fetch(`${s.url}/__mock/requests/1/images/2`)).status).toBe(404);
    expect((await fetch(`${s.url}/__mock/requests/99/images/0`)).status).toBe(404);
  });

  it('of a stream are its completed images, kept once sent', async () => {
    const s = await start();
    const response = await generate(s, { prompt: 'streamed', model: 'openai/gpt-image-1', stream: true });
    const { events } = await readSse(response);
    const completed = events.find((e) => e.type === 'image_generation.completed') as unknown as {
      b64_json: string;
    };
    const kept = await fetch(`${s.url}/__mock/requests/1/images/0`);
    expect(kept.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await kept.arrayBuffer()).equals(Buffer.from(completed.b64_json, 'base64'))).toBe(
      true,
    );
  });

  it('are bounded: the oldest are evicted (404) beyond the count or the bytes', async () => {
    const s = await start({ gallery: { maxImages: 2 } });
    for (const prompt of ['one', 'two', 'three']) await (await generate(s, { prompt })).text();
    const statuses = [1, 2, 3].map((id) =>
      fetch(`${s.url}/__mock/requests/${id}/images/0`).then((r) => r.status),
    );
    expect(await Promise.all(statuses)).toEqual([404, 200, 200]);
    const gone = await fetch(`${s.url}/__mock/requests/1/images/0`);
    expect(await gone.json()).toMatchObject({
      error: { code: 404, message: expect.stringMatching(/evicted/) },
    });
    await s.close();

    // By bytes: a budget that holds the last two images, and not the first as well.
    const sizes: number[] = [];
    const unbounded = await start();
    for (const prompt of ['one', 'two', 'three']) {
      const [image] = await answeredImages(await generate(unbounded, { prompt, seed: 1 }));
      sizes.push(image?.bytes.length ?? 0);
    }
    await unbounded.close();
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const bounded = await start({ gallery: { maxBytes: total - 1 } });
    for (const prompt of ['one', 'two', 'three']) await (await generate(bounded, { prompt, seed: 1 })).text();
    const kept = [1, 2, 3].map((id) =>
      fetch(`${bounded.url}/__mock/requests/${id}/images/0`).then((r) => r.status),
    );
    expect(await Promise.all(kept)).toEqual([404, 200, 200]);
  });

  it('go with the journal when it is emptied', async () => {
    const s = await start();
    await (await generate(s, { prompt: 'cleared' })).text();
    expect((await fetch(`${s.url}/__mock/requests/1/images/0`)).status).toBe(200);
    expect((await fetch(`${s.url}/__mock/requests`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${s.url}/__mock/requests/1/images/0`)).status).toBe(404);
  });
});

describe('the detail of a request', () => {
  it('is the journal entry with every key redacted, and the images kept', async () => {
    const s = await start();
    await (await generate(s, { prompt: `my key is ${KEY}` })).text();
    const response = await fetch(`${s.url}/__mock/requests/1`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const detail = (await response.json()) as Record<string, unknown>;
    expect(JSON.stringify(detail)).not.toContain(KEY.slice(-12));
    expect(detail).toMatchObject({
      id: 1,
      method: 'POST',
      path: '/images',
      headers: { authorization: '[REDACTED]' },
      body: { prompt: 'my key is [REDACTED]' },
      response: { status: 200, images: 1 },
      images: [{ index: 0, mediaType: 'image/png', width: 512, height: 512 }],
    });
    expect((await fetch(`${s.url}/__mock/requests/2`)).status).toBe(404);
  });
});

describe('the live feed', () => {
  it('sends a snapshot, then each answered request as a row, batched', async () => {
    const s = await start();
    await (await generate(s, { prompt: 'before' })).text();
    const feed = subscribe(s);
    const opened = await feed.opened;
    expect(opened.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const snapshot = await feed.next();
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { apiPath: '/api/v1', rows: [{ id: 1 }] } });

    await (
      await generate(s, {
        prompt: 'wide',
        model: 'black-forest-labs/flux.2-pro',
        size: '1024x576',
        resolution: undefined,
      })
    ).text();
    await (await generate(s, { prompt: 'refused', n: 50 })).text();
    const rows: GalleryRow[] = [];
    while (rows.length < 2) {
      const message = await feed.next();
      expect(message.event).toBe('rows');
      rows.push(...(message.data as GalleryRow[]));
    }
    expect(rows).toMatchObject([
      {
        id: 2,
        status: 200,
        model: 'black-forest-labs/flux.2-pro',
        size: '1024x576',
        format: 'image/jpeg',
        images: [{ index: 0, mediaType: 'image/jpeg', width: 1024, height: 576 }],
        valid: true,
      },
      {
        id: 3,
        status: 400,
        valid: false,
        violations: 1,
        images: [],
        error: expect.stringMatching(/n must be/),
      },
    ]);
    feed.close();
  });

  it("sends a stream's row again once its images are sent", async () => {
    const s = await start();
    const feed = subscribe(s);
    await feed.next(); // the snapshot
    await readSse(await generate(s, { prompt: 'streamed', model: 'openai/gpt-image-1', stream: true }));
    let row: GalleryRow | undefined;
    while (row?.images.length !== 1) row = ((await feed.next()).data as GalleryRow[]).at(-1);
    expect(row).toMatchObject({ id: 1, stream: true, count: 1, images: [{ mediaType: 'image/png' }] });
    feed.close();
  });

  it('lists exchanges the mock did not answer itself (replay, proxy)', async () => {
    const recording = fileURLToPath(new URL('../../fixtures/recordings/clean.jsonl', import.meta.url));
    const s = await start({ replay: recording });
    const feed = subscribe(s);
    await feed.next(); // the snapshot
    await (await generate(s, { prompt: 'never recorded' })).text();
    const { event, data } = await feed.next();
    expect(event).toBe('rows');
    expect(data).toMatchObject([{ id: 1, path: '/images', status: 404, prompt: 'never recorded' }]);
    feed.close();
  });

  it('serves a bounded number of pages, and frees a place when one closes', async () => {
    const s = await start({ gallery: { maxPages: 2 } });
    const first = subscribe(s);
    const second = subscribe(s);
    await first.next();
    await second.next();
    const third = await fetch(`${s.url}/__mock/events`);
    expect([third.status, third.headers.get('retry-after')]).toEqual([503, '5']);
    await third.text();
    first.close();
    // The server notices the closed connection and drops the page's stream.
    let again: Response | undefined;
    for (let attempt = 0; attempt < 50 && again?.status !== 200; attempt++) {
      await again?.text();
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await fetch(`${s.url}/__mock/events`, { signal: AbortSignal.timeout(2000) });
    }
    expect(again?.status).toBe(200);
    await again?.body?.cancel();
    second.close();
  });

  it('sends a new snapshot when the journal is emptied', async () => {
    const s = await start();
    await (await generate(s, { prompt: 'old' })).text();
    const feed = subscribe(s);
    expect(((await feed.next()).data as { rows: unknown[] }).rows).toHaveLength(1);
    await fetch(`${s.url}/__mock/requests`, { method: 'DELETE' });
    expect(await feed.next()).toEqual({ event: 'snapshot', data: { apiPath: '/api/v1', rows: [] } });
    feed.close();
  });

  it('does not hold up the server closing', async () => {
    const s = await start();
    const feed = subscribe(s);
    await feed.next();
    const started = performance.now();
    await s.close();
    server = undefined;
    expect(performance.now() - started).toBeLessThan(1000);
    feed.close();
  });
});
