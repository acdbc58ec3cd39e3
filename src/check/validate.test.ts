// What validate tells a user about recorded traffic: which request and answer break the contract,
// where (pointer, rule), and what was left unchecked (notes). Exchanges are written out by hand.
import { describe, expect, it } from 'vitest';
import {
  type ExchangeRequest,
  type ExchangeResponse,
  validateExchange,
  validateRequest,
  validateResponse,
} from '../checks.ts';
import { Catalog } from '../index.ts';
import { documentedStatuses, operationOf } from './validate.ts';

const URL_IMAGES = 'https://openrouter.ai/api/v1/images';
const JSON_TYPE = { 'content-type': 'application/json' };
const SSE_TYPE = { 'content-type': 'text/event-stream' };

const post = (body: unknown, url = URL_IMAGES): ExchangeRequest => ({
  method: 'POST',
  url,
  headers: JSON_TYPE,
  body,
});
const rules = (result: { violations: { rule: string }[] }) => result.violations.map((v) => v.rule);

const b64 = (bytes: number[] | string) =>
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).toString('base64');
const PNG = b64([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0]);
const JPEG = b64([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1]);
const WEBP = b64('RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00');
const WAVE = b64('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00');
const SVG = b64('<svg xmlns="http://www.w3.org/2000/svg"/>');

const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost: 0.01 };
const images = (...data: { b64_json: string; media_type?: string }[]): ExchangeResponse => ({
  status: 200,
  headers: JSON_TYPE,
  body: { created: 1, data, usage },
});
const png = { b64_json: PNG, media_type: 'image/png' };

