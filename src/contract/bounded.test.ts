import { describe, expect, it } from 'vitest';
import { bounded, fitsWithin, MAX_KEPT_DEPTH } from './bounded.ts';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('bounded', () => {
  it('returns a value that fits as it is', () => {
    const value = { model: 'a/b', prompt: 'x', n: 2, trace: { a: [1, null, true] } };
    expect(bounded(value, 1000)).toBe(value);
  });

  it('cuts what is deeper than MAX_KEPT_DEPTH, without recursing into it', () => {
    const cut = JSON.stringify(bounded(nested(100_000), 1_000_000));
    expect(cut.match(/"a"/g)).toHaveLength(MAX_KEPT_DEPTH);
    expect(cut).toContain('"…"');
    expect(fitsWithin(nested(MAX_KEPT_DEPTH), 1000)).toBe(true);
    expect(fitsWithin(nested(MAX_KEPT_DEPTH + 1), 1000)).toBe(false);
  });

  it('cuts long strings, and what is past the budget', () => {
    const cut = bounded({ url: 'A'.repeat(10_000), list: ['x'] }, 100);
    expect(cut).toEqual({ url: `${'A'.repeat(95)}…`, '…': '…' });
    const list = bounded(
      Array.from({ length: 10_000 }, () => 'x'),
      100,
    ) as string[];
    expect(list).toHaveLength(51);
    expect(list.at(-1)).toBe('…');
  });

  it('keeps a key named __proto__ as data', () => {
    const value = JSON.parse(`{"__proto__":{"polluted":1},"long":"${'x'.repeat(200)}"}`) as object;
    const cut = bounded(value, 100) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cut)).toBe(Object.prototype);
    expect(Object.hasOwn(cut, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
