const encoder = new TextEncoder();

/** Part tags: keep `'1'` and `1` apart; 0xff never occurs in UTF-8, so it cannot be forged by text. */
const STRING_TAG = 0xfe;
const NUMBER_TAG = 0xfd;
const SEPARATOR = 0xff;

/**
 * A 32-bit hash of a list of strings and numbers, identical on every machine and runtime.
 *
 * FNV-1a over the UTF-8 bytes of each part (numbers via their ECMAScript string form), each part
 * tagged with its type and closed by a separator so `('ab', 'c')` and `('a', 'bc')` differ.
 *
 * @example hashParts('openai/gpt-image-1', 'a red fox', 42, 0) // => an unsigned 32-bit integer
 * @note FNV-1a mixes its low bits poorly, so the result goes through murmur3's finalizer.
 */
export function hashParts(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  for (const part of parts) {
    mix(typeof part === 'number' ? NUMBER_TAG : STRING_TAG);
    for (const byte of encoder.encode(String(part))) mix(byte);
    mix(SEPARATOR);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A seeded pseudo-random generator (mulberry32): each call returns the next number in `[0, 1)`.
 * The same seed gives the same sequence everywhere; it is fast and small, not cryptographic.
 *
 * @example const random = createRandom(hashParts('prompt', 42)); random(); // 0.6...
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
