import type { ErrorObject } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { validateRequestBody, validateSchema, validateStreamEvent } from '../index.ts';
import { validateControlSchema } from './control-validators.ts';
import { fieldName, MAX_VIOLATIONS, toViolations } from './violations.ts';

const request = (extra: Record<string, unknown>) => ({ model: 'm', prompt: 'x', ...extra });
const reference = (url: string) => ({ type: 'image_url', image_url: { url } });

/** An endpoint as the models endpoints answer it, with these supported parameters. */
const endpoints = (supported_parameters: Record<string, unknown>) => ({
  id: 'a/b',
  endpoints: [
    {
      provider_name: 'P',
      provider_slug: 'p',
      provider_tag: 'p',
      supported_parameters,
      allowed_passthrough_parameters: [],
      supports_streaming: false,
      pricing: [],
    },
  ],
});

describe('each violation names the field, the rule, what was expected and what was sent', () => {
  it('a missing field: its pointer, and no value to echo', () => {
    expect(validateRequestBody({ prompt: 'x' })).toStrictEqual([
      { pointer: '/model', rule: 'required', message: 'model is required' },
    ]);
  });

  it('a value off a list: the list, and the value sent', () => {
    expect(validateRequestBody(request({ quality: 'ultra' }))).toStrictEqual([
      {
        pointer: '/quality',
        rule: 'enum',
        message: 'quality must be one of: auto, low, medium, high, xhigh, max',
        expected: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'],
        actual: 'ultra',
      },
    ]);
  });

  it('a value of the wrong type: the type, or each of the types a field takes', () => {
    expect(validateRequestBody(request({ n: 'two' }))).toStrictEqual([
      { pointer: '/n', rule: 'type', message: 'n must be integer', expected: 'integer', actual: 'two' },
    ]);
    expect(validateRequestBody(request({ provider: { allow_fallbacks: 'no' } }))).toStrictEqual([
      {
        pointer: '/provider/allow_fallbacks',
        rule: 'type',
        message: 'provider.allow_fallbacks must be boolean or null',
        expected: ['boolean', 'null'],
        actual: 'no',
      },
    ]);
  });

  it.each([
    [{ n: 11 }, '/n', 'maximum', 'n must be <= 10', 10, 11],
    [{ n: 0 }, '/n', 'minimum', 'n must be >= 1', 1, 0],
    [{ output_compression: -1 }, '/output_compression', 'minimum', 'output_compression must be >= 0', 0, -1],
    [{ prompt: '' }, '/prompt', 'minLength', 'prompt must NOT have fewer than 1 characters', 1, ''],
  ])('a number or length out of range: %j', (extra, pointer, rule, message, expected, actual) => {
    expect(validateRequestBody(request(extra))).toStrictEqual([{ pointer, rule, message, expected, actual }]);
  });

  it('too many items: the limit; the list itself is too large to echo', () => {
    const input_references = Array.from({ length: 17 }, () => reference('https://example.com/a.png'));
    expect(validateRequestBody(request({ input_references }))).toStrictEqual([
      {
        pointer: '/input_references',
        rule: 'maxItems',
        message: 'input_references must NOT have more than 16 items',
        expected: 16,
      },
    ]);
  });

  it('a pattern: the document’s words for it, not the regular expression', () => {
    const [violation] = validateRequestBody(request({ size: 'huge' }));
    expect(violation).toMatchObject({
      pointer: '/size',
      rule: 'pattern',
      message: 'size must be a tier (512, 1K, 2K, 4K) or pixels as WIDTHxHEIGHT, e.g. 1536x1024',
      actual: 'huge',
    });
    expect(typeof violation?.expected).toBe('string');
  });

  it('a pattern without words in the document: the pattern itself', () => {
    expect(validateControlSchema('RequestsQuery', { status: '600' })).toStrictEqual([
      {
        pointer: '/status',
        rule: 'pattern',
        message: 'status must match ^[1-5](?:[0-9]{2}|xx)$',
        expected: '^[1-5](?:[0-9]{2}|xx)$',
        actual: '600',
      },
    ]);
  });

  it('a key the schema does not allow: named as sent, with its value', () => {
    expect(validateControlSchema('RequestsQuery', { colour: 'red' })).toStrictEqual([
      { pointer: '/colour', rule: 'additionalProperties', message: 'colour is not allowed', actual: 'red' },
    ]);
  });

  it('an event of an unknown type: the type it has', () => {
    expect(validateStreamEvent({ type: 'image_generation.unknown' })).toStrictEqual([
      {
        pointer: '',
        rule: 'discriminator',
        message: "body has an unknown type 'image_generation.unknown'",
        actual: { type: 'image_generation.unknown' },
      },
    ]);
    expect(validateStreamEvent({ type: 5 })[0]?.message).toBe('body has an unknown type 5');
  });

  it('any other rule: ajv’s own words after the field name', () => {
    const violations = validateRequestBody(request({ provider: { sort: 'cheapest' } }));
    expect(violations.find((v) => v.rule === 'anyOf')).toEqual({
      pointer: '/provider/sort',
      rule: 'anyOf',
      message: 'provider.sort must match a schema in anyOf',
      actual: 'cheapest',
    });
  });
});

