// The control API over real HTTP on 127.0.0.1: every route, and what the next requests then get.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControlSchemaName } from '../../src/contract/control-types.ts';
import { validateControlSchema } from '../../src/contract/control-validators.ts';
import { type MockServer, startMockServer } from '../../src/server/index.ts';
import { decodePngBase64, KEY } from '../helpers.ts';

const OTHER_KEY = `${KEY.slice(0, -4)}beef`;
const RED = readFileSync(new URL('../../fixtures/images/red-4x4.png', import.meta.url)).toString('base64');
const MAX_BODY = 256 * 1024;

let server: MockServer;
let root: string;
beforeAll(async () => {
  server = await startMockServer({ port: 0, maxBodyBytes: MAX_BODY, rateLimit: { requests: 1000 } });
  root = server.url;
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(204);
});

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON read loosely; expectAnswer checks their shape against the control document
type Loose = any;

interface Answer {
  status: number;
  headers: Headers;
  body: Loose;
}

async function control(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${root}/__mock${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A control answer that must be `status` and keep the control document's `schema`. */
async function expectAnswer(answer: Promise<Answer>, status: number, schema?: ControlSchemaName) {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  if (schema) expect(validateControlSchema(schema, body)).toEqual([]);
  return body;
}

async function generate(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.baseUrl}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'a lighthouse', size: '1024x1024', ...body }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Loose };
}

const statuses = async (count: number, body?: Record<string, unknown>, headers?: Record<string, string>) => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await generate(body, headers)).status);
  return out;
};