/** SSE text of these events, each a `data:` frame; `[DONE]` last unless `done` is false. */
function sse(events: unknown[], done = true): string {
  const frames = events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`);
  return `${frames.join('')}${done ? 'data: [DONE]\n\n' : ''}`;
}
const completed = (b64_json = PNG, media_type = 'image/png') => ({
  type: 'image_generation.completed',
  b64_json,
  media_type,
  created: 1,
  usage,
});
const streamed = (body: string, cut?: string): ExchangeResponse => ({
  status: 200,
  headers: SSE_TYPE,
  body,
  ...(cut ? { cut } : {}),
});

describe('which operation an exchange is', () => {
  it.each([
    ['POST', URL_IMAGES, 'createImages'],
    ['post', 'http://127.0.0.1:4010/api/v1/images/', 'createImages'],
    ['POST', '/v1/images?x=1', 'createImages'],
    ['GET', 'https://openrouter.ai/api/v1/images/models', 'listImageModels'],
    ['HEAD', 'https://openrouter.ai/api/v1/images/models', undefined],
    [
      'GET',
      'https://openrouter.ai/api/v1/images/models/openai/gpt-image-1/endpoints',
      'listImageModelEndpoints',
    ],
    ['GET', URL_IMAGES, undefined],
    ['POST', 'https://openrouter.ai/api/v1/chat/completions', undefined],
    ['POST', 'https://openrouter.ai/api/v1/images/edits', undefined],
    ['POST', 'http://[::1', undefined],
    ['GET', 'https://openrouter.ai/api/v1/images/models/openai/gpt-image-1/endpoints/extra', undefined],
    ['GET', 'https://openrouter.ai/api/v1/images/models/extra', undefined],
  ])('%s %s → %s', (method, url, operation) => expect(operationOf(method, url)).toBe(operation));

  it('knows the statuses the document lists for each operation', () => {
    expect(documentedStatuses('createImages')).toEqual(
      expect.arrayContaining([200, 400, 401, 402, 404, 429]),
    );
    expect(documentedStatuses('createImages')).not.toContain(201);
    expect(documentedStatuses('listImageModels')).toEqual(expect.arrayContaining([200, 400, 404, 500]));
    expect(documentedStatuses('listImageModels')).not.toContain(402);
    expect(documentedStatuses('listImageModelEndpoints')).toContain(404);
    expect(documentedStatuses('listImageModelEndpoints')).not.toContain(429);
  });
});

describe('requests', () => {
  it('a request the contract accepts passes, with no notes', () => {
    expect(validateRequest(post({ model: 'openai/gpt-image-1', prompt: 'a fox' }))).toStrictEqual({
      ok: true,
      violations: [],
      notes: [],
      operation: 'createImages',
    });
  });

  it('a request of another API passes unchecked; a catalog GET passes as its operation', () => {
    expect(validateRequest(post({ any: 1 }, 'https://openrouter.ai/api/v1/chat/completions'))).toStrictEqual({
      ok: true,
      violations: [],
      notes: [],
    });
    const models = validateRequest({ method: 'GET', url: `${URL_IMAGES}/models`, headers: {} });
    expect(models).toStrictEqual({ ok: true, violations: [], notes: [], operation: 'listImageModels' });
  });

  it('a request without a recorded body passes, saying it was not checked', () => {
    const { body: _, ...bare } = post(undefined);
    expect(validateRequest(bare)).toStrictEqual({
      ok: true,
      violations: [],
      notes: ['request body not recorded: request not checked'],
      operation: 'createImages',
    });
  });

  it('a body that breaks the schema fails, with the 400 it prescribes', () => {
    const result = validateRequest(post({ model: 'openai/gpt-image-1', prompt: 'x', n: 11 }));
    expect(result).toMatchObject({
      ok: false,
      operation: 'createImages',
      refusal: { status: 400, message: 'n must be <= 10' },
      violations: [{ side: 'request', pointer: '/n', rule: 'maximum' }],
    });
    expect(
      validateRequest(post('{"model": "openai/gpt-image-1", "prompt": "x", "n": 11}')).violations,
    ).toEqual([expect.objectContaining({ pointer: '/n', rule: 'maximum' })]);
    expect(validateRequest(post({ model: 'openai/gpt-image-1', prompt: '', n: 11 })).refusal?.message).toBe(
      'prompt must NOT have fewer than 1 characters; n must be <= 10',
    );
    expect(validateRequest(post('{"model": '))).toMatchObject({
      ok: false,
      violations: [{ side: 'request', pointer: '', rule: 'json' }],
    });
  });

  it('a model the catalog does not list: passes, noting its rules were not checked', () => {
    expect(validateRequest(post({ model: 'someone/new-model', prompt: 'x', n: 10 }))).toStrictEqual({
      ok: true,
      violations: [],
      notes: ['model someone/new-model is not in the catalog: its per-model rules were not checked'],
      operation: 'createImages',
    });
  });

  it('a catalog rule (n above the model’s maximum) is a note by default, a violation with profile mock', () => {
    const request = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', n: 2 });
    const lenient = validateRequest(request);
    expect(lenient).toStrictEqual({
      ok: true,
      violations: [],
      notes: [
        "the catalog's rules for black-forest-labs/flux.2-pro would refuse this request (n must be <= 1 for black-forest-labs/flux.2-pro); not judged (profile contract)",
      ],
      operation: 'createImages',
      refusal: { status: 400, message: 'n must be <= 1 for black-forest-labs/flux.2-pro' },
    });
    const strict = validateRequest(request, { profile: 'mock' });
    expect(strict).toMatchObject({ ok: false, notes: [], refusal: { status: 400 } });
    expect(strict.violations).toEqual([
      expect.objectContaining({ side: 'request', pointer: '/n', rule: 'model-maximum' }),
    ]);
  });

  it('provider preferences nothing serves prescribe a 404', () => {
    const request = post({ model: 'openai/gpt-image-1', prompt: 'x', provider: { only: ['google-vertex'] } });
    expect(validateRequest(request, { profile: 'mock' }).refusal?.status).toBe(404);
  });

  it('judges by the catalog it is given', () => {
    // The default catalog limits FLUX.2 [pro] to one image; a catalog without it (every model
    // generic) sets no such rule, so the same request draws no note.
    const request = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', n: 2 });
    expect(validateRequest(request).notes).toEqual([
      expect.stringMatching(/^the catalog's rules for black-forest-labs\/flux.2-pro would refuse/),
    ]);
    const own = new Catalog({ replaceDefaults: true, unknownModels: 'generic' });
    expect(validateRequest(request, { catalog: own }).notes).toEqual([]);
  });

  it('a plain http:// reference URL is a reference, as the page says; ftp:// is not', () => {
    const withUrl = (url: string) =>
      post({
        model: 'openai/gpt-image-1',
        prompt: 'x',
        input_references: [{ type: 'image_url', image_url: { url } }],
      });
    expect(validateRequest(withUrl('http://example.com/cat.png')).ok).toBe(true);
    expect(validateRequest(withUrl('https://example.com/cat.png')).ok).toBe(true);
    expect(validateRequest(withUrl('ftp://example.com/cat.png')).violations).toEqual([
      expect.objectContaining({ pointer: '/input_references/0/image_url/url', rule: 'pattern' }),
    ]);
  });
});

describe('image bytes: base64, and the format media_type names', () => {
  const check = (...data: { b64_json: string; media_type?: string }[]) =>
    validateResponse(images(...data)).violations;

  it.each([
    ['png', PNG, 'image/png'],
    ['jpeg', JPEG, 'image/jpeg'],
    ['webp', WEBP, 'image/webp'],
    ['svg', SVG, 'image/svg+xml'],
    ['svg with a BOM and blank lines', b64('\xef\xbb\xbf\n  <svg/>'), 'image/svg+xml'],
    ['bytes of a format the check does not know', b64('GIF89a..........'), 'image/gif'],
    ['bytes without a media_type', b64('anything at all!'), undefined],
  ])('%s pass', (_, b64_json, media_type) => {
    expect(check(media_type ? { b64_json, media_type } : { b64_json })).toEqual([]);
  });

  it('says what the bytes are when they are not what media_type says', () => {
    expect(check({ b64_json: JPEG, media_type: 'image/png' })).toStrictEqual([
      {
        side: 'response',
        pointer: '/data/0/b64_json',
        rule: 'media-type-matches-bytes',
        message: 'the image bytes are image/jpeg, not the image/png that media_type says',
        expected: 'image/png',
        actual: 'image/jpeg',
      },
    ]);
    expect(check(png, { b64_json: PNG, media_type: 'image/webp' })[0]).toMatchObject({
      pointer: '/data/1/b64_json',
      actual: 'image/png',
    });
  });

  it('a RIFF file that is not WebP is not WebP', () => {
    expect(check({ b64_json: WAVE, media_type: 'image/webp' })[0]).toMatchObject({
      rule: 'media-type-matches-bytes',
      actual: 'unknown bytes',
    });
    expect(
      check({ b64_json: b64('RIFX\x24\x00\x00\x00WEBPVP8 '), media_type: 'image/webp' })[0]?.actual,
    ).toBe('unknown bytes');
    expect(check({ b64_json: b64('RIFF\x24\x00\x00\x00WEB'), media_type: 'image/webp' })[0]?.actual).toBe(
      'unknown bytes',
    );
    expect(check({ b64_json: b64('<html>not svg, or is it'), media_type: 'image/webp' })[0]?.actual).toBe(
      'image/svg+xml',
    );
    expect(check({ b64_json: b64('x<svg/>'), media_type: 'image/svg+xml' })[0]?.actual).toBe('unknown bytes');
    expect(check({ b64_json: b64('\x89PNG\r\n\x1a\x00......'), media_type: 'image/png' })[0]?.actual).toBe(
      'unknown bytes',
    );
    expect(check({ b64_json: b64('\xff\xd8\x00.........'), media_type: 'image/jpeg' })[0]?.actual).toBe(
      'unknown bytes',
    );
  });

  it('base64 must come in whole groups of four, of the base64 alphabet, padded at the end only', () => {
    const message = 'data.0.b64_json is not valid base64';
    for (const bad of [`${PNG}A`, `${PNG.slice(0, -2)}=`, 'AB*D', 'AB=D', 'A===', 'AAAA\n', 'AA-_'])
      expect(check({ b64_json: bad, media_type: 'image/png' }), bad).toStrictEqual([
        { side: 'response', pointer: '/data/0/b64_json', rule: 'base64', message },
      ]);
    expect(check({ b64_json: 'QQ==' })).toEqual([]);
    expect(check({ b64_json: '' })).toEqual([]);
  });
});

describe('answers to createImages', () => {
  it('a status the document does not list fails, naming the statuses it does', () => {
    const result = validateResponse({
      status: 418,
      headers: JSON_TYPE,
      body: { error: { code: 418, message: 't' } },
    });
    expect(result.violations[0]).toMatchObject({
      side: 'response',
      pointer: '',
      rule: 'documented-status',
      message: 'status 418 is not documented for this operation',
      actual: 418,
      expected: documentedStatuses('createImages'),
    });
    expect(result.ok).toBe(false);
  });

  it('an answer without a recorded body: only the status is checked, and a note says so', () => {
    expect(validateResponse({ status: 200, headers: {} })).toStrictEqual({
      ok: true,
      violations: [],
      notes: ['response body not recorded: only the status was checked'],
    });
  });

  it('a JSON answer must match the schema', () => {
    const result = validateResponse({ status: 200, headers: JSON_TYPE, body: { data: [] } });
    expect(result.violations).toEqual([
      expect.objectContaining({ side: 'response', pointer: '/created', rule: 'required' }),
    ]);
    expect(validateResponse({ status: 200, headers: JSON_TYPE, body: 'not json' }).violations).toEqual([
      expect.objectContaining({ rule: 'json', actual: 'not json' }),
    ]);
    expect(
      validateResponse({ status: 200, headers: JSON_TYPE, body: JSON.stringify(images(png).body) }).ok,
    ).toBe(true);
  });

  it('quotes at most 80 characters of a body that is not JSON', () => {
    const text = `x${'y'.repeat(100)}`;
    expect(validateResponse({ status: 200, headers: {}, body: text }).violations[0]?.actual).toBe(
      `${text.slice(0, 80)}…`,
    );
    const short = 'y'.repeat(80);
    expect(validateResponse({ status: 200, headers: {}, body: short }).violations[0]?.actual).toBe(short);
  });

  it('no more images than n, when the request sent n', () => {
    const request = post({ model: 'openai/gpt-image-1', prompt: 'x', n: 1 });
    expect(validateResponse(images(png, png), { request }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '/data',
        rule: 'n-upper-bound',
        message: 'data has 2 images, more than n=1',
        expected: 1,
        actual: 2,
      },
    ]);
    expect(validateResponse(images(png), { request }).ok).toBe(true);
    // Without n in the request, the contract sets no bound; the mock’s own rule (n = 1) is profile mock’s.
    const unbounded = post({ model: 'openai/gpt-image-1', prompt: 'x' });
    expect(validateResponse(images(png, png), { request: unbounded }).ok).toBe(true);
    expect(rules(validateResponse(images(png, png), { request: unbounded, profile: 'mock' }))).toEqual([
      'n-upper-bound',
    ]);
  });

  it('media_type as the request’s output_format; the model’s default only with profile mock', () => {
    const asked = post({ model: 'openai/gpt-image-1', prompt: 'x', output_format: 'jpeg' });
    expect(validateResponse(images(png), { request: asked }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '/data/0/media_type',
        rule: 'output-format',
        message: 'data[0].media_type is image/png, but the request asked for jpeg',
        expected: 'image/jpeg',
        actual: 'image/png',
      },
    ]);
    expect(
      validateResponse(images({ b64_json: JPEG, media_type: 'image/jpeg' }), { request: asked }).ok,
    ).toBe(true);
    expect(validateResponse(images({ b64_json: JPEG }), { request: asked }).ok).toBe(true);
    const flux = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x' });
    expect(validateResponse(images(png), { request: flux }).ok).toBe(true);
    expect(validateResponse(images(png), { request: flux, profile: 'mock' }).violations[0]).toMatchObject({
      rule: 'output-format',
      message:
        'data[0].media_type is image/png, but the mock answers black-forest-labs/flux.2-pro in jpeg by default (profile mock)',
    });
  });

  it('a buffered answer to stream: true is fine, unless profile mock knows the model streams', () => {
    const request = post({ model: 'openai/gpt-image-1', prompt: 'x', stream: true });
    expect(validateResponse(images(png), { request }).ok).toBe(true);
    expect(validateResponse(images(png), { request, profile: 'mock' }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'stream-expected',
        message:
          "the request asked to stream and openai/gpt-image-1 streams in the mock's catalog (profile mock), but the answer is not text/event-stream",
        expected: 'text/event-stream',
        actual: 'application/json',
      },
    ]);
    const bare = { ...images(png), headers: {} };
    expect(validateResponse(bare, { request, profile: 'mock' }).violations[0]?.actual).toBeUndefined();
    const flux = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', stream: true });
    expect(validateResponse(images({ b64_json: JPEG }), { request: flux, profile: 'mock' }).ok).toBe(true);
  });

  it('an answer to another operation is checked against its own schema', () => {
    const list = { method: 'GET', url: `${URL_IMAGES}/models`, headers: {} };
    expect(
      validateResponse({ status: 200, headers: JSON_TYPE, body: { data: [] } }, { request: list }).ok,
    ).toBe(true);
    expect(
      rules(validateResponse({ status: 200, headers: JSON_TYPE, body: { items: [] } }, { request: list })),
    ).toEqual(['required']);
    expect(
      rules(
        validateResponse(
          { status: 200, headers: JSON_TYPE, body: '{"data": [' },
          { operation: 'listImageModels' },
        ),
      ),
    ).toEqual(['json']);
    expect(
      validateResponse(
        { status: 200, headers: JSON_TYPE, body: { id: 'a/b', endpoints: [] } },
        {
          operation: 'listImageModelEndpoints',
        },
      ).ok,
    ).toBe(true);
  });
});

describe('error answers', () => {
  const error = (status: number, body: unknown) => validateResponse({ status, headers: JSON_TYPE, body });

  it('pass in the service’s shape, with error.code repeating the status', () => {
    expect(error(402, { error: { code: 402, message: 'Insufficient credits' } })).toStrictEqual({
      ok: true,
      violations: [],
      notes: [],
    });
  });

  it('fail when error.code is not the status', () => {
    expect(error(429, { error: { code: 400, message: 'slow down' } }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '/error/code',
        rule: 'code-matches-status',
        message: 'error.code must repeat the HTTP status 429',
        expected: 429,
        actual: 400,
      },
    ]);
  });

  it('fail when the body is not the error shape, or not JSON', () => {
    expect(rules(error(400, { message: 'bad' }))).toEqual(['required']);
    expect(error(400, 'Bad Request').violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'json',
        message: expect.stringMatching(/^error body is not JSON: /),
        actual: 'Bad Request',
      },
    ]);
  });

  it('a 2xx that is not 200 is still judged as an answer', () => {
    expect(rules(validateResponse({ status: 299, headers: JSON_TYPE, body: images(png).body }))).toEqual([
      'documented-status',
    ]);
    expect(rules(validateResponse({ status: 300, headers: JSON_TYPE, body: images(png).body }))).toEqual([
      'documented-status',
      'required',
    ]);
  });
});

describe('streamed answers (SSE)', () => {
  const stream = { model: 'openai/gpt-image-1', prompt: 'x', stream: true };
  const check = (body: string, request: ExchangeRequest = post(stream), extra = {}) =>
    validateResponse(streamed(body), { request, ...extra });

  it('a whole stream passes: previews, a completed image, [DONE]', () => {
    const partial = { type: 'image_generation.partial_image', partial_image_index: 0, b64_json: PNG };
    expect(check(sse([partial, completed()]))).toStrictEqual({ ok: true, violations: [], notes: [] });
  });

  it('a stream the request did not ask for fails', () => {
    const result = check(sse([completed()]), post({ model: 'openai/gpt-image-1', prompt: 'x' }));
    expect(result.violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'stream-unrequested',
        message: 'the answer is an SSE stream, but the request did not ask for stream: true',
      },
    ]);
    expect(validateResponse(streamed(sse([completed()]))).ok).toBe(true);
  });

  it('SSE headers on a body that is not text fail', () => {
    expect(validateResponse({ status: 200, headers: SSE_TYPE, body: { data: [] } }).violations).toStrictEqual(
      [
        {
          side: 'response',
          pointer: '',
          rule: 'sse',
          message: 'a text/event-stream answer must be SSE text',
        },
      ],
    );
  });

  it('must end with [DONE], and nothing after it', () => {
    expect(check(sse([completed()], false)).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'done-sentinel',
        message: 'the stream does not end with data: [DONE]',
      },
    ]);
    expect(check(`${sse([completed()])}${sse([completed()], false)}`).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'done-last',
        message: 'an event follows data: [DONE]',
        event: 2,
      },
    ]);
  });

  it('must complete an image or say why not (an error event)', () => {
    expect(check(sse([])).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'completed-event',
        message: 'the stream has no image_generation.completed event and no error event',
      },
    ]);
    expect(check(sse([{ type: 'error', error: { message: 'provider down' } }])).ok).toBe(true);
  });

  it('an error event ends a stream: [DONE] after it is neither needed nor wrong', () => {
    const error = { type: 'error', error: { message: 'provider down' } };
    const partial = { type: 'image_generation.partial_image', partial_image_index: 0, b64_json: PNG };
    expect(check(sse([error], false)).violations).toStrictEqual([]);
    expect(check(sse([partial, error], false)).violations).toStrictEqual([]);
    // Without an error event, the missing [DONE] is still a break.
    expect(check(sse([partial], false)).violations.map((v) => v.rule)).toEqual([
      'done-sentinel',
      'completed-event',
    ]);
  });

  it('each event is JSON of a known shape, located by its index', () => {
    const result = check(sse([completed(), 'not json', { type: 'image_generation.partial_image' }]));
    expect(result.violations).toEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'json',
        message: 'the data of an event is not JSON',
        actual: 'not json',
        event: 1,
      },
      expect.objectContaining({
        side: 'response',
        pointer: '/partial_image_index',
        rule: 'required',
        event: 2,
      }),
      expect.objectContaining({ side: 'response', pointer: '/b64_json', rule: 'required', event: 2 }),
    ]);
    const long = `{${'x'.repeat(100)}`;
    expect(check(sse([completed(), long])).violations[0]?.actual).toBe(`${long.slice(0, 80)}…`);
    expect(check(sse([completed(), 'y'.repeat(80)])).violations[0]?.actual).toBe('y'.repeat(80));
  });

  it('completed images: bytes as media_type says, the format asked for, no more than n', () => {
    expect(check(sse([completed(JPEG)])).violations).toEqual([
      expect.objectContaining({ pointer: '/b64_json', rule: 'media-type-matches-bytes', event: 0 }),
    ]);
    const jpeg = post({ ...stream, output_format: 'jpeg' });
    expect(check(sse([completed()]), jpeg).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '/media_type',
        rule: 'output-format',
        message: 'media_type is image/png, but the request asked for jpeg',
        expected: 'image/jpeg',
        actual: 'image/png',
        event: 0,
      },
    ]);
    expect(check(sse([completed(JPEG, 'image/jpeg')]), jpeg).ok).toBe(true);
    const one = post({ ...stream, n: 1 });
    expect(check(sse([completed(), completed()]), one).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'n-upper-bound',
        message: 'the stream completes 2 images, more than n=1',
        expected: 1,
        actual: 2,
      },
    ]);
    expect(check(sse([completed(), completed()]), post({ ...stream, n: 2 })).ok).toBe(true);
  });

  it('framing a client would stumble on fails', () => {
    const unterminated = `${sse([completed()])}data: {"type":"error"`;
    expect(rules(check(unterminated))).toEqual(['sse-framing']);
    expect(rules(check(`${sse([completed()])}retry: soon\n\n`))).toEqual(['sse-framing']);
  });

  it('an empty stream says so', () => {
    expect(check('').notes).toEqual(['the stream has no events']);
    expect(validateResponse(streamed('', 'after 0 events'), { allowCuts: true }).notes).toEqual([
      'the answer was cut short after 0 events (the connection closed before the body ended) (allowed: allowCuts)',
      'the stream was cut before its first event',
    ]);
  });
});

describe('answers cut short', () => {
  it('a cut JSON answer: only the status is checked; the cut fails it unless allowed', () => {
    const cut: ExchangeResponse = {
      status: 200,
      headers: JSON_TYPE,
      body: '{"created": 1, "da',
      cut: 'after 18 bytes',
    };
    expect(validateResponse(cut)).toStrictEqual({
      ok: false,
      violations: [
        {
          side: 'response',
          pointer: '',
          rule: 'cut',
          message: 'the answer was cut short after 18 bytes (the connection closed before the body ended)',
          actual: 'after 18 bytes',
        },
      ],
      notes: ['the body was cut after 18 bytes and is not whole JSON: only the status was checked'],
    });
    expect(validateResponse(cut, { allowCuts: true }).ok).toBe(true);
  });

  it('a cut error answer, a cut list, and an answer cut before its body', () => {
    const whole = 'the body was cut after 3 bytes and is not whole JSON: only the status was checked';
    const error: ExchangeResponse = { status: 500, headers: JSON_TYPE, body: '{"e', cut: 'after 3 bytes' };
    expect(validateResponse(error, { allowCuts: true }).notes).toContain(whole);
    expect(validateResponse(error, { allowCuts: true }).ok).toBe(true);
    const list: ExchangeResponse = { status: 200, headers: JSON_TYPE, body: '{"d', cut: 'after 3 bytes' };
    expect(validateResponse(list, { operation: 'listImageModels', allowCuts: true })).toMatchObject({
      ok: true,
      notes: [expect.any(String), whole],
    });
    expect(
      validateResponse({ status: 200, headers: {}, cut: 'after 0 bytes' }, { allowCuts: true }).notes,
    ).toEqual([
      'the answer was cut short after 0 bytes (the connection closed before the body ended) (allowed: allowCuts)',
      'the answer was cut before any of its body: only the status was checked',
    ]);
  });

  it('a cut stream is not missing [DONE] nor its completed image: the cut says it', () => {
    const partial = { type: 'image_generation.partial_image', partial_image_index: 0, b64_json: PNG };
    const body = `${sse([partial], false)}data: {"type":"image_gen`;
    const result = validateResponse(streamed(body, 'after 1 event'), {
      request: post({ model: 'openai/gpt-image-1', prompt: 'x', stream: true }),
    });
    expect(rules(result)).toEqual(['cut']);
  });
});

