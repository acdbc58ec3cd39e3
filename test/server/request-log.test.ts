// What a person reads of each request: the scenario that shaped the answer, the control rules
// that chose it, whether a stream was cut, and the status in colour only when asked for.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeScenario } from '../../src/scenarios/describe.ts';
import { namedScenario, scenarioFromPrefer } from '../../src/scenarios/scenario.ts';
import { type MockServer, startMockServer } from '../../src/server/mock-server.ts';
import { KEY } from '../helpers.ts';
import { readSse } from '../sse.ts';

describe('describeScenario: the Prefer header’s words', () => {
  it.each([
    ['scenario=stream-drop', 'stream-drop after=1'],
    ['scenario=stream-drop, after=0', 'stream-drop after=0'],
    ['scenario=stream-error, after=2', 'stream-error after=2'],
    ['scenario=rate-limited', 'rate-limited'],
    ['scenario=rate-limited, retry-after=3', 'rate-limited retry-after=3'],
    ['code=402', 'insufficient-credits'],
    ['scenario=image-too-large', 'image-too-large'],
    ['scenario=slow', 'slow latency=1000'],
    ['latency=100-400', 'slow latency=100-400'],
    ['scenario=rate-limited, latency=300', 'rate-limited latency=300'],
    ['scenario=keep-alive split-frames', 'keep-alive split-frames'],
    ['scenario=fewer-images', 'fewer-images'],
    ['scenario=fewer-images, count=0', 'fewer-images count=0'],
    ['partial-images=0, interval=50', 'partial-images=0 interval=50'],
    ['respond-async', ''],
  ])('%s → "%s"', (prefer, words) => {
    expect(describeScenario(scenarioFromPrefer(prefer) ?? {})).toBe(words);
  });

  it('the defaults every answer carries are not worth a word', () => {
    expect(describeScenario({ partialImages: 2, interval: 0, ...namedScenario('merged-frames') })).toBe(
      'merged-frames',
    );
  });

  it('an error the catalog lacks (a custom message on a shared status) still says its status', () => {
    expect(describeScenario({ error: { status: 404, message: 'gone', description: '' } })).toBe('code=404');
    expect(describeScenario(namedScenario('invalid-image', { message: 'custom' }))).toBe('invalid-image');
  });
});

describe('the request log of startMockServer', () => {
  const lines: string[] = [];
  let server: MockServer;
  let colored: MockServer;
  beforeAll(async () => {
    const logLine = (line: string) => lines.push(line);
    server = await startMockServer({ port: 0, log: 'json', logLine, interval: 20 });
    colored = await startMockServer({ port: 0, log: 'pretty', logLine, logColor: true });
  });
  afterAll(async () => {
    await Promise.all([server?.close(), colored?.close()]);
  });
  beforeEach(() => {
    lines.length = 0;
  });

  const post = (base: string, body: Record<string, unknown>, prefer?: string) =>
    fetch(`${base}/images`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
        ...(prefer ? { prefer } : {}),
      },
      body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'log', ...body }),
    });
  const json = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('a dropped stream: its line waits for the end, names the scenario and says where it was cut', async () => {
    const response = await post(server.baseUrl, { stream: true }, 'scenario=stream-drop, after=1');
    expect(response.status).toBe(200);
    await readSse(response);
    await expect.poll(() => lines.length).toBe(1);
    expect(json()[0]).toMatchObject({
      event: 'request',
      method: 'POST',
      path: '/api/v1/images',
      status: 200,
      model: 'openai/gpt-image-1',
      scenario: 'stream-drop after=1',
      cut: 'after 1 event',
    });
  });

  it('a whole stream is one line without a cut, once it has ended', async () => {
    const response = await post(server.baseUrl, { stream: true });
    await readSse(response);
    await expect.poll(() => lines.length).toBe(1);
    const [line] = json();
    expect(line).toMatchObject({ event: 'request', status: 200 });
    expect(line).not.toHaveProperty('cut');
    expect(line).not.toHaveProperty('scenario');
  });

  it('a client that leaves mid-stream: the line says so', async () => {
    const response = await post(server.baseUrl, { stream: true, n: 4 });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => lines.length).toBe(1);
    expect(json()[0]).toMatchObject({ status: 200, cut: 'when the client went away' });
  });

  it('a control rule: the scenario and the rule that chose it', async () => {
    const created = await fetch(`${server.url}/__mock/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: { name: 'rate-limited', retryAfter: 7 }, times: 1 }),
    });
    const { id } = (await created.json()) as { id: string };
    lines.length = 0;
    expect((await post(server.baseUrl, {})).status).toBe(429);
    expect(json()[0]).toMatchObject({
      status: 429,
      scenario: 'rate-limited retry-after=7',
      rules: [id],
      error: 'Rate limit exceeded',
    });
  });

  it('pretty lines: [scenario by rule], (cut …), and only the status in colour', async () => {
    await fetch(`${colored.url}/__mock/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'internal-error', times: 1 }),
    });
    lines.length = 0;
    await (await post(colored.baseUrl, {})).arrayBuffer();
    await (await post(colored.baseUrl, {}, 'scenario=rate-limited')).arrayBuffer();
    await (await post(colored.baseUrl, {})).arrayBuffer();
    await readSse(await post(colored.baseUrl, { stream: true }, 'scenario=stream-drop, after=0'));
    await expect.poll(() => lines.length).toBe(4);
    const shown = lines.map((line) => line.replaceAll('\x1b', '<ESC>'));
    expect(shown[0]).toMatch(
      /^POST \/api\/v1\/images <ESC>\[31m500<ESC>\[0m openai\/gpt-image-1 [\d.]+ms \[internal-error by scenario-\d+\]$/,
    );
    expect(shown[1]).toMatch(
      /^POST \/api\/v1\/images <ESC>\[33m429<ESC>\[0m openai\/gpt-image-1 [\d.]+ms \[rate-limited\]$/,
    );
    expect(shown[2]).toMatch(/^POST \/api\/v1\/images <ESC>\[32m200<ESC>\[0m openai\/gpt-image-1 [\d.]+ms$/);
    expect(shown[3]).toMatch(/ <ESC>\[32m200<ESC>\[0m .* \[stream-drop after=0\] \(cut after 0 events\)$/);
    // One colour per line, on the status: nothing else is painted.
    for (const line of shown) expect(line.match(/<ESC>/g)).toHaveLength(2);
  });

  it('json lines never carry colour, and pretty lines without logColor neither', async () => {
    await (await post(server.baseUrl, {}, 'code=500')).arrayBuffer();
    const plain = await startMockServer({ port: 0, log: 'pretty', logLine: (line) => lines.push(line) });
    try {
      await (await post(plain.baseUrl, {}, 'code=500')).arrayBuffer();
    } finally {
      await plain.close();
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\x1b');
    expect(lines[1]).toMatch(/^POST \/api\/v1\/images 500 openai\/gpt-image-1 [\d.]+ms \[internal-error\]$/);
  });
});