describe('POST /__mock/scenarios', () => {
  it('answers 201 with an id and a Location; the next `times` requests follow it, then it expires', async () => {
    const response = await control('POST', '/scenarios', { scenario: 'rate-limited', times: 2 });
    const rule = await expectAnswer(Promise.resolve(response), 201, 'ScenarioRule');
    expect(rule).toMatchObject({ scenario: 'rate-limited', times: 2, remaining: 2 });
    expect(response.headers.get('location')).toBe(`/__mock/scenarios/${rule.id}`);

    const first = await generate();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body.error).toMatchObject({ code: 429, message: 'Rate limit exceeded' });
    const list = await expectAnswer(control('GET', '/scenarios'), 200, 'ScenarioRuleList');
    expect(list.data).toEqual([expect.objectContaining({ id: rule.id, times: 2, remaining: 1 })]);
    expect(await statuses(2)).toEqual([429, 200]);
    expect((await control('GET', '/scenarios')).body.data).toEqual([]);
  });

  it('without `times` applies to every request until removed; DELETE of an unknown id is 404', async () => {
    const rule = await expectAnswer(control('POST', '/scenarios', { scenario: 'internal-error' }), 201);
    expect(rule).toMatchObject({ times: null, remaining: null });
    expect(await statuses(3)).toEqual([500, 500, 500]);
    expect((await control('DELETE', `/scenarios/${rule.id}`)).status).toBe(204);
    expect(await statuses(1)).toEqual([200]);
    const missing = await control('DELETE', `/scenarios/${rule.id}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 404, message: expect.stringContaining(rule.id) });
  });

  it('matches by model, prompt and the end of the key', async () => {
    await control('POST', '/scenarios', {
      scenario: 'no-provider',
      match: { model: 'openai/gpt-image-1-mini' },
    });
    await control('POST', '/scenarios', { scenario: 'moderation', match: { prompt: 'forbidden' } });
    await control('POST', '/scenarios', { scenario: 'unauthorized', match: { key: 'beef' } });
    expect(await statuses(1)).toEqual([200]);
    expect(await statuses(1, { model: 'openai/gpt-image-1-mini' })).toEqual([503]);
    expect(await statuses(1, { prompt: 'a forbidden fruit' })).toEqual([403]);
    expect(await statuses(1, {}, { authorization: `Bearer ${OTHER_KEY}` })).toEqual([401]);
  });

  it('the newest matching rule wins; removing it uncovers the one before', async () => {
    await control('POST', '/scenarios', { scenario: 'internal-error' });
    const newest = (await control('POST', '/scenarios', { scenario: 'no-provider', times: 5 })).body;
    expect(await statuses(1)).toEqual([503]);
    await control('DELETE', `/scenarios/${newest.id}`);
    expect(await statuses(1)).toEqual([500]);
    expect((await control('DELETE', '/scenarios')).status).toBe(204);
    expect(await statuses(1)).toEqual([200]);
  });

  it('takes the Prefer header’s fields as JSON; a request’s own Prefer still wins', async () => {
    await control('POST', '/scenarios', { scenario: { code: 429, retryAfter: 7 }, times: 1 });
    const limited = await generate();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    await control('POST', '/scenarios', { scenario: { name: 'fewer-images', count: 1 } });
    expect((await generate({ n: 3 })).body.data).toHaveLength(1);
    await control('POST', '/scenarios', { scenario: { code: 503, message: 'down for lunch' } });
    expect((await generate()).body.error.message).toBe('down for lunch');
    expect((await generate({}, { prefer: 'code=200' })).status).toBe(200);
  });

  it('counts only requests it answers: invalid ones get their 400 and leave the uses', async () => {
    await control('POST', '/scenarios', { scenario: 'no-provider', times: 1 });
    expect(await statuses(1, { n: 99 })).toEqual([400]);
    expect(await statuses(2)).toEqual([503, 200]);
  });

  it('refuses a bad body with 400 naming each field', async () => {
    const bad = await control('POST', '/scenarios', { scenario: 'slow', times: 0, match: { modl: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('times must be >= 1; match.modl is not allowed');
    expect(bad.body.error.metadata.violations.map((v: { pointer: string }) => v.pointer)).toEqual([
      '/times',
      '/match/modl',
    ]);
    const unknown = await control('POST', '/scenarios', { scenario: 'lunch-break' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^scenario must be one of: .*, got "lunch-break"$/);
    const code = await control('POST', '/scenarios', { scenario: { code: 418 } });
    expect(code.body.error.message).toBe('scenario.code 418 is not the status of a scenario');
    const json = await control('POST', '/scenarios', '{"scenario":');
    expect([json.status, json.body.error.message]).toEqual([
      400,
      expect.stringMatching(/^Request body is not valid JSON/),
    ]);
    const none = await control('POST', '/scenarios');
    expect([none.status, none.body.error.message]).toEqual([400, 'body must be object']);
    expect((await control('GET', '/scenarios')).body.data).toEqual([]);
  });

  it('answers a wrong method 405 with Allow, and a web page of another site 403', async () => {
    const wrong = await control('PUT', '/scenarios', {});
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST, DELETE']);
    expect((await control('GET', '/reset')).status).toBe(405);
    const page = await control('POST', '/scenarios', { scenario: 'slow' }, { origin: 'https://example.com' });
    expect(page.status).toBe(403);
    const local = await control('GET', '/scenarios', undefined, { origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
  });
});

describe('POST /__mock/responses', () => {
  it('answers the next requests with a fixture and a drawn image, then the mock’s own again', async () => {
    const rule = await expectAnswer(
      control('POST', '/responses', {
        images: [{ b64_json: RED }, { synthesize: { width: 64, height: 32, format: 'png', label: 'hi' } }],
        usage: { cost: 0.5 },
        created: 1_700_000_000,
        times: 1,
      }),
      201,
      'ResponsesRule',
    );
    expect(rule.images).toEqual([
      { media_type: 'image/png', bytes: Buffer.from(RED, 'base64').length },
      { media_type: 'image/png', bytes: expect.any(Number) },
    ]);
    expect((await control('GET', '/responses')).body.data).toEqual([
      expect.objectContaining({ remaining: 1 }),
    ]);
    const answered = await generate();
    expect(answered.body.created).toBe(1_700_000_000);
    expect(answered.body.usage.cost).toBe(0.5);
    expect(answered.body.data[0].b64_json).toBe(RED);
    const drawn = decodePngBase64(answered.body.data[1].b64_json);
    expect([drawn.width, drawn.height]).toEqual([64, 32]);
    expect(Buffer.from(answered.body.data[1].b64_json, 'base64').length).toBe(rule.images[1].bytes);
    const again = await generate();
    expect(decodePngBase64(again.body.data[0].b64_json).width).toBe(1024);
  });

  it('combines with a scenario rule, and by match; DELETE by id and in all', async () => {
    await control('POST', '/scenarios', { scenario: 'fewer-images' });
    const one = (
      await control('POST', '/responses', { images: [{ b64_json: RED }], match: { prompt: 'red' } })
    ).body;
    expect(
      (await generate({ prompt: 'red', n: 3 })).body.data.map((d: { b64_json: string }) => d.b64_json),
    ).toEqual([RED]);
    expect((await generate({ n: 3 })).body.data).toHaveLength(2);
    expect((await control('DELETE', `/responses/${one.id}`)).status).toBe(204);
    expect((await control('DELETE', `/responses/${one.id}`)).status).toBe(404);
    await control('POST', '/responses', { images: [{ b64_json: RED }] });
    expect((await control('DELETE', '/responses')).status).toBe(204);
    expect((await control('GET', '/responses')).body.data).toEqual([]);
  });

  it('refuses a fixture that breaks the contract, unless check is false', async () => {
    const usage = await control('POST', '/responses', {
      images: [{ b64_json: RED }],
      usage: { cost: 'free' },
    });
    expect([usage.status, usage.body.error.message]).toEqual([400, 'usage.cost must be number or null']);
    const type = await control('POST', '/responses', {
      images: [{ b64_json: RED, media_type: 'image/jpeg' }],
    });
    expect([type.status, type.body.error.message]).toEqual([
      400,
      'images[0].media_type does not match the image bytes',
    ]);
    const text = Buffer.from('not an image').toString('base64');
    const bytes = await control('POST', '/responses', { images: [{ b64_json: text }] });
    expect(bytes.body.error.message).toBe('images[0].b64_json is not a PNG, JPEG, WebP or SVG');

    await expectAnswer(
      control('POST', '/responses', {
        images: [{ b64_json: RED }],
        usage: { cost: 'free' },
        check: false,
        times: 1,
      }),
      201,
    );
    expect((await generate()).body.usage.cost).toBe('free');
  });

  it('refuses what it cannot use: both sources, bad base64, sizes beyond the limits, a body beyond max body', async () => {
    const both = await control('POST', '/responses', {
      images: [{ b64_json: RED, synthesize: { width: 4, height: 4, format: 'png' } }, {}],
    });
    expect(both.body.error.metadata.violations.map((v: { message: string }) => v.message)).toEqual([
      'images[0] needs exactly one of b64_json or synthesize',
      'images[1] needs exactly one of b64_json or synthesize',
    ]);
    const base64 = await control('POST', '/responses', { images: [{ b64_json: 'no base64!' }] });
    expect(base64.body.error.message).toBe('images[0].b64_json is not standard base64 with padding');
    const huge = await control('POST', '/responses', {
      images: [{ synthesize: { width: 8192, height: 8192, format: 'png' } }],
    });
    expect([huge.status, huge.body.error.metadata.violations[0].rule]).toEqual([400, 'max-pixels-per-image']);
    const many = await control('POST', '/responses', {
      images: Array.from({ length: 5 }, () => ({ synthesize: { width: 4096, height: 4096, format: 'svg' } })),
    });
    expect(many.body.error.metadata.violations[0].rule).toBe('max-pixels-per-response');
    const big = await control('POST', '/responses', { images: [{ b64_json: 'A'.repeat(MAX_BODY) }] });
    expect([big.status, big.body.error.code]).toEqual([413, 413]);
    expect((await control('GET', '/responses')).body.data).toEqual([]);
  });
});

describe('PUT /__mock/credits and POST /__mock/reset', () => {
  it('sets a balance for every key or for keys ending in a suffix; each answer draws it down', async () => {
    const set = await expectAnswer(control('PUT', '/credits', { balance: 0.1 }), 200, 'CreditsRequest');
    expect(set).toEqual({ balance: 0.1 });
    // gpt-image-1 at 1024², medium: about $0.04 each.
    expect(await statuses(3)).toEqual([200, 200, 402]);
    await control('PUT', '/credits', { balance: 0, key: 'beef' });
    expect(await statuses(1, {}, { authorization: `Bearer ${OTHER_KEY}` })).toEqual([402]);
    await control('PUT', '/credits', { balance: 100 });
    expect(await statuses(1)).toEqual([200]);
    const bad = await control('PUT', '/credits', { balance: -1, key: '' });
    expect(bad.body.error.message).toBe('balance must be >= 0; key must NOT have fewer than 1 characters');
  });

  it('reset puts journal, rules, credits and rate limits back to the start', async () => {
    const limited = await startMockServer({ port: 0, rateLimit: { requests: 2 } });
    try {
      const post = (path: string, body?: unknown) =>
        fetch(`${limited.url}/__mock${path}`, {
          method: 'POST',
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
      const images = () =>
        fetch(`${limited.baseUrl}/images`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'x', size: '1024x1024' }),
        }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      expect([await images(), await images(), await images()]).toEqual([200, 200, 429]);
      // Each of these took (else the reset below would have nothing to undo).
      expect((await post('/scenarios', { scenario: 'internal-error' })).status).toBe(201);
      expect((await post('/responses', { images: [{ b64_json: RED }] })).status).toBe(201);
      const credits = await fetch(`${limited.url}/__mock/credits`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ balance: 0 }),
      });
      expect(credits.status).toBe(200);
      expect((await post('/reset')).status).toBe(204);
      const journal = (await (await fetch(`${limited.url}/__mock/requests`)).json()) as { data: unknown[] };
      expect(journal.data).toEqual([]);
      for (const kind of ['scenarios', 'responses']) {
        expect(await (await fetch(`${limited.url}/__mock/${kind}`)).json()).toEqual({ data: [] });
      }
      expect([await images(), await images(), await images()]).toEqual([200, 200, 429]);
      // Journal ids keep increasing across a reset, so `since=<id>` stays meaningful.
      const [first] = limited.mock.journal.list();
      expect(first?.id).toBe(4);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /__mock/requests', () => {
  it('filters by limit, model, status and since (an id, or an ISO time); contentType is as sent', async () => {
    const start = new Date().toISOString();
    await control('POST', '/scenarios', {
      scenario: 'rate-limited',
      times: 1,
      match: { model: 'openai/gpt-image-1-mini' },
    });
    await generate();
    await generate({ model: 'openai/gpt-image-1-mini' });
    await generate({ model: 'openai/gpt-image-1-mini' });
    await generate({ n: 99 });
    const all = (await expectAnswer(control('GET', '/requests'), 200, 'RequestList')).data;
    expect(all.map((r: Loose) => r.response.status)).toEqual([200, 429, 200, 400]);
    expect(all[0].response.contentType).toBe('application/json');
    expect(all[1].rules).toEqual([expect.stringMatching(/^scenario-/)]);
    const ids = all.map((r: Loose) => r.id);
    const query = async (q: string) =>
      ((await expectAnswer(control('GET', `/requests?${q}`), 200)).data as Loose[]).map((r) => r.id);
    expect(await query('limit=2')).toEqual(ids.slice(2));
    expect(await query('model=openai/gpt-image-1-mini')).toEqual(ids.slice(1, 3));
    expect(await query('status=429')).toEqual([ids[1]]);
    expect(await query('status=4xx')).toEqual([ids[1], ids[3]]);
    expect(await query(`since=${ids[1]}`)).toEqual(ids.slice(2));
    expect(await query(`since=${encodeURIComponent(start)}`)).toEqual(ids);
    expect(await query('since=2999-01-01T00:00:00Z')).toEqual([]);
    expect(await query('status=2xx&limit=1&model=openai/gpt-image-1')).toEqual([ids[0]]);
  });

  it('refuses a bad query with 400 naming the parameter', async () => {
    const message = async (q: string) => (await control('GET', `/requests?${q}`)).body.error.message;
    expect(await message('limit=0')).toBe('limit must be >= 1');
    expect(await message('limit=few')).toBe('limit must be integer');
    expect(await message('status=42')).toMatch(/^status must match/);
    expect(await message('since=yesterday')).toBe('since must be a request id or an ISO 8601 time');
    expect(await message('modle=x')).toBe('modle is not allowed');
  });
});

describe('where control is off', () => {
  it('a proxy (its answers are not the mock’s) and control: false answer the control routes 404', async () => {
    // The upstream is never called: only control routes are asked.
    for (const options of [{ proxy: 'http://127.0.0.1:9/api/v1' }, { control: false }]) {
      const other = await startMockServer({ port: 0, ...options });
      try {
        const reset = await fetch(`${other.url}/__mock/reset`, { method: 'POST' });
        expect([reset.status, ((await reset.json()) as { error: { code: number } }).error.code]).toEqual([
          404, 404,
        ]);
        expect((await fetch(`${other.url}/__mock/health`)).status).toBe(200);
      } finally {
        await other.close();
      }
    }
  });
});

describe('the library', () => {
  it('offers the same operations on mock.control: one implementation behind both', async () => {
    const rule = server.mock.control.addScenario({ scenario: 'no-provider', times: 1 });
    expect((await control('GET', '/scenarios')).body.data).toEqual([rule]);
    expect(await statuses(2)).toEqual([503, 200]);
    expect(() => server.mock.control.addScenario({ scenario: 'nope' as 'slow' })).toThrow(/got "nope"/);
    await control('POST', '/scenarios', { scenario: 'slow', times: 3 });
    expect(server.mock.control.listScenarios()).toEqual([expect.objectContaining({ remaining: 3 })]);
  });
});
