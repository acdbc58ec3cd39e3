import { describe, expect, it } from 'vitest';
import { createRandom, hashParts } from './random.ts';

describe('hashParts', () => {
  it('gives pinned values, so images stay byte-identical across versions and machines', () => {
    expect(hashParts()).toBe(2872998923);
    expect(hashParts('')).toBe(3764951591);
    expect(hashParts('a red fox', 42)).toBe(1760202331);
    expect(hashParts('openai/gpt-image-1', 'über 🦊', 7, 0)).toBe(2374962705);
  });

  it('returns an unsigned 32-bit integer', () => {
    for (const parts of [[], ['x'], [-1, 2.5, 'y']] as const) {
      const hash = hashParts(...parts);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });

  it('keeps part boundaries and types apart', () => {
    expect(hashParts('ab', 'c')).not.toBe(hashParts('a', 'bc'));
    expect(hashParts('1')).not.toBe(hashParts(1));
    expect(hashParts('a', '')).not.toBe(hashParts('a'));
    expect(hashParts('prompt', 0)).not.toBe(hashParts('prompt', 1));
  });
});

describe('createRandom', () => {
  it('is mulberry32: the reference sequence for seed 1', () => {
    const random = createRandom(1);
    expect([random(), random(), random()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
  });

  it('repeats for one seed, differs between seeds, and stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const sa = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(sa);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(sa);
    for (const value of sa) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
