/**
 * A server process for `bench/server.ts`, started with `fork` so the load generator never shares
 * its event loop: `mock` runs `startMockServer` as `serve` does (no request log, the same V8 heap
 * setting: src/cli/heap.ts); `bare` is the baseline, a node:http server answering a fixed body per
 * path (set over IPC by the parent).
 *
 * Messages in: `{ type: 'fixed', path, status, contentType, body }` (bare only), `{ type: 'memory' }`,
 * `{ type: 'stop' }`. Out: `{ type: 'ready', origin }`, `{ type: 'memory', rss, heapUsed, external }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';

export type ChildKind = 'mock' | 'bare';

export type ToChild =
  | { type: 'fixed'; path: string; status: number; contentType: string; body: Uint8Array }
  | { type: 'memory'; gc?: boolean }
  | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; origin: string }
  | {
      type: 'memory';
      rss: number;
      heapTotal: number;
      heapUsed: number;
      external: number;
      arrayBuffers: number;
      /** Bytes V8 holds per heap space (new_space, old_space, …): where heapTotal goes. */
      spaces: Record<string, number>;
    };

const send = (message: FromChild): void => {
  process.send?.(message);
};

async function startBare(): Promise<{ origin: string; close(): Promise<void> }> {
  const fallback = { status: 200, headers: ['content-type', 'application/json', 'content-length', '11'] };
  const fixed = new Map<string, { status: number; headers: string[]; body: Buffer }>();
  const server = createServer((req, res) => {
    const answer = fixed.get(req.url ?? '/');
    if (answer === undefined) {
      res.writeHead(fallback.status, fallback.headers);
      res.end('{"ok":true}');
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  process.on('message', (message: ToChild) => {
    if (message.type !== 'fixed') return;
    const body = Buffer.from(message.body);
    fixed.set(message.path, {
      status: message.status,
      headers: ['content-type', message.contentType, 'content-length', String(body.byteLength)],
      body,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const kind = process.argv[2] as ChildKind;
// The mock runs as `openrouter-images-mock serve` runs it: with the young generation kept small.
if (kind === 'mock') (await import('../../src/cli/heap.ts')).keepYoungGenerationSmall();
// Imported only by the mock process: the bare one must not carry the mock's modules in its memory.
const server =
  kind === 'mock'
    ? await (
        (await import(
          process.argv[3] ?? '../../src/server/index.ts'
        )) as typeof import('../../src/server/index.ts')
      )
        .startMockServer({ port: 0, host: '127.0.0.1', log: false, shutdownTimeoutMs: 500 })
        .then((s) => ({
          origin: s.url,
          close: () => s.close(),
        }))
    : await startBare();

process.on('message', async (message: ToChild) => {
  if (message.type === 'memory') {
    // With --expose-gc (the bench passes it): a full collection first, so heapUsed is what is live.
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    send({ type: 'memory', rss, heapTotal, heapUsed, external, arrayBuffers, spaces });
  } else if (message.type === 'stop') {
    await server.close();
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  }
});
// The parent went away without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', origin: server.origin });
