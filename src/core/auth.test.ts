import { describe, expect, it } from 'vitest';
import { createImagesMock } from '../index.ts';

const body = JSON.stringify({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', size: '64x64' });

/** Status and error message of a request with this Authorization header (none when undefined). */
async function answer(authorization: string | undefined, apiKeys?: string[]) {
  const mock = createImagesMock(apiKeys ? { apiKeys } : {});
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await mock.handle(
    new Request('https://openrouter.ai/api/v1/images', { method: 'POST', headers, body }),
  );
  const json = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: json.error?.message };
}

describe('the API key: a bearer token in the Authorization header', () => {
  it('answers 401 without an Authorization header', async () => {
    expect(await answer(undefined)).toEqual({ status: 401, message: 'Missing Authentication header' });
  });

  it.each([
    ['Bearer sk-or-v1-abc'],
    ['bearer sk-or-v1-abc'],
    ['BEARER sk-or-v1-abc'],
    ['Bearer   sk-or-v1-abc'],
    ['Bearer sk-or-v1-abc   '],
  ])('takes %j', async (header) => {
    expect((await answer(header)).status).toBe(200);
  });

  it.each([
    ['Token Bearer sk-or-v1-abc'],
    ['x Bearer sk-or-v1-abc'],
    ['Bearer'],
    ['Bearer '],
    ['Bearersk-or-v1-abc'],
    ['Basic c2stb3I6eA=='],
    ['Bearer sk-or v1'],
    ['Bearer sk-or-v1-ä'],
    ['Bearer sk\tor'],
    ['sk-or-v1-abc'],
  ])('answers 401 "Malformed" to %j', async (header) => {
    expect(await answer(header)).toEqual({
      status: 401,
      message: 'Malformed Authentication header: expected "Authorization: Bearer <API key>"',
    });
  });

  it('with apiKeys, takes only those keys, however the header is spaced', async () => {
    expect((await answer('Bearer  good   ', ['good'])).status).toBe(200);
    expect(await answer('Bearer other', ['good'])).toEqual({
      status: 401,
      message: 'No auth credentials found',
    });
    expect((await answer('Bearer goodness', ['good'])).status).toBe(401);
  });
});
