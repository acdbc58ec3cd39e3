// The user's path, end to end with the real CLI: serve --record a dropped stream, validate the
// recording (the cut fails it unless --allow-cuts), then serve --replay it (the cut comes back).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';
import { runCli, startServe } from './spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-cut-'));

const drop = async (baseUrl: string, after: number) => {
  const response = await fetch(`${baseUrl}/images`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      prefer: `scenario=stream-drop, after=${after}`,
    },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: `cut after ${after}`, stream: true }),
  });
  return { status: response.status, ...(await readSse(response)) };
};

describe('serve --record a stream-drop, validate it, replay it', () => {
  it('the client sees a 200 cut short; the recording says so; validate fails on it unless --allow-cuts; replay cuts again', async () => {
    const recording = join(dir, 'rec.jsonl');
    const serve = await startServe(['--record', recording, '--log', 'json']);
    try {
      for (const after of [1, 0]) {
        const stream = await drop(serve.baseUrl, after);
        expect(stream).toMatchObject({ status: 200, done: false });
        expect(stream.events).toHaveLength(after);
        expect(stream.error).toBeInstanceOf(TypeError); // the socket closed mid-body
      }
      // Not every short body is a cut: a HEAD answer sends none, and is recorded whole.
      expect((await fetch(`${serve.baseUrl}/images/models`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(serve.output()).not.toMatch(/error|"status":500/i);

    const lines = readFileSync(recording, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.response.status, line.response.cut])).toEqual([
      [200, 'after 1 event'],
      [200, 'after 0 events'],
      [200, undefined],
    ]);
    expect(lines[0].response.body).toMatch(/^data: \{"type":"image_generation.partial_image"/);

    const strict = await runCli(['validate', '--no-color', recording]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('→ 200, cut after 1 event');
    expect(strict.stdout).toContain('[cut] the answer was cut short after 1 event');
    expect(strict.stdout).toContain('0 passed, 2 failed, 1 skipped');

    const allowed = await runCli(['validate', '--no-color', '--verbose', '--allow-cuts', recording]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('2 passed, 0 failed, 1 skipped');
    expect(allowed.stdout).toContain('note: the answer was cut short after 1 event');

    const replay = await startServe(['--replay', recording, '--quiet']);
    try {
      for (const after of [1, 0]) {
        const stream = await drop(replay.baseUrl, after);
        expect(stream).toMatchObject({ status: 200, done: false });
        expect(stream.events).toHaveLength(after);
        expect(stream.error).toBeInstanceOf(TypeError);
      }
    } finally {
      await replay.stop();
    }
  });
});
