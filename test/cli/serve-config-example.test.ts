// examples/serve.config.json is the config file a user copies: every option of serve, each at its
// default (null for the ones that are off), and serve starts from it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVE_HELP, serveOptions } from '../../src/cli/serve.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/server/node/listener.ts';
import { startServe } from './spawn-cli.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/serve.config.json', import.meta.url));
const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';

describe('examples/serve.config.json', () => {
  it('names every option of serve --help, and no other', () => {
    const options = SERVE_HELP.slice(SERVE_HELP.indexOf('Options:'));
    const flags = [...options.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual(flags.filter((f) => f !== 'help' && f !== 'config').sort());
  });

  it('holds the defaults: the options of no command line at all, two of them spelled out', () => {
    expect(serveOptions(['--config', EXAMPLE])).toEqual({
      ...(serveOptions([]) as object),
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      unknownModels: 'refuse',
    });
  });

  it('starts the server (serve --config examples/serve.config.json; --port 0 wins)', async () => {
    const serving = await startServe(['--config', EXAMPLE, '--quiet']);
    try {
      const response = await fetch(`${serving.baseUrl}/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'recraft/recraft-v3-svg', prompt: 'configured' }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    } finally {
      expect(await serving.stop()).toBe(0);
    }
  });
});
