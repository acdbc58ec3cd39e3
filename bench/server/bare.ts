/**
 * The baseline of `bench/server.ts`: a node:http server answering, per path, a fixed body set over
 * IPC (the bytes the mock answered to the same request). Started with `fork`, so it never shares
 * an event loop with the load generator.
 *
 * Messages in: `{ type: 'fixed', path, status, contentType, body }`, `{ type: 'stop' }`.
 * Out: `{ type: 'ready', origin }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ToBare =
  | { type: 'fixed'; path: string; status: number; contentType: string; body: Uint8Array }
  | { type: 'stop' };

export type FromBare = { type: 'ready'; origin: string };

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

process.on('message', (message: ToBare) => {
  if (message.type === 'fixed') {
    const body = Buffer.from(message.body);
    fixed.set(message.path, {
      status: message.status,
      headers: ['content-type', message.contentType, 'content-length', String(body.byteLength)],
      body,
    });
  } else if (message.type === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
// The parent went away without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.send?.({ type: 'ready', origin: `http://127.0.0.1:${port}` } satisfies FromBare);
