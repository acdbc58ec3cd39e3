import type { Latency } from '../scenarios/scenario.ts';
import { createRandom } from '../synth/random.ts';

/** Resolves after `ms`, or rejects at once when `signal` aborts; the timer never outlives it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A latency in ms: fixed, or drawn from [min, max] by a generator seeded with the request's seed. */
export function latencyMs(latency: Latency | undefined, seed: number): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  return Math.round(latency.min + createRandom(seed)() * Math.max(0, latency.max - latency.min));
}