describe('rules this document does not use yet, as ajv reports them', () => {
  const ajv = new Ajv2020Module.default({ allErrors: true });
  const check = ajv.compile({
    type: 'object',
    properties: {
      above: { exclusiveMinimum: 0 },
      below: { exclusiveMaximum: 10 },
      long: { maxLength: 3 },
      few: { minItems: 2 },
      even: { multipleOf: 2 },
    },
  });

  it.each([
    [{ above: 0 }, '/above', 'exclusiveMinimum', 'above must be > 0', 0],
    [{ below: 10 }, '/below', 'exclusiveMaximum', 'below must be < 10', 10],
    [{ long: 'abcd' }, '/long', 'maxLength', 'long must NOT have more than 3 characters', 3],
    [{ few: [1] }, '/few', 'minItems', 'few must NOT have fewer than 2 items', 2],
  ])('%j: the limit as expected', (value, pointer, rule, message, expected) => {
    expect(check(value)).toBe(false);
    const actual = Object.values(value)[0];
    expect(toViolations(check.errors, value)).toStrictEqual([{ pointer, rule, message, expected, actual }]);
  });

  it('a rule without its own words: ajv’s, and no expected value', () => {
    expect(check({ even: 3 })).toBe(false);
    expect(toViolations(check.errors, { even: 3 })).toStrictEqual([
      { pointer: '/even', rule: 'multipleOf', message: 'even must be multiple of 2', actual: 3 },
    ]);
    const bare = { keyword: 'custom', instancePath: '/even', schemaPath: '#', params: {} };
    expect(toViolations([bare], { even: 3 })[0]?.message).toBe('even breaks custom');
  });

  it('a pointer that runs past the value (an error made by hand) echoes nothing, and does not throw', () => {
    const at = (instancePath: string) => ({
      keyword: 'type',
      instancePath,
      schemaPath: '#',
      params: { type: 'x' },
    });
    expect(toViolations([at('/a/b')], { a: null })).toStrictEqual([
      { pointer: '/a/b', rule: 'type', message: 'a.b must be x', expected: 'x' },
    ]);
    expect(toViolations([at('/a/length')], { a: 'text' })[0]).not.toHaveProperty('actual');
  });
});

describe('keys with "/" and "~" (JSON pointer escapes, RFC 6901)', () => {
  it('are escaped in the pointer and shown as sent in the message, with the value found', () => {
    const sent = endpoints({ 'a/b~c': { type: 'range', min: 'low', max: 2 } });
    expect(validateSchema('ImageModelEndpointsResponse', sent)).toStrictEqual([
      {
        pointer: '/endpoints/0/supported_parameters/a~1b~0c/min',
        rule: 'type',
        message: 'endpoints[0].supported_parameters.a/b~c.min must be number',
        expected: 'number',
        actual: 'low',
      },
    ]);
  });

  it('"~01" stays "~1" (unescaped in order), not a slash', () => {
    const sent = endpoints({ '~1': { type: 'range', min: 'low', max: 2 } });
    expect(validateSchema('ImageModelEndpointsResponse', sent)).toEqual([
      expect.objectContaining({
        pointer: '/endpoints/0/supported_parameters/~01/min',
        message: 'endpoints[0].supported_parameters.~1.min must be number',
        actual: 'low',
      }),
    ]);
  });

  it('an unexpected key with a slash or a tilde is escaped in the pointer', () => {
    expect(validateControlSchema('RequestsQuery', { 'a/b~c': 1 })).toStrictEqual([
      { pointer: '/a~1b~0c', rule: 'additionalProperties', message: 'a/b~c is not allowed', actual: 1 },
    ]);
  });

  it('a missing key with a slash or a tilde is escaped in the pointer', () => {
    const error: ErrorObject = {
      keyword: 'required',
      instancePath: '/x',
      schemaPath: '#/required',
      params: { missingProperty: 'a/b~c' },
    };
    expect(toViolations([error], { x: {} })).toStrictEqual([
      { pointer: '/x/a~1b~0c', rule: 'required', message: 'x.a/b~c is required' },
    ]);
  });

  it.each([
    ['', 'body'],
    ['/0', '[0]'],
    ['/data/0/b64_json', 'data[0].b64_json'],
    ['/a~0b', 'a~b'],
    ['/a~1b', 'a/b'],
    ['/~01', '~1'],
    ['/x/10/y/2', 'x[10].y[2]'],
    ['/1a', '1a'],
    ['/a1', 'a1'],
  ])('the field of %j is %j', (pointer, name) => expect(fieldName(pointer)).toBe(name));
});

describe('bounds: what a violation keeps of a hostile body', () => {
  it('echoes a sent string of up to 200 characters, not a longer one', () => {
    const at = (size: string) => validateRequestBody(request({ size }))[0];
    expect(at('x'.repeat(200))?.actual).toBe('x'.repeat(200));
    expect(at('x'.repeat(201))).not.toHaveProperty('actual');
  });

  it('echoes a small value that is not a string, not a large one', () => {
    const small = { by: 'cheap' };
    const smallBy = validateRequestBody(request({ provider: { sort: small } })).find(
      (v) => v.pointer === '/provider/sort',
    );
    expect(smallBy?.actual).toEqual(small);
    const large = { by: 'cheap', note: 'y'.repeat(300) };
    const largeBy = validateRequestBody(request({ provider: { sort: large } })).find(
      (v) => v.pointer === '/provider/sort',
    );
    expect(largeBy).toBeDefined();
    expect(largeBy).not.toHaveProperty('actual');
  });

  it(`lists at most ${MAX_VIOLATIONS} violations`, () => {
    const input_references = Array.from({ length: 150 }, () => ({ type: 'file', image_url: {} }));
    expect(validateRequestBody(request({ input_references }))).toHaveLength(MAX_VIOLATIONS);
    expect(MAX_VIOLATIONS).toBe(100);
  });

  it('turns no errors into no violations', () => {
    expect(toViolations(null, {})).toEqual([]);
    expect(toViolations(undefined, {})).toEqual([]);
  });
});
