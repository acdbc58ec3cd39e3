// Real traffic that keeps the contract but not the mock's own choices: the default profile must
// pass it, and only the `mock` profile may judge it by the mock's rules.
import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REAL_TRAFFIC, realTrafficJsonl } from '../../fixtures/real-traffic.ts';
import { validateRecording } from '../../src/check/validate-recording.ts';
import { runCli } from '../cli/spawn-cli.ts';

const file = new URL('../../fixtures/recordings/real-traffic.jsonl', import.meta.url);

describe('a recording of real traffic', () => {
  it('is the one the script writes', () => {
    expect(readFileSync(file, 'utf8')).toBe(realTrafficJsonl());
  });

  it('validates clean under the default profile, with notes where the catalog disagrees', async () => {
    const { exchanges, problems } = await validateRecording(createReadStream(file), { name: 'real' });
    expect(problems).toEqual([]);
    expect(exchanges).toHaveLength(REAL_TRAFFIC.length + 1);
    expect(exchanges.filter((e) => !e.ok).map((e) => e.violations)).toEqual([]);
    expect(exchanges[2]?.notes.join(' ')).toContain('acme/future-painter-9 is not in the catalog');
    expect(exchanges[3]?.notes.join(' ')).toContain('not judged (profile contract)');
  });

  it('under --profile mock, fails exactly where the mock would have answered otherwise', async () => {
    const { exchanges } = await validateRecording(createReadStream(file), { name: 'real', profile: 'mock' });
    REAL_TRAFFIC.forEach(({ what, mockProfile }, i) => {
      expect(
        exchanges[i]?.violations.map((v) => v.rule),
        what,
      ).toEqual(mockProfile ? [mockProfile] : []);
    });
    expect(exchanges[0]?.violations[0]?.message).toBe(
      'data[0].media_type is image/png, but the mock answers bytedance-seed/seedream-4.5 in jpeg by default (profile mock)',
    );
  });

  it('an answer in another format than the request named is still a violation', async () => {
    const [first] = REAL_TRAFFIC;
    const line = JSON.stringify({
      request: {
        method: 'POST',
        url: 'https://openrouter.ai/api/v1/images',
        headers: {},
        body: { ...first?.request, output_format: 'jpeg' },
      },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: first?.response },
    });
    const { exchanges } = await validateRecording([line], { name: 'asked', format: 'jsonl' });
    expect(exchanges[0]?.violations).toMatchObject([
      { rule: 'output-format', message: 'data[0].media_type is image/png, but the request asked for jpeg' },
    ]);
  });

  it('the CLI exits 0 on it by default and 1 with --profile mock', async () => {
    const path = file.pathname;
    expect((await runCli(['validate', path])).code).toBe(0);
    expect((await runCli(['validate', path, '--profile', 'mock'])).code).toBe(1);
  });
});
