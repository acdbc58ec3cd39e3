// Faults are faithful, and so is the record of them: every scenario of the catalog looks the same
// to a client through MSW, over HTTP and through a proxy, with and without recording, and when
// its recording is replayed; a recording holds what was sent and says when it was cut.
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { validateExchange } from '../../src/check/validate.ts';
import { createImagesMock, ERROR_SCENARIOS, FAULT_SCENARIOS } from '../../src/index.ts';
import type { RecordedExchange } from '../../src/recording/exchange.ts';
import { HarWriter, JsonlWriter } from '../../src/recording/har-writer.ts';
import { readExchanges } from '../../src/recording/read.ts';
import { type MockServer, startMockServer } from '../../src/server/index.ts';
import { withRecording } from '../../src/server/recording.ts';
import { BASE, KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-faithful-'));

interface Case {
  id: string;
  prefer: string;
  stream: boolean;
  n?: number;
}

const extra: Partial<Record<keyof typeof FAULT_SCENARIOS, string>> = {
  slow: ', latency=20',
  'stream-drop': ', after=1',
  'stream-error': ', after=1',
};
/** The whole catalog, then the edges of the stream faults' parameters. */
const CASES: Case[] = [
  ...Object.keys(ERROR_SCENARIOS).map((name) => ({ id: name, prefer: `scenario=${name}`, stream: false })),
  ...Object.entries(FAULT_SCENARIOS).map(([name]) => ({
    id: name,
    prefer: `scenario=${name}${extra[name as keyof typeof FAULT_SCENARIOS] ?? ''}`,
    stream: true,
    ...(name === 'fewer-images' ? { n: 3 } : {}),
  })),
  { id: 'stream-drop after=0', prefer: 'scenario=stream-drop, after=0', stream: true },
  { id: 'stream-drop after=3 (all events)', prefer: 'scenario=stream-drop, after=3', stream: true },
  { id: 'stream-drop after=99', prefer: 'scenario=stream-drop, after=99', stream: true },
  { id: 'stream-error after=0', prefer: 'scenario=stream-error, after=0', stream: true },
  { id: 'stream-error after=99', prefer: 'scenario=stream-error, after=99', stream: true },
  { id: 'fewer-images count=0', prefer: 'scenario=fewer-images, count=0', stream: false, n: 2 },
  { id: 'stream-drop on JSON', prefer: 'scenario=stream-drop, after=0', stream: false },
];

const bodyOf = (c: Case) =>
  JSON.stringify({
    model: 'openai/gpt-image-1',
    prompt: `faithful ${c.id}`,
    size: '1024x1024',
    quality: 'low',
    stream: c.stream,
    ...(c.n ? { n: c.n } : {}),
  });

/** What a client sees of one answer; `raw` and `failed` vary by transport and are compared apart. */
interface Seen {
  status: number;
  headers: Record<string, string | null>;
  /** A JSON body without `created`. */
  json?: unknown;
  /** The SSE events, without `created`. */
  events?: unknown[];
  /** How a stream ended: `[DONE]`, an error event, or cut short (no `[DONE]`, no error event). */
  end?: 'done' | 'error-event' | 'cut';
  raw: string;
  /** The body read failed (a socket error), rather than ending. */
  failed: boolean;
}

const withoutCreated = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { created, ...rest } = value as Record<string, unknown>;
  return rest;
};

