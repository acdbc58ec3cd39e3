import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  adler32,
  adler32Combine,
  crc32,
  deflateParts,
  deflateRaw,
  huffmanLengths,
  tokenize,
} from './deflate.ts';
import { createRandom } from './random.ts';

const inflate = (bytes: Uint8Array) => new Uint8Array(inflateRawSync(bytes));

function sample(length: number, seed: number, alphabet = 256): Uint8Array {
  const random = createRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * alphabet));
}

/** `count` copies of the filter byte and `length - 1` zeros. */
function zeroRows(first: number, length: number, count: number): Uint8Array {
  const out = new Uint8Array(length * count);
  for (let k = 0; k < count; k++) out[k * length] = first;
  return out;
}

describe('deflateRaw', () => {
  it.each<[string, Uint8Array]>([
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(7)],
    ['zeros', new Uint8Array(5000)],
    ['noise', sample(20_000, 1)],
    ['few symbols', sample(20_000, 2, 3)],
    ['a repeated phrase', new TextEncoder().encode('a red fox, '.repeat(900))],
    ['long runs of each value', Uint8Array.from({ length: 30_000 }, (_, i) => (i >> 9) & 0xff)],
  ])('round-trips %s through zlib', (_, data) => {
    expect(Buffer.from(inflate(deflateRaw(data))).equals(Buffer.from(data))).toBe(true);
  });

  it('compresses what repeats', () => {
    expect(deflateRaw(new Uint8Array(24_577)).length).toBeLessThan(300);
    expect(deflateRaw(sample(4096, 3, 2)).length).toBeLessThan(4096 / 4);
  });

  it('is a pure function of its input, whatever came before', () => {
    const data = sample(10_000, 4, 16);
    const first = deflateRaw(data);
    deflateRaw(sample(30_000, 5)); // fills the shared hash table with other positions
    expect(Buffer.from(deflateRaw(data)).equals(Buffer.from(first))).toBe(true);
  });
});

describe('deflateParts', () => {
  it.each([
    [2, 1, 1],
    [2, 2, 3],
    [2, 3, 17],
    [2, 4, 16],
    [1, 259, 25],
    [2, 260, 24],
    [2, 3073, 1],
    [2, 3073, 40],
    [2, 16_385, 100],
  ])('writes %i then zeros, %i bytes a row, %i rows', (first, length, count) => {
    const expected = zeroRows(first, length, count);
    const bytes = deflateParts([{ first, length, count }]);
    expect(Buffer.from(inflate(bytes)).equals(Buffer.from(expected))).toBe(true);
  });

  it('concatenates token lists and zero runs in order, with one shared code', () => {
    const a = sample(3000, 6, 8);
    const b = new TextEncoder().encode('label row '.repeat(300));
    const parts = [tokenize(a), { first: 2, length: 3001, count: 33 }, tokenize(b), tokenize(a)];
    const expected = Buffer.concat([a, zeroRows(2, 3001, 33), b, a]);
    expect(Buffer.from(inflate(deflateParts(parts))).equals(expected)).toBe(true);
  });

  it('keeps 12 MB of repeated rows small: the repeated period is copied, not coded', () => {
    const bytes = deflateParts([{ first: 2, length: 12_289, count: 1000 }]);
    // Deflate's best case is about 1032:1 (258 bytes per 2-bit match).
    expect(bytes.length).toBeLessThan((12_289 * 1000) / 900);
    expect(inflate(bytes).length).toBe(12_289 * 1000);
  });
});

describe('huffmanLengths', () => {
  const kraft = (lengths: Uint8Array) => lengths.reduce((sum, l) => (l > 0 ? sum + 2 ** -l : sum), 0);

  it('builds a complete code whose lengths follow the frequencies', () => {
    const lengths = huffmanLengths([5, 9, 12, 13, 16, 45], 15);
    expect(Array.from(lengths)).toEqual([4, 4, 3, 3, 3, 1]);
    expect(kraft(lengths)).toBe(1);
  });

  it('limits the length of skewed codes and keeps them complete', () => {
    const fibonacci = [1, 1];
    while (fibonacci.length < 30) fibonacci.push((fibonacci.at(-1) ?? 0) + (fibonacci.at(-2) ?? 0));
    for (const limit of [7, 15]) {
      const lengths = huffmanLengths(fibonacci, limit);
      expect(Math.max(...lengths)).toBe(limit);
      expect(kraft(lengths)).toBe(1);
    }
  });

  it('gives a lone symbol one bit and unused symbols none', () => {
    expect(Array.from(huffmanLengths([0, 3, 0], 15))).toEqual([0, 1, 0]);
    expect(Array.from(huffmanLengths([0, 0], 15))).toEqual([0, 0]);
  });
});

describe('checksums', () => {
  it('crc32 and adler32 give the reference values', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(crc32(digits)).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
  });

  it('adler32Combine equals the checksum of the concatenation', () => {
    const a = sample(70_000, 7);
    const b = sample(100_003, 8);
    const whole = adler32(Buffer.concat([a, b]));
    expect(adler32Combine(adler32(a), adler32(b), b.length)).toBe(whole);
    expect(adler32(b, adler32(a))).toBe(whole);
  });
});
