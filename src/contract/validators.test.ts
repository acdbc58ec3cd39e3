import { describe, expect, it } from 'vitest';
import { validateErrorBody, validateRequestBody, validateSchema, validateStreamEvent } from './validators.ts';
import { fieldName } from './violations.ts';

describe('request body validation', () => {
  it('accepts the reference page example and every optional field', () => {
    expect(validateRequestBody({ model: 'bytedance-seed/seedream-4.5', prompt: 'a red panda' })).toEqual([]);
    expect(
      validateRequestBody({
        model: 'openai/gpt-image-1',
        prompt: 'x',
        aspect_ratio: '2.35:1',
        resolution: '512',
        size: '1536x1024',
        n: 10,
        output_format: 'webp',
        background: 'transparent',
        quality: 'max',
        output_compression: 0,
        seed: -5,
        stream: true,
        input_references: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }],
        provider: {
          order: ['openai'],
          allow_fallbacks: null,
          sort: { by: 'price', partition: null },
          options: { openai: { moderation: 'low' } },
        },
        user: 'u1',
        session_id: 's1',
        trace: { trace_id: 't', custom: 1 },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ prompt: 'x' }, '/model', 'required', 'model is required'],
    [{ model: 'm', prompt: '' }, '/prompt', 'minLength', 'prompt must NOT have fewer than 1 characters'],
    [{ model: 'm', prompt: 'x', n: 11 }, '/n', 'maximum', 'n must be <= 10'],
    [{ model: 'm', prompt: 'x', n: 0 }, '/n', 'minimum', 'n must be >= 1'],
    [{ model: 'm', prompt: 'x', n: 1.5 }, '/n', 'type', 'n must be integer'],
    [
      { model: 'm', prompt: 'x', output_compression: 101 },
      '/output_compression',
      'maximum',
      'output_compression must be <= 100',
    ],
    [{ model: 'm', prompt: 'x', aspect_ratio: '7:3' }, '/aspect_ratio', 'enum', undefined],
    [{ model: 'm', prompt: 'x', size: 'huge' }, '/size', 'pattern', undefined],
    [{ model: 'm', prompt: 'x', stream: 'yes' }, '/stream', 'type', 'stream must be boolean'],
    [
      {
        model: 'm',
        prompt: 'x',
        input_references: [{ type: 'file', image_url: { url: 'https://a/b.png' } }],
      },
      '/input_references/0/type',
      'enum',
      undefined,
    ],
    [
      {
        model: 'm',
        prompt: 'x',
        input_references: [{ type: 'image_url', image_url: { url: 'ftp://a/b.png' } }],
      },
      '/input_references/0/image_url/url',
      'pattern',
      'input_references[0].image_url.url must be a base64 data:image URL or an http(s) URL',
    ],
    [
      { model: 'm', prompt: 'x', size: '2k' },
      '/size',
      'pattern',
      'size must be a tier (512, 1K, 2K, 4K) or pixels as WIDTHxHEIGHT, e.g. 1536x1024',
    ],
  ])('%j → %s %s', (body, pointer, rule, message) => {
    const violations = validateRequestBody(body);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ pointer, rule });
    if (message) expect(violations[0]?.message).toBe(message);
  });

  it('takes reference URLs as the resolver does: data:image base64 or http(s), any letter case', () => {
    const body = (url: string) => ({
      model: 'm',
      prompt: 'x',
      input_references: [{ type: 'image_url', image_url: { url } }],
    });
    for (const url of [
      'data:image/png;base64,iVBORw0KGgo=',
      'DATA:IMAGE/SVG+XML;BASE64,PHN2Zz4=',
      'data:image/webp;base64,AAAA\nBBBB',
      'https://example.com/a.png?x=1',
      'HTTP://EXAMPLE.COM/A.PNG',
    ])
      expect(validateRequestBody(body(url)), url).toEqual([]);
    for (const url of [
      'data:image/png,iVBORw0KGgo=',
      'data:text/plain;base64,AAAA',
      'data:image/png;base64,',
      'data:image/png;base64,AA*A',
      'https://',
      'https://a b',
      'file:///etc/passwd',
      ' https://a',
    ])
      expect(validateRequestBody(body(url))[0]?.rule, url).toBe('pattern');
  });

  it('takes explicit pixels of any length, as the page does: each model refuses what it cannot make', () => {
    for (const size of ['1x1', '12345678x1', `${'9'.repeat(40)}x9`])
      expect(validateRequestBody({ model: 'm', prompt: 'x', size }), size).toEqual([]);
    for (const size of ['0x5', '0512x512', '512X512', '2k', '512x', 'x512'])
      expect(validateRequestBody({ model: 'm', prompt: 'x', size })[0]?.rule, size).toBe('pattern');
  });

  it('accepts any provider slug and any option value, as the service does', () => {
    expect(
      validateRequestBody({
        model: 'm',
        prompt: 'x',
        provider: { options: { foo: null, openai: 3, 'new-provider': { any: [1] } }, only: ['no-such-slug'] },
      }),
    ).toEqual([]);
  });

  it('lists every violation, not only the first', () => {
    const violations = validateRequestBody({ prompt: '', n: 99, quality: 'ultra' });
    expect(violations.map((v) => v.pointer).sort()).toEqual(['/model', '/n', '/prompt', '/quality']);
    expect(violations.find((v) => v.pointer === '/n')).toMatchObject({ expected: 10, actual: 99 });
  });

  it('rejects a body that is not an object', () => {
    expect(validateRequestBody([1])[0]).toMatchObject({
      pointer: '',
      rule: 'type',
      message: 'body must be object',
    });
  });
});

describe('response, event and error validation', () => {
  it('requires integer usage tokens, as the SDK does', () => {
    const body = { created: 1, data: [{ b64_json: 'AA==', media_type: 'image/png' }], usage: { cost: 0.04 } };
    const pointers = validateSchema('ImageGenerationResponse', body).map((v) => v.pointer);
    expect(pointers.sort()).toEqual([
      '/usage/completion_tokens',
      '/usage/prompt_tokens',
      '/usage/total_tokens',
    ]);
  });

  it('tells stream events apart by type', () => {
    expect(
      validateStreamEvent({
        type: 'image_generation.partial_image',
        partial_image_index: 0,
        b64_json: 'AA==',
      }),
    ).toEqual([]);
    expect(
      validateStreamEvent({ type: 'image_generation.text_chunk', text: '<svg>', phase: 'content' }),
    ).toEqual([]);
    expect(validateStreamEvent({ type: 'error', error: { message: 'boom', code: null } })).toEqual([]);
    expect(validateStreamEvent({ type: 'image_generation.completed', b64_json: 'AA==' })[0]).toMatchObject({
      pointer: '/created',
      rule: 'required',
    });
    expect(validateStreamEvent({ type: 'image_generation.unknown' })[0]?.rule).toBe('discriminator');
  });

  it('requires an integer error code', () => {
    expect(validateErrorBody({ error: { code: 400, message: 'bad' } })).toEqual([]);
    expect(validateErrorBody({ error: { code: '400', message: 'bad' } })[0]).toMatchObject({
      pointer: '/error/code',
    });
  });
});

describe('fieldName', () => {
  it.each([
    ['', 'body'],
    ['/n', 'n'],
    ['/input_references/0/image_url/url', 'input_references[0].image_url.url'],
    ['/provider/options/a~1b', 'provider.options.a/b'],
  ])('%s → %s', (pointer, name) => expect(fieldName(pointer)).toBe(name));
});