async function observe(base: string, c: Case): Promise<Seen> {
  const response = await fetch(`${base}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', prefer: c.prefer },
    body: bodyOf(c),
    signal: AbortSignal.timeout(10_000),
  });
  const headers = Object.fromEntries(
    ['content-type', 'retry-after', 'cache-control'].map((name) => [name, response.headers.get(name)]),
  );
  const seen: Seen = { status: response.status, headers, raw: '', failed: false };
  if (/event-stream/.test(headers['content-type'] ?? '')) {
    const stream = await readSse(response);
    seen.raw = Buffer.concat(stream.chunks).toString('utf8');
    seen.failed = stream.error !== undefined;
    seen.events = stream.events.map(withoutCreated);
    const last = stream.events.at(-1);
    seen.end = stream.done ? 'done' : last?.type === 'error' ? 'error-event' : 'cut';
    return seen;
  }
  try {
    seen.raw = await response.text();
    seen.json = withoutCreated(JSON.parse(seen.raw));
  } catch {
    seen.failed = true;
  }
  return seen;
}

/** Every case through `base`, in order. */
async function observeAll(base: string): Promise<Map<string, Seen>> {
  const out = new Map<string, Seen>();
  for (const c of CASES) out.set(c.id, await observe(base, c));
  return out;
}

const comparable = ({ raw, failed, ...rest }: Seen) => rest;

type Recording = 'none' | 'jsonl' | 'har';
type Transport = 'msw' | 'http' | 'proxy';

/** The cases through MSW handlers over the mock; recorded by the same recorder the server uses. */
async function throughMsw(record: string | undefined): Promise<Map<string, Seen>> {
  const mock = createImagesMock();
  const writer = record?.endsWith('.jsonl')
    ? new JsonlWriter(record)
    : record
      ? new HarWriter(record, '0')
      : undefined;
  const handle = writer
    ? withRecording(mock.handle, (exchange, started, ms) => writer.add(exchange, started, ms))
    : mock.handle;
  const server = setupServer(
    http.all(`${BASE}/images`, ({ request }) => handle(request)),
    http.all('*', () => HttpResponse.error()),
  );
  server.listen({ onUnhandledFrame: 'error' });
  try {
    return await observeAll(BASE);
  } finally {
    server.close();
    await new Promise((r) => setTimeout(r, 20)); // the last exchange is recorded once its body ends
    writer?.close();
  }
}

/** The cases over HTTP: the server alone, or a server proxying to another. */
async function throughHttp(transport: 'http' | 'proxy', record: string | undefined) {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  const upstream = transport === 'proxy' ? await startMockServer({ port: 0, onError }) : undefined;
  const server = await startMockServer({
    port: 0,
    onError,
    ...(upstream ? { proxy: upstream.baseUrl } : {}),
    ...(record ? { record } : {}),
  });
  try {
    const seen = await observeAll(server.baseUrl);
    const journal = await journalOf(server);
    return { seen, errors, journal };
  } finally {
    await server.close();
    await upstream?.close();
  }
}

async function journalOf(server: MockServer) {
  const { data } = (await (await fetch(`${server.url}/__mock/requests`)).json()) as {
    data: { body?: { prompt?: string }; response?: { status: number; cut?: string } }[];
  };
  return data;
}

async function recorded(path: string): Promise<Map<string, RecordedExchange>> {
  const out = new Map<string, RecordedExchange>();
  for await (const item of readExchanges(createReadStream(path))) {
    if (!('exchange' in item)) throw new Error(`unusable recording ${path}: ${JSON.stringify(item)}`);
    const prompt = (item.exchange.request.body as { prompt: string }).prompt;
    out.set(prompt.replace(/^faithful /, ''), item.exchange);
  }
  return out;
}

const plural = (n: number) => `after ${n} event${n === 1 ? '' : 's'}`;

/** A recording holds what the client got, says when it was cut, and `validate` reports the cut. */
function expectRecordingFaithful(exchanges: Map<string, RecordedExchange>, seen: Map<string, Seen>) {
  expect([...exchanges.keys()].sort()).toEqual(CASES.map((c) => c.id).sort());
  for (const c of CASES) {
    const exchange = exchanges.get(c.id)!;
    const client = seen.get(c.id)!;
    const { response } = exchange;
    expect(response.status, c.id).toBe(client.status);
    expect(response.headers['content-type'] ?? null, c.id).toBe(client.headers['content-type']);
    expect(response.headers['retry-after'] ?? null, c.id).toBe(client.headers['retry-after']);
    if (client.events) expect(response.body ?? '', c.id).toBe(client.raw);
    else expect(response.body, c.id).toEqual(JSON.parse(client.raw));
    const cut = client.end === 'cut';
    expect(response.cut, c.id).toBe(cut ? plural(client.events?.length ?? 0) : undefined);

    const strict = validateExchange(exchange);
    const lenient = validateExchange(exchange, { allowCuts: true });
    expect(
      strict.violations.some((v) => v.rule === 'cut'),
      c.id,
    ).toBe(cut);
    expect(
      lenient.violations.some((v) => v.rule === 'cut'),
      c.id,
    ).toBe(false);
    if (cut) {
      expect(strict.ok, c.id).toBe(false);
      expect(strict.cut, c.id).toBe(response.cut);
      // Only the cut is reported: what was received before it is checked, and keeps the contract.
      expect(
        strict.violations.map((v) => v.rule),
        c.id,
      ).toEqual(['cut']);
      expect(lenient.ok, c.id).toBe(true);
      expect(lenient.notes.join('\n'), c.id).toContain(`cut short ${response.cut}`);
    } else {
      // What the service may send (an error answer, an error event that ends a stream) is no break.
      expect(strict.violations, c.id).toEqual([]);
    }
  }
}

describe('every scenario looks the same to a client, whatever carries it and whether it is recorded', () => {
  // The core's own answers are the reference: what every transport must carry unchanged.
  const reference = new Map<string, Seen>();
  const recordings: { name: string; path: string }[] = [];

  it('the reference: the core answers every scenario of the catalog, and a cut is a 200 cut short', async () => {
    const mock = createImagesMock();
    const server = setupServer(http.all(`${BASE}/images`, ({ request }) => mock.handle(request)));
    server.listen({ onUnhandledFrame: 'error' });
    try {
      for (const [id, seen] of await observeAll(BASE)) reference.set(id, seen);
    } finally {
      server.close();
    }
    const ids = CASES.map((c) => c.id);
    for (const name of [...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)])
      expect(ids).toContain(name);
    // Every error scenario answers its status, never a 500 unless it is `internal-error`.
    for (const [name, scenario] of Object.entries(ERROR_SCENARIOS))
      expect(reference.get(name)?.status, name).toBe(scenario.status);
    const drop = (id: string) => reference.get(id)!;
    expect(drop('stream-drop')).toMatchObject({ status: 200, end: 'cut' });
    expect(drop('stream-drop').events).toHaveLength(1);
    expect(drop('stream-drop after=0')).toMatchObject({ status: 200, end: 'cut', events: [] });
    expect(drop('stream-drop after=3 (all events)')).toMatchObject({ status: 200, end: 'cut' });
    expect(drop('stream-drop after=3 (all events)').events).toHaveLength(3);
    const types = (id: string) => drop(id).events?.map((e) => (e as { type: string }).type);
    expect(types('stream-drop after=99')).toEqual(types('stream-drop after=3 (all events)'));
    expect(types('stream-drop after=99')).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expect(drop('stream-error after=0')).toMatchObject({ status: 200, end: 'error-event' });
    expect(drop('stream-error after=0').events).toHaveLength(1);
    expect(drop('stream-error after=99')).toMatchObject({ status: 200, end: 'error-event' });
    expect(drop('stream-error after=99').events).toHaveLength(4);
    expect(drop('fewer-images count=0').json).toMatchObject({ data: [] });
    expect(drop('stream-drop on JSON').json).toMatchObject({ data: [{ media_type: 'image/png' }] });
  });

  const cells: [Transport, Recording][] = [];
  for (const transport of ['msw', 'http', 'proxy'] as const)
    for (const recording of ['none', 'jsonl', 'har'] as const) cells.push([transport, recording]);

  it.each(cells)('%s, recording: %s', async (transport, recording) => {
    const name = `${transport}-${recording}`;
    const record = recording === 'none' ? undefined : join(dir, `${name}.${recording}`);
    let seen: Map<string, Seen>;
    if (transport === 'msw') seen = await throughMsw(record);
    else {
      const run = await throughHttp(transport, record);
      seen = run.seen;
      // A cut is a scenario played or an upstream's answer passed on, not a failure of the server.
      expect(run.errors).toEqual([]);
      const dropped = run.journal.find((e) => e.body?.prompt === 'faithful stream-drop');
      expect(dropped?.response).toMatchObject({ status: 200, cut: 'after 1 event' });
    }
    for (const c of CASES) {
      const client = seen.get(c.id)!;
      expect(comparable(client), c.id).toEqual(comparable(reference.get(c.id)!));
      // A cut is a cut: over HTTP the read fails on the closed socket; MSW ends the body early.
      expect(client.failed, c.id).toBe(client.end === 'cut' && transport !== 'msw');
    }
    if (record) {
      expectRecordingFaithful(await recorded(record), seen);
      recordings.push({ name, path: record });
    }
  });

  it('serve --replay of each recording answers every scenario as it was recorded, cuts included', async () => {
    expect(recordings).toHaveLength(6);
    for (const { name, path } of recordings) {
      const server = await startMockServer({ port: 0, replay: path });
      try {
        const seen = await observeAll(server.baseUrl);
        for (const c of CASES) {
          const client = seen.get(c.id)!;
          expect(comparable(client), `${name}: ${c.id}`).toEqual(comparable(reference.get(c.id)!));
          expect(client.failed, `${name}: ${c.id}`).toBe(client.end === 'cut');
        }
      } finally {
        await server.close();
      }
    }
  });
});
