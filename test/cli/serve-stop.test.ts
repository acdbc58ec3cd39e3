// However a supervisor stops `serve` (a signal to it, a signal to `npm exec` or `npx` above it, or
// the supervisor dying), the port is freed and the recording is complete.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';
import { startServe } from './spawn-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'orim-stop-'));
// npm (and what it runs) finds this Node first: the one running the tests.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
const hasNpm = spawnSync('npm', ['--version'], { env }).status === 0;

/** Servers these tests started, killed in the end whatever happened. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

/** Two exchanges, one of them a stream, as a client makes them. */
async function exchanges(baseUrl: string): Promise<void> {
  const post = (body: Record<string, unknown>) =>
    fetch(`${baseUrl}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'stop', ...body }),
    });
  expect((await post({})).status).toBe(200);
  expect((await readSse(await post({ stream: true }))).done).toBe(true);
}

const refused = (baseUrl: string) =>
  fetch(`${baseUrl}/images/models`).then(
    () => false,
    (error: Error & { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED',
  );

/** A HAR the server finished: valid JSON, every exchange in it. */
function harEntries(path: string): unknown[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { log: { entries: unknown[] } }).log.entries;
}

/** A JSONL recording: every line whole. */
function jsonlLines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Spawns `command`, collects its output (and what its children inherit), resolves the JSON banner. */
function spawnServing(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  // 'close': every holder of the pipes has exited, the server included; within 8 s, or it has not.
  const closed = new Promise<void>((resolve, reject) => {
    child.on('close', () => resolve());
    child.on('exit', () =>
      setTimeout(
        () => reject(new Error(`still serving 8 s after its parent exited:\n${output}`)),
        8_000,
      ).unref(),
    );
  });
  // Handled here too: a test that fails before awaiting it should report its own failure.
  closed.catch(() => {});
  const banner = (async () => {
    await expect.poll(() => /"event":"listening"/.test(output), { timeout: 15_000 }).toBe(true);
    const line = output.split('\n').find((l) => l.includes('"event":"listening"')) as string;
    const parsed = JSON.parse(line) as { baseUrl: string; pid: number };
    started.push(parsed.pid);
    return parsed;
  })();
  return { child: child as ChildProcess, output: () => output, banner, closed };
}

describe('signals to serve itself', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s: exit 0, port freed, HAR complete',
    async (signal) => {
      const har = join(dir, `${signal}.har`);
      const serving = await startServe(['--record', har]);
      await exchanges(serving.baseUrl);
      expect(await serving.stop(signal)).toBe(0);
      expect(serving.output()).toContain(`openrouter-images-mock: ${signal}, closing\n`);
      expect(await refused(serving.baseUrl)).toBe(true);
      expect(harEntries(har)).toHaveLength(2);
    },
  );

  it('a request in flight is answered and recorded; a second signal does not wait for it', async () => {
    const har = join(dir, 'in-flight.har');
    const serving = await startServe(['--record', har]);
    const slow = (baseUrl: string, ms: number) =>
      fetch(`${baseUrl}/images`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          prefer: `latency=${ms}`,
        },
        body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'in flight' }),
      });
    const answer = slow(serving.baseUrl, 600);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = serving.stop('SIGTERM');
    expect((await answer).status).toBe(200);
    expect(await exited).toBe(0);
    expect(harEntries(har)).toHaveLength(1);

    const again = await startServe([]);
    const stuck = slow(again.baseUrl, 30_000).catch(() => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 200));
    again.child.kill('SIGTERM');
    await expect.poll(() => again.output()).toContain('closing');
    const t0 = Date.now();
    expect(await again.stop('SIGTERM')).toBe(143);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await stuck).toBe('cut');
  });
});

describe('a supervisor that does not pass SIGTERM on', () => {
  it.skipIf(!hasNpm)(
    'SIGTERM to `npm exec` (what `npx` and `npm start` run): the server stops, the recording is complete',
    async () => {
      const jsonl = join(dir, 'npm-exec.jsonl');
      // npm runs the command through a shell of its own, which does not forward the signal.
      const npm = spawnServing('npm', [
        'exec',
        '--no',
        '--',
        process.execPath,
        MAIN,
        'serve',
        '--port',
        '0',
        '--log',
        'json',
        '--record',
        jsonl,
      ]);
      const { baseUrl, pid } = await npm.banner;
      expect(pid).not.toBe(npm.child.pid);
      await exchanges(baseUrl);
      npm.child.kill('SIGTERM');
      await npm.closed;
      expect(npm.output()).toContain('"reason":"the process that started it exited"');
      expect(await refused(baseUrl)).toBe(true);
      expect(jsonlLines(jsonl)).toHaveLength(2);
    },
  );

  it('its parent killed outright: the server notices within seconds, closes and finishes its HAR', async () => {
    const har = join(dir, 'orphan.har');
    // A stand-in supervisor: starts serve, then waits; SIGKILL gives it no chance to pass anything on.
    const parent = spawnServing(process.execPath, [
      '-e',
      `require('node:child_process').spawn(process.execPath, ${JSON.stringify([MAIN, 'serve', '--port', '0', '--log', 'json', '--record', har])}, { stdio: 'inherit' }); setInterval(() => {}, 1000);`,
    ]);
    const { baseUrl } = await parent.banner;
    await exchanges(baseUrl);
    parent.child.kill('SIGKILL');
    const t0 = Date.now();
    await parent.closed;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(parent.output()).toContain('"reason":"the process that started it exited"');
    expect(await refused(baseUrl)).toBe(true);
    expect(harEntries(har)).toHaveLength(2);
  });
});
