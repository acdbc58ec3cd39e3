import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_KEY } from '../../fixtures/record.ts';
import { runCli } from '../cli/spawn-cli.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/recordings/${name}`, import.meta.url));
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('openrouter-images-mock validate', () => {
  it("judges by the contract by default: a rule of the mock's catalog alone is a note, not a failure", async () => {
    const result = await runCli(['validate', fixture('violations.har'), '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^violations\.har 1 passed, 13 failed$/m);
    expect(result.stdout).toContain('not judged (profile contract)');
    const bad = await runCli(['validate', fixture('violations.har'), '--profile', 'strictest']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--profile must be one of contract, mock');
  });

  it('exits 0 on clean recordings (HAR and JSONL together)', async () => {
    const result = await runCli(['validate', fixture('clean.har'), fixture('clean.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('20 exchanges checked, no violations');
  });

  it('exits 1 on violations and prints them grouped by file and exchange, without colour off a TTY', async () => {
    // The fixtures record the mock itself: its own catalog rules judge them too.
    const result = await runCli(['validate', fixture('violations.har'), '--profile', 'mock']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^violations\.har 0 passed, 14 failed$/m);
    expect(result.stdout).toContain(
      '✗ violations.har#/log/entries/0  POST https://openrouter.ai/api/v1/images → 200',
    );
    expect(result.stdout).toContain('request /n [maximum] n must be <= 10 (expected 10, actual 11)');
    expect(result.stdout).toContain(
      'response event 1 /partial_image_index [required] partial_image_index is required',
    );
    expect(result.stdout).not.toContain('\x1b[');
    expect(result.stdout).not.toContain(FIXTURE_KEY);
  });

  it('--reporter junit (to --output) and json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    const out = join(dir, 'report.xml');
    const result = await runCli([
      'validate',
      fixture('violations.jsonl'),
      fixture('clean.har'),
      '--profile',
      'mock',
      '--reporter',
      'junit',
      '--output',
      out,
    ]);
    expect(result.code).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="openrouter-images-mock validate" tests="24" failures="14" errors="0" skipped="0">/,
    );
    expect(xml).toContain(
      '<testsuite name="violations.jsonl" tests="14" failures="14" errors="0" skipped="0">',
    );
    expect(xml).toContain(
      '<testcase classname="clean.har" name="clean.har#/log/entries/0 GET https://openrouter.ai/api/v1/images/models → 200"/>',
    );
    expect(xml).toContain('<failure message="1 violation: n must be &lt;= 10" type="contract-violation">');
    expect(xml).not.toContain(FIXTURE_KEY);
    const json = await runCli([
      'validate',
      fixture('violations.jsonl'),
      '--reporter',
      'json',
      '--profile',
      'mock',
    ]);
    const report = JSON.parse(json.stdout) as {
      summary: Record<string, number>;
      exchanges: { id: string; violations: unknown[] }[];
    };
    expect(report.summary).toEqual({
      checked: 14,
      passed: 0,
      failed: 14,
      skipped: 0,
      violations: 15,
      problems: 0,
    });
    expect(report.exchanges[0]).toMatchObject({
      id: 'violations.jsonl:1',
      violations: [{ side: 'request', pointer: '/n', rule: 'maximum', expected: 10, actual: 11 }],
    });
  });

  it('exits 2 on unusable input, with a clear message and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    const garbage = join(dir, 'garbage.har');
    writeFileSync(garbage, '{"log": {"entries": [ {"request": ');
    const notHar = join(dir, 'array.json');
    writeFileSync(notHar, '[1, 2, 3]');
    const cases: [string[], string][] = [
      [[fixture('truncated.har')], 'corrupt HAR: the JSON is cut off or malformed after entry /log/entries/'],
      [[garbage], 'corrupt HAR: the JSON is cut off or malformed before the first entry'],
      [[notHar], 'neither a HAR file'],
      [[join(dir, 'missing.har')], 'cannot read'],
    ];
    for (const [files, message] of cases) {
      const result = await runCli(['validate', ...files]);
      expect(result.code, files[0]).toBe(2);
      expect(result.stdout + result.stderr).toContain(message);
      noStack(result.stdout + result.stderr);
    }
  });

  it('a bad JSONL line is reported with its number, and the other lines are still checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    const file = join(dir, 'mixed.jsonl');
    const lines = readFileSync(fixture('clean.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(
      file,
      [lines[0], '{"request": {"method": "GET"}', lines[2], '{"request":{}}', ''].join('\n'),
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('line 2: not JSON');
    expect(result.stdout).toContain('line 4: not an exchange: "response" must be an object');
    expect(result.stdout).toContain('2 exchanges checked, no violations, 2 input problems');
  });

  it('--catalog replaces the models the per-model rules come from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    const catalog = join(dir, 'catalog.json');
    const models = (
      JSON.parse(readFileSync(new URL('../../src/models/default-catalog.json', import.meta.url), 'utf8')) as {
        models: { id: string; endpoints: { supported_parameters: Record<string, unknown> }[] }[];
      }
    ).models;
    // Let Gemini 3.1 make four images at once: the "n=2 served anyway" violation goes away. It is
    // a rule of the catalog, so profile mock judges it.
    const gemini = models.find((m) => m.id === 'google/gemini-3.1-flash-image');
    expect(gemini?.endpoints[0]).toBeDefined();
    if (gemini?.endpoints[0]) gemini.endpoints[0].supported_parameters.n = { type: 'range', min: 1, max: 4 };
    writeFileSync(catalog, JSON.stringify({ models }));
    const builtIn = await runCli(['validate', fixture('violations.har'), '--profile', 'mock']);
    expect(builtIn.stdout).toContain('14 exchanges checked, 14 failed (15 violations)');
    const result = await runCli([
      'validate',
      fixture('violations.har'),
      '--profile',
      'mock',
      '--catalog',
      catalog,
    ]);
    expect(result.stdout).toContain('14 exchanges checked, 13 failed (14 violations)');
    const bad = await runCli(['validate', fixture('clean.har'), '--catalog', fixture('clean.har')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be an object {"models": [...]}');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['validate'])).code).toBe(2);
    const reporter = await runCli(['validate', fixture('clean.har'), '--reporter', 'xml']);
    expect(reporter.code).toBe(2);
    expect(reporter.stderr).toContain('--reporter must be one of human, json, junit');
    const help = await runCli(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--reporter <name>');
  });
});
