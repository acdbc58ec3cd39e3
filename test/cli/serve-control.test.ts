// Who may steer a running `serve`: on for loopback, off with --no-control, a token beyond loopback.
// Servers bound to 0.0.0.0 here are reached through 127.0.0.1 only.
import { afterAll, describe, expect, it } from 'vitest';
import { KEY } from '../helpers.ts';
import { runCli, type ServingCli, startServe } from './spawn-cli.ts';

const started: ServingCli[] = [];
afterAll(async () => {
  await Promise.all(started.map((serving) => serving.stop()));
});
async function serve(args: string[]) {
  const serving = await startServe(args);
  started.push(serving);
  return { serving, root: serving.baseUrl.replace(/\/api\/v1$/, '') };
}

const addScenario = (root: string, headers: Record<string, string> = {}) =>
  fetch(`${root}/__mock/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ scenario: 'rate-limited', times: 1 }),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as { times?: number; error: { code: number; message: string } },
  }));

const generate = (root: string) =>
  fetch(`${root}/api/v1/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'x', size: '1024x1024' }),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });

const WARNING = /warning: listening on 0\.0\.0\.0, beyond loopback, without --api-key/;

describe('serve: control access', () => {
  it('--no-control answers the control routes 404; inspection stays', async () => {
    const { root } = await serve(['--no-control', '--quiet']);
    const refused = await addScenario(root);
    expect([refused.status, refused.body.error.code]).toEqual([404, 404]);
    expect((await fetch(`${root}/__mock/reset`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${root}/__mock/requests?limit=1`)).status).toBe(200);
  });

  it('bound beyond loopback without a token: control answers 401, and serve warns once about --api-key', async () => {
    const { serving, root } = await serve(['--host', '0.0.0.0', '--quiet']);
    const refused = await addScenario(root);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/--control-token/);
    expect(serving.output().match(new RegExp(WARNING, 'g'))).toHaveLength(1);
    expect(await generate(root)).toBe(200);
  });

  it('with --control-token the bearer token is required; with --api-key there is no warning', async () => {
    const { serving, root } = await serve([
      '--host',
      '0.0.0.0',
      '--control-token',
      's3cret-t0ken',
      '--api-key',
      KEY,
      '--quiet',
    ]);
    expect(serving.output()).not.toMatch(WARNING);
    expect((await addScenario(root)).status).toBe(401);
    expect((await addScenario(root, { authorization: 'Bearer wrong' })).status).toBe(401);
    const added = await addScenario(root, { authorization: 'Bearer s3cret-t0ken' });
    expect([added.status, added.body.times]).toEqual([201, 1]);
    expect([await generate(root), await generate(root)]).toEqual([429, 200]);
  });

  it('a token is one word', async () => {
    const result = await runCli(['serve', '--control-token', 'two words']);
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'openrouter-images-mock: --control-token must be one word of visible ASCII characters (a bearer token)',
    ]);
  });
});
