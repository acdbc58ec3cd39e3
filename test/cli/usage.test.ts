// The command line's own mistakes and small courtesies: one line that says what to type instead,
// output folders made on demand, the name printed once, counts in the right number.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/cli/suggest.ts';
import { runCli } from './spawn-cli.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/recordings/${name}`, import.meta.url));
const firstLine = (name: string) => `${readFileSync(fixture(name), 'utf8').split('\n')[0]}\n`;
const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

const made: string[] = [];
/** A fresh temporary folder, removed after the file's tests. */
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('unknown and malformed options', () => {
  it.each([
    [
      ['serve', '--prot', '4010'],
      'unknown option --prot (did you mean --port?); see openrouter-images-mock serve --help',
    ],
    [['validate', 'x.har', '--reportr', 'junit'], 'unknown option --reportr (did you mean --reporter?)'],
    [['verify', '--base-ulr', 'http://127.0.0.1:1'], 'unknown option --base-ulr (did you mean --base-url?)'],
    [
      ['catalog', 'pull', '--form', 'http://x'],
      'unknown option --form (did you mean --from?); see openrouter-images-mock catalog --help',
    ],
    [
      ['diff', '--frobnicate', 'a', 'b'],
      'unknown option --frobnicate; see openrouter-images-mock diff --help',
    ],
    [['serve', '--port'], '--port needs a value; see openrouter-images-mock serve --help'],
    [['serve', '--quiet=yes'], '--quiet takes no value'],
    [['serve', 'now'], 'unexpected argument "now": this command takes options only'],
  ])('%j: one line saying what to type, exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`openrouter-images-mock: ${message}`);
    expect(result.stderr).not.toMatch(/To specify|positional argument/);
    oneLine(result.stderr);
  });

  it('suggests by edit distance, a transposition counting once, and nothing for a far-off name', () => {
    expect(editDistance('--prot', '--port')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('--seeed', ['--seed', '--scenario'])).toBe('--seed');
    expect(closest('--colour', ['--port', '--host'])).toBeUndefined();
  });
});

describe('--output', () => {
  it('creates missing parent folders (validate and diff)', async () => {
    const dir = tempDir('orim-output-');
    const report = join(dir, 'reports', 'nested', 'contract.xml');
    const validate = await runCli([
      'validate',
      fixture('clean.jsonl'),
      '--reporter',
      'junit',
      '--output',
      report,
    ]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('<testsuites');

    const contract = fileURLToPath(new URL('../../openapi/openrouter-images.yaml', import.meta.url));
    const drift = join(dir, 'drift', 'diff.json');
    const diff = await runCli(['diff', contract, contract, '--reporter', 'json', '--output', drift]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(JSON.parse(readFileSync(drift, 'utf8'))).toMatchObject({ changes: [] });
  });

  it('fails before any work when its folder cannot be made (verify sends nothing)', async () => {
    const dir = tempDir('orim-output-');
    writeFileSync(join(dir, 'file'), '');
    let requests = 0;
    const target = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = target.address() as { port: number };
      const output = join(dir, 'file', 'report.xml');
      const result = await runCli([
        'verify',
        '--base-url',
        `http://127.0.0.1:${port}/api/v1`,
        '--output',
        output,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--output ${output}: cannot create its folder (`);
      oneLine(result.stderr);
      expect(requests).toBe(0);
      expect(existsSync(output)).toBe(false);
    } finally {
      target.close();
    }
  });
});

describe('messages', () => {
  it("print the tool's name once, even for the library's own errors", async () => {
    const dir = tempDir('orim-prefix-');
    writeFileSync(join(dir, 'empty.jsonl'), '{}\n');
    const result = await runCli(['serve', '--port', '0', '--replay', join(dir, 'empty.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^openrouter-images-mock: --replay /);
    expect(result.stderr.match(/openrouter-images-mock/g)).toHaveLength(1);
    expect(result.stderr).not.toContain('[openrouter-images-mock]');
  });

  it('count in the right number: 1 exchange, 1 violation', async () => {
    const dir = tempDir('orim-plural-');
    writeFileSync(join(dir, 'one-clean.jsonl'), firstLine('clean.jsonl'));
    writeFileSync(join(dir, 'one-bad.jsonl'), firstLine('violations.jsonl'));
    const clean = await runCli(['validate', join(dir, 'one-clean.jsonl')]);
    expect(clean.stdout).toContain('1 exchange checked, no violations');
    const bad = await runCli(['validate', join(dir, 'one-bad.jsonl'), '--profile', 'mock']);
    expect(bad.stdout).toContain('1 exchange checked, 1 failed (1 violation)');
  });
});
