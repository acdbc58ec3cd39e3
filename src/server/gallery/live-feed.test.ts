import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../core/journal.ts';
import { LiveFeed } from './live-feed.ts';

const entry = (id: number) => ({ id }) as RecordedRequest;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function feed(options: { maxSubscribers?: number } = {}) {
  return new LiveFeed({ row: (e) => ({ id: e.id }), snapshot: () => ({ rows: [] }), flushMs: 1, ...options });
}

async function readText(body: ReadableStream<Uint8Array>, until: (text: string) => boolean): Promise<string> {
  const reader = body.getReader();
  let text = '';
  while (!until(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text;
}

describe('LiveFeed', () => {
  it('sends a snapshot, then changed entries in batches, each entry once per batch', async () => {
    const live = feed();
    const answer = live.subscribe();
    const body = answer.body as ReadableStream<Uint8Array>;
    live.changed(entry(1));
    live.changed(entry(2));
    live.changed(entry(1));
    const text = await readText(body, (t) => t.includes('event: rows'));
    expect(text).toBe(
      'retry: 2000\n\nevent: snapshot\ndata: {"rows":[]}\n\nevent: rows\ndata: [{"id":1},{"id":2}]\n\n',
    );
    await body.cancel();
    expect(live.subscribers).toBe(0);
  });

  it('builds nothing while no page is open', async () => {
    let rows = 0;
    const live = new LiveFeed({ row: () => rows++, snapshot: () => [], flushMs: 1 });
    live.changed(entry(1));
    await sleep(10);
    expect(rows).toBe(0);
  });

  it('refuses pages beyond the limit with 503, and takes one again once a page leaves', async () => {
    const live = feed({ maxSubscribers: 1 });
    const first = live.subscribe();
    expect(live.subscribe().status).toBe(503);
    await (first.body as ReadableStream).cancel();
    expect(live.subscribe().status).toBe(200);
  });

  it('drops a page that stops reading, so what waits for it stays bounded', async () => {
    const live = feed();
    live.subscribe(); // never read
    expect(live.subscribers).toBe(1);
    for (let id = 1; live.subscribers > 0 && id < 500; id++) {
      live.changed(entry(id));
      await sleep(2);
    }
    expect(live.subscribers).toBe(0);
  });

  it('ends every stream on close, and opens no more', async () => {
    const live = feed();
    const body = live.subscribe().body as ReadableStream<Uint8Array>;
    live.close();
    const text = await readText(body, () => false);
    expect(text).toContain('event: snapshot');
    expect([live.subscribers, live.subscribe().status]).toEqual([0, 503]);
  });
});
