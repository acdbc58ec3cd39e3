// validate on recordings: the committed fixtures, and the same recordings made afresh against
// the mock (so a change to the mock that breaks the contract, or stale fixtures, show up here).
import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_KEY, recordFixtures } from '../../fixtures/record.ts';
import { formatReport } from '../../src/check/report/format.ts';
import type { CheckReport } from '../../src/check/report/report.ts';
import { validateRecording } from '../../src/check/validate-recording.ts';

const dir = new URL('../../fixtures/recordings/', import.meta.url);
const fresh = await recordFixtures();
const sources = {
  committed: (name: string) => createReadStream(new URL(name, dir)),
  fresh: (name: string) => [fresh[name] ?? ''],
};
type Expected = {
  entry: number;
  what: string;
  /** `profile: 'mock'` on a violation: only that profile judges it (the mock's rules, not the contract). */
  violations: { side: string; rule: string; pointer: string; event?: number; profile?: 'mock' }[];
}[];
const expected = JSON.parse(readFileSync(new URL('violations.expected.json', dir), 'utf8')) as Expected;

describe.each(Object.entries(sources))('%s recordings', (_, open) => {
  it.each(['clean.har', 'clean.jsonl'])('%s conforms', async (name) => {
    const { exchanges, problems } = await validateRecording(open(name), { name });
    expect(problems).toEqual([]);
    expect(exchanges).toHaveLength(10);
    expect(exchanges.filter((e) => !e.ok)).toEqual([]);
    // The refused bad requests are the contract working, and say so.
    expect(
      exchanges.filter((e) => e.notes.some((n) => n.includes('refused with 400, as documented'))),
    ).toHaveLength(2);
  });

  it.each(
    ['violations.har', 'violations.jsonl'].flatMap((name) => [
      [name, 'contract'],
      [name, 'mock'],
    ]) as [string, 'contract' | 'mock'][],
  )('%s reports every known violation, and only those (profile %s)', async (name, profile) => {
    const { exchanges, problems } = await validateRecording(open(name), { name, profile });
    expect(problems).toEqual([]);
    expect(exchanges).toHaveLength(expected.length);
    for (const { entry, what, violations } of expected) {
      const found = exchanges[entry]?.violations.map(({ side, rule, pointer, event }) =>
        event === undefined ? { side, rule, pointer } : { side, rule, pointer, event },
      );
      const judged = violations
        .filter((v) => v.profile === undefined || v.profile === profile)
        .map(({ profile: _, ...v }) => v);
      expect(found, what).toEqual(judged);
    }
  });
});

describe('reports', () => {
  it('locate each violation: exchange, side, pointer, rule, expected and actual', async () => {
    const { exchanges } = await validateRecording(sources.fresh('violations.jsonl'), { name: 'v.jsonl' });
    expect(exchanges[0]).toMatchObject({
      id: 'v.jsonl:1',
      label: 'POST https://openrouter.ai/api/v1/images → 200',
      violations: [{ side: 'request', pointer: '/n', rule: 'maximum', expected: 10, actual: 11 }],
    });
    const har = await validateRecording(sources.fresh('violations.har'), { name: 'v.har' });
    expect(har.exchanges[11]?.id).toBe('v.har#/log/entries/11');
  });

  it('never show an API key, in any format', async () => {
    const report: CheckReport = { tool: 'validate', exchanges: [], problems: [] };
    for (const name of ['violations.har', 'violations.jsonl']) {
      report.exchanges.push(...(await validateRecording(sources.fresh(name), { name })).exchanges);
    }
    const keyed = report.exchanges.find((e) => e.violations.some((v) => v.pointer === '/aspect_ratio'));
    expect(keyed?.violations[0]?.actual).toBe(FIXTURE_KEY); // the data keeps it; reports must not
    for (const reporter of ['human', 'json', 'junit'] as const) {
      const text = formatReport(report, reporter, { verbose: true });
      expect(text).not.toContain(FIXTURE_KEY);
      expect(text).not.toContain(FIXTURE_KEY.slice(0, 20));
      expect(text).toContain('[REDACTED]');
    }
  });

  it('a truncated HAR: the entries before the damage are checked, then one clear problem', async () => {
    // The file is cut in the middle of its third entry: the two before it are whole.
    const { exchanges, problems } = await validateRecording(sources.fresh('truncated.har'), {
      name: 't.har',
      profile: 'mock',
    });
    expect(exchanges.map((e) => e.id)).toEqual(['t.har#/log/entries/0', 't.har#/log/entries/1']);
    for (const [entry, exchange] of exchanges.entries()) {
      expect(
        exchange.violations.map(({ side, rule, pointer }) => ({ side, rule, pointer })),
        expected[entry]?.what,
      ).toEqual(expected[entry]?.violations.map(({ profile: _, event: __, ...v }) => v));
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(
      /^corrupt HAR: the JSON is cut off or malformed after entry \/log\/entries\/1\b/,
    );
  });
});
