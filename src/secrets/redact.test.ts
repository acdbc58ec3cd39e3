import { describe, expect, it } from 'vitest';
import { REDACTED, redactValue } from './redact.ts';

describe('redactValue', () => {
  it('replaces keys anywhere in a value, and keeps everything else', () => {
    const body = {
      model: 'm',
      prompt: 'use sk-or-v1-abcdef123456 please',
      tags: ['Bearer abc.def', 'ok'],
      n: 2,
    };
    expect(redactValue(body)).toEqual({
      model: 'm',
      prompt: `use ${REDACTED} please`,
      tags: [`Bearer ${REDACTED}`, 'ok'],
      n: 2,
    });
    // The value given is not changed.
    expect(body.prompt).toBe('use sk-or-v1-abcdef123456 please');
  });

  it('gives back the same object when nothing in it is secret (the journal does this per request)', () => {
    const body = { model: 'm', prompt: 'a fox', nested: { list: [1, 'two', null] } };
    expect(redactValue(body)).toBe(body);
  });

  it('keeps a key named __proto__ as data, never a prototype', () => {
    const body = JSON.parse('{"__proto__": {"polluted": "sk-or-v1-abcdef123456"}}') as Record<
      string,
      unknown
    >;
    const out = redactValue(body);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: REDACTED });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
