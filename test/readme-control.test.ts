// The README's "Steer the running mock" examples run as shown: the Python module under pytest and
// the curl lines under bash, against one live server. Each is skipped where its tools are missing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServingCli, startServe } from './cli/spawn-cli.ts';
import { runProcess } from './run-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Steer the running mock'));

const works = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const python = works('python3', ['-c', 'import pytest, requests']);
const shell = works('bash', ['-c', 'command -v curl && command -v jq && command -v base64']);

let serving: ServingCli;
let root: string;
beforeAll(async () => {
  if (!python && !shell) return;
  serving = await startServe(['--quiet']);
  root = serving.baseUrl.replace(/\/api\/v1$/, '');
});
afterAll(async () => {
  await serving?.stop();
});

describe('README: Steer the running mock', () => {
  it('shows examples/python/test_images.py word for word', () => {
    const shown = /<!-- example:examples\/python\/test_images\.py -->\n```python\n([\s\S]*?)```/.exec(
      section,
    )?.[1];
    expect(shown).toBe(readFileSync(new URL('../examples/python/test_images.py', import.meta.url), 'utf8'));
  });

  it.skipIf(!python)('the pytest module passes against a live server', async () => {
    const result = await runProcess(
      'python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'examples/python/test_images.py'],
      { cwd: ROOT, env: { ...process.env, MOCK_URL: root }, timeoutMs: 15_000 },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/4 passed/);
  });

  it.skipIf(!shell)('the curl lines run, each answered as its comment says', async () => {
    const lines = /\*\*The same with curl:\*\*\n\n```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(lines).toContain('M=http://127.0.0.1:4010');
    const script = `set -euo pipefail\n${lines.replace('M=http://127.0.0.1:4010', `M=${root}`)}`;
    const result = await runProcess('bash', ['-c', script], { cwd: ROOT, timeoutMs: 15_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\{"id":"scenario-\d+","scenario":"rate-limited","remaining":1\}/);
    expect(result.stdout).toMatch(/"images":\[\{"media_type":"image\/png","bytes":80\}\]/);
    expect(result.stdout).toContain('{"balance":0.1}');
  });
});