describe('exchanges: request and answer together', () => {
  it('an exchange outside the contract is skipped, naming it', () => {
    const result = validateExchange({
      request: { method: 'GET', url: 'https://openrouter.ai/api/v1/credits?x=1', headers: {} },
      response: { status: 200, headers: {}, body: {} },
    });
    expect(result).toStrictEqual({
      ok: true,
      violations: [],
      notes: [],
      skipped: 'GET /api/v1/credits is not an operation of the contract',
    });
    expect(
      validateExchange({
        request: { method: 'POST', url: 'http://[::1', headers: {} },
        response: { status: 200, headers: {} },
      }).skipped,
    ).toBe('POST http://[::1 is not an operation of the contract');
  });

  it('a bad request refused with the status the contract prescribes is the contract working', () => {
    const request = post({ model: 'openai/gpt-image-1', prompt: 'x', n: 11 });
    const refused = {
      status: 400,
      headers: JSON_TYPE,
      body: { error: { code: 400, message: 'n must be <= 10' } },
    };
    expect(validateExchange({ request, response: refused })).toStrictEqual({
      ok: true,
      violations: [],
      notes: ['the request breaks the contract (n must be <= 10) and was refused with 400, as documented'],
      operation: 'createImages',
    });
    const served = validateExchange({ request, response: images(png) });
    expect(served.ok).toBe(false);
    expect(served.violations).toEqual([expect.objectContaining({ side: 'request', pointer: '/n' })]);
  });

  it('a catalog rule the answer followed replaces its "not judged" note', () => {
    const request = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', n: 2 });
    const refused = { status: 400, headers: JSON_TYPE, body: { error: { code: 400, message: 'no' } } };
    expect(validateExchange({ request, response: refused }).notes).toEqual([
      'the request breaks the contract (n must be <= 1 for black-forest-labs/flux.2-pro) and was refused with 400, as documented',
    ]);
    const served = validateExchange({ request, response: images({ b64_json: JPEG }) });
    expect(served.ok).toBe(true);
    expect(served.notes).toEqual([
      expect.stringMatching(/^the catalog's rules for black-forest-labs\/flux.2-pro would refuse/),
    ]);
  });

  it('keeps the request’s notes before the answer’s, and says where an answer was cut', () => {
    const { body: _, ...request } = post(undefined);
    const result = validateExchange({
      request,
      response: { status: 200, headers: {}, cut: 'after 0 bytes' },
    });
    expect(result).toMatchObject({ ok: false, cut: 'after 0 bytes', operation: 'createImages' });
    expect(result.notes).toEqual([
      'request body not recorded: request not checked',
      'the answer was cut before any of its body: only the status was checked',
    ]);
  });
});

describe('what the answer must agree with, and what it is judged as', () => {
  it('a request the contract refuses sets no expectations on the answer', () => {
    const bad = post({ model: 'openai/gpt-image-1', prompt: 'x', n: 11, output_format: 'jpeg' });
    expect(validateResponse(images(png, png), { request: bad })).toStrictEqual({
      ok: true,
      violations: [],
      notes: [],
    });
  });

  it('a request only the catalog would refuse still sets them: the format it asked for', () => {
    const request = post({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', n: 2, output_format: 'png' });
    expect(
      rules(validateResponse(images({ b64_json: JPEG, media_type: 'image/jpeg' }), { request })),
    ).toEqual(['output-format']);
  });

  it('profile mock without a request judges by the contract alone', () => {
    expect(validateResponse(images(png, png), { profile: 'mock' }).ok).toBe(true);
  });

  it('a status below 200 is judged as an error answer', () => {
    const informational = {
      status: 199,
      headers: JSON_TYPE,
      body: { error: { code: 199, message: 'wait' } },
    };
    expect(rules(validateResponse(informational))).toEqual(['documented-status']);
  });

  it('each violation of an answer is on the response side', () => {
    const sides = (response: ExchangeResponse, options = {}) =>
      validateResponse(response, options).violations.map((v) => v.side);
    expect(sides({ status: 200, headers: JSON_TYPE, body: '{"created":' })).toEqual(['response']);
    expect(sides({ status: 200, headers: JSON_TYPE, body: '{' }, { operation: 'listImageModels' })).toEqual([
      'response',
    ]);
    expect(sides({ status: 200, headers: JSON_TYPE, body: {} }, { operation: 'listImageModels' })).toEqual([
      'response',
    ]);
    expect(sides({ status: 400, headers: JSON_TYPE, body: { error: {} } })).toEqual(['response', 'response']);
    expect(sides(streamed(sse([completed(JPEG)])))).toEqual(['response']);
  });

  it('an error body of JSON null fails its shape, without throwing', () => {
    expect(validateResponse({ status: 500, headers: JSON_TYPE, body: null }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'type',
        message: 'body must be object',
        expected: 'object',
        actual: null,
      },
    ]);
  });
});

describe('streams, more closely', () => {
  const stream = post({ model: 'openai/gpt-image-1', prompt: 'x', stream: true });

  it('[DONE] first, then an event: the event is out of place', () => {
    expect(
      validateResponse(streamed(`data: [DONE]\n\n${sse([completed()], false)}`), { request: stream })
        .violations,
    ).toEqual([
      expect.objectContaining({ rule: 'done-last', event: 1 }),
      expect.objectContaining({ rule: 'completed-event' }),
    ]);
  });

  it('a completed event that breaks its schema does not count as an image', () => {
    const { created: _, ...incomplete } = completed();
    expect(rules(validateResponse(streamed(sse([incomplete])), { request: stream }))).toEqual([
      'required',
      'completed-event',
    ]);
  });

  it('framing problems are the answer’s, at the stream, not at a field', () => {
    const unterminated = `${sse([completed()])}data: {"type":"error"`;
    expect(validateResponse(streamed(unterminated), { request: stream }).violations).toStrictEqual([
      {
        side: 'response',
        pointer: '',
        rule: 'sse-framing',
        message: expect.any(String),
      },
    ]);
    expect(
      validateResponse(streamed(`${sse([completed()])}retry: soon\n\n`), { request: stream }).violations,
    ).toStrictEqual([{ side: 'response', pointer: '', rule: 'sse-framing', message: expect.any(String) }]);
  });
});

describe('exchanges, more closely', () => {
  it('a bad request refused as prescribed keeps the answer’s own notes', () => {
    const request = post({ model: 'openai/gpt-image-1', prompt: 'x', n: 11 });
    const cut = { status: 400, headers: JSON_TYPE, body: '{"error"', cut: 'after 8 bytes' };
    expect(validateExchange({ request, response: cut }, { allowCuts: true }).notes).toEqual([
      'the answer was cut short after 8 bytes (the connection closed before the body ended) (allowed: allowCuts)',
      'the body was cut after 8 bytes and is not whole JSON: only the status was checked',
      'the request breaks the contract (n must be <= 10) and was refused with 400, as documented',
    ]);
  });
});
