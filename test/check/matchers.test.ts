import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImagesContractMatcherOptions, imagesContractMatchers } from '../../src/check/matchers.ts';
import { createImagesMock } from '../../src/core/mock.ts';
import { KEY } from '../helpers.ts';

expect.extend(imagesContractMatchers);
// Typed locally: the `openrouter-images-mock/vitest` entry declares the matcher for users.
type ContractAssertion = { toMatchImagesContract(options?: ImagesContractMatcherOptions): Promise<void> };
const expectContract = (value: unknown) =>
  expect(value) as unknown as ContractAssertion & { not: ContractAssertion };

const mock = createImagesMock();
const post = (body: unknown) =>
  mock.handle(
    new Request('https://openrouter.ai/api/v1/images', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

describe('toMatchImagesContract', () => {
  let fetchBefore: typeof fetch;
  beforeAll(() => {
    fetchBefore = globalThis.fetch;
  });
  afterAll(() => {
    globalThis.fetch = fetchBefore;
  });

  it('passes on the mock’s answers, JSON, SSE and errors alike, and leaves the body readable', async () => {
    const response = await post({ model: 'recraft/recraft-v3-svg', prompt: 'a fox' });
    await expectContract(response).toMatchImagesContract();
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
    const stream = await post({ model: 'recraft/recraft-v3-svg', prompt: 'a fox', stream: true });
    await expectContract(stream).toMatchImagesContract();
    expect((await stream.text()).trimEnd()).toMatch(/data: \[DONE\]$/);
    const refused = await post({ model: 'recraft/recraft-v3-svg', prompt: 'a fox', n: 99 });
    await expectContract(refused).toMatchImagesContract();
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(400);
  });

  it('fails listing each violation', async () => {
    const broken = Response.json({ created: 'yesterday', data: [{ b64_json: 'not base64!' }] });
    const result = await imagesContractMatchers.toMatchImagesContract(broken);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('1 violation:');
    expect(result.message()).toContain('response /created [type] created must be integer');
    const badImage = Response.json({
      created: 1,
      data: [{ b64_json: 'not base64!' }, { b64_json: 'iVBORw0KGgo=', media_type: 'image/svg+xml' }],
    });
    const second = await imagesContractMatchers.toMatchImagesContract(badImage);
    expect(second.message()).toContain('2 violations');
    expect(second.message()).toContain('response /data/0/b64_json [base64]');
    expect(second.message()).toContain(
      'response /data/1/b64_json [media-type-matches-bytes] the image bytes are image/png',
    );
    await expect(
      expectContract(
        Response.json({ error: { code: '400', message: 'x' } }, { status: 400 }),
      ).toMatchImagesContract(),
    ).rejects.toThrow(/error\.code must be integer/);
  });

  it('works on exchanges and recorded responses, and with .not', async () => {
    const exchange = {
      request: {
        method: 'POST',
        url: 'https://openrouter.ai/api/v1/images',
        headers: {},
        body: { model: 'openai/gpt-image-1', prompt: 'x', n: 11 },
      },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { created: 1, data: [] },
      },
    };
    await expectContract(exchange).not.toMatchImagesContract();
    await expectContract({
      ...exchange,
      response: { status: 400, headers: {}, body: { error: { code: 400, message: 'n must be <= 10' } } },
    }).toMatchImagesContract();
    await expectContract({
      status: 200,
      headers: {},
      body: { created: 1, data: [] },
    }).toMatchImagesContract();
    const result = await imagesContractMatchers.toMatchImagesContract('nope');
    expect(result.message()).toMatch(/expected a fetch Response/);
  });
});
