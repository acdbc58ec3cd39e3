import { describe, expect, it } from 'vitest';
import { ImageStore } from './image-store.ts';

const image = (bytes: number) => ({ bytes: new Uint8Array(bytes), mediaType: 'image/png' });

describe('ImageStore', () => {
  it('keeps at most maxImages, evicting the oldest', () => {
    const store = new ImageStore({ maxImages: 3 });
    for (let id = 1; id <= 5; id++) store.put(id, 0, image(10));
    expect([1, 2, 3, 4, 5].map((id) => store.get(id, 0) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    expect([store.size, store.bytes]).toEqual([3, 30]);
  });

  it('keeps at most maxBytes, evicting the oldest', () => {
    const store = new ImageStore({ maxBytes: 100 });
    store.put(1, 0, image(40));
    store.put(1, 1, image(40));
    store.put(2, 0, image(40));
    expect([store.get(1, 0), store.get(1, 1), store.get(2, 0)].map(Boolean)).toEqual([false, true, true]);
    expect(store.bytes).toBe(80);
  });

  it('skips an image larger than the whole budget instead of emptying itself for it', () => {
    const store = new ImageStore({ maxBytes: 100 });
    store.put(1, 0, image(60));
    store.put(2, 0, image(101));
    expect([store.get(1, 0), store.get(2, 0)].map(Boolean)).toEqual([true, false]);
  });

  it('replaces an image put twice, counting it once', () => {
    const store = new ImageStore();
    store.put(1, 0, image(10));
    store.put(1, 0, image(20));
    expect([store.size, store.bytes, store.get(1, 0)?.bytes.length]).toEqual([1, 20, 20]);
  });

  it('keeps only the entries retain accepts', () => {
    const store = new ImageStore();
    for (let id = 1; id <= 4; id++) store.put(id, 0, image(5));
    store.retain((id) => id % 2 === 0);
    expect([store.size, store.bytes, Boolean(store.get(2, 0)), Boolean(store.get(3, 0))]).toEqual([
      2,
      10,
      true,
      false,
    ]);
  });

  it('defaults to 200 images and 64 MiB', () => {
    const store = new ImageStore();
    for (let id = 1; id <= 250; id++) store.put(id, 0, image(1));
    expect(store.size).toBe(200);
    const big = new ImageStore();
    for (let id = 1; id <= 5; id++) big.put(id, 0, image(20 * 1024 * 1024));
    expect(big.size).toBe(3);
  });
});
