/**
 * Preloaded (`node --import`) into the `serve` process that bench/server.ts measures: answers
 * `{ type: 'memory', gc? }` over the IPC channel `fork` opens with the process's memory figures.
 * Plain JavaScript, so the server under test loads no TypeScript stripper; it imports only
 * node: built-ins and does nothing until asked.
 */
import { getHeapSpaceStatistics } from 'node:v8';

process.on('message', (message) => {
  if (message?.type !== 'memory') return;
  // With --expose-gc (the bench passes it): a full collection first, so heapUsed is what is live.
  if (message.gc) globalThis.gc?.();
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  process.send?.({ type: 'memory', rss, heapTotal, heapUsed, external, arrayBuffers, spaces });
});
// Without this the IPC channel would keep `serve` alive after it closes its server.
process.channel?.unref();
