// Hostile input over HTTP, against the real server (in this process, on 127.0.0.1): bodies that
// are not objects, not UTF-8, absurdly deep, too large, dripped, cut off or never read; keys that
// target prototypes; numbers past every range; CR/LF where a value is echoed. Each attack gets a
// documented answer (never a 5xx, a hang or a crash), and after each one a normal request must
// still get an image.

import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateErrorBody } from '../../src/contract/validators.ts';
import { type MockServer, startMockServer } from '../../src/server/mock-server.ts';
import { KEY } from '../helpers.ts';
import { decodeBase64Image } from '../synth/decode.ts';

/** Short, so a dripping client is answered within the test's time. */
const REQUEST_TIMEOUT_MS = 1_500;
const MAX_BODY = 10 * 1024 * 1024;

let server: MockServer;
const mockErrors: unknown[] = [];
const logLines: string[] = [];
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  server = await startMockServer({
    port: 0,
    host: '127.0.0.1',
    unknownModels: 'generic',
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxBodyBytes: MAX_BODY,
    log: 'pretty',
    logLine: (line) => logLines.push(line),
    onError: (error) => mockErrors.push(error),
  });
});

afterAll(async () => {
  await server?.close();
});

afterEach(async () => {
  // The server is still up and serving; nothing it did counts as its own failure; no prototype
  // of this process (the server's) gained anything.
  await expectServing(server);
  expect(mockErrors.splice(0).map(String)).toEqual([]);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

// ── Clients ─────────────────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  /** Names in lower case. */
  headers: Record<string, string>;
  /** The head as it came, for what a parser would hide (an injected header line). */
  head: string;
  text: string;
}

const NORMAL = {
  model: 'black-forest-labs/flux.2-klein-4b',
  prompt: 'still serving',
  size: '64x64',
  output_format: 'png',
};

/** A normal request gets 200 with a 64x64 PNG. */
async function expectServing(target: MockServer): Promise<void> {
  const answer = await post(JSON.stringify(NORMAL), {}, target);
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  const image = (JSON.parse(answer.text) as { data: { b64_json: string }[] }).data[0];
  const decoded = decodeBase64Image(image?.b64_json ?? '', 'image/png');
  expect([decoded.width, decoded.height]).toEqual([64, 64]);
}

/** POST /images with fetch (bodies fetch can express). */
async function post(
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  target = server,
): Promise<Answer> {
  const response = await fetch(`${target.baseUrl}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: body as BodyInit,
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    head: '',
    text: await response.text(),
  };
}

/** The head of a POST /images with the key; `extra` lines end in CRLF. */
const postHead = (extra: string) =>
  `POST /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n${extra}\r\n`;

interface Exchange {
  answers: Answer[];
  /** Whether the server ended the connection. */
  closed: boolean;
  ms: number;
}

/**
 * A hand-written exchange on a fresh connection: `write` sends what fetch cannot (no length, a
 * drip, bytes that are not UTF-8); resolves once `answers` answers (framed by Content-Length) have
 * come and, with `untilClose`, the server has closed the connection; rejects after `timeoutMs`.
 */
function exchange(
  write: (socket: Socket) => void,
  options: { answers?: number; untilClose?: boolean; timeoutMs?: number } = {},
): Promise<Exchange> {
  const wanted = options.answers ?? 1;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => write(socket));
    let received = Buffer.alloc(0);
    let closed = false;
    const finish = () => {
      const answers = parseAnswers(received);
      if (answers.length >= wanted && (closed || !options.untilClose)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ answers, closed, ms: performance.now() - started });
      } else if (closed) {
        clearTimeout(timer);
        reject(
          new Error(`closed after ${answers.length} answers: ${received.toString('latin1').slice(0, 300)}`),
        );
      }
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in time: ${received.toString('latin1').slice(0, 300)}`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    // A reset after the answer (the server dropping the rest of an upload) is the connection handled.
    socket.on('error', () => {});
  });
}

/** The answers in `bytes`, each framed by its Content-Length (every answer here has one). */
function parseAnswers(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) return answers;
    const head = bytes.subarray(at, end).toString('latin1');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (bytes.length < end + 4 + length) return answers;
    const text = bytes.subarray(end + 4, end + 4 + length).toString('utf8');
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, head, text });
    at = end + 4 + length;
  }
}

interface ErrorBody {
  error: { code: number; message: string; metadata?: { violations?: { pointer: string; rule: string }[] } };
}

/** The answer is `status` in the service's error shape; returns its violations. */
function expectError(answer: Answer, status: number): { pointer: string; rule: string }[] {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  const body = JSON.parse(answer.text) as ErrorBody;
  expect(validateErrorBody(body)).toEqual([]);
  expect(body.error.code).toBe(status);
  return body.error.metadata?.violations ?? [];
}

const valid = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'black-forest-labs/flux.2-klein-4b', prompt: 'x', size: '64x64', ...fields });

// ── The attacks ─────────────────────────────────────────────────────────────────────────────────

describe('bodies that are not a request', () => {
  it.each([
    '[]',
    '"x"',
    'null',
    '1',
    'true',
    '',
    '{',
    '{"model":',
    '}{',
    '{"model":"a/b"}{"model":"c/d"}',
    '\u0000',
  ])('%j gets 400 naming the body', async (body) => {
    const violations = expectError(await post(body), 400);
    expect(violations.some((v) => v.pointer === '' || v.rule === 'required')).toBe(true);
  });

  it('bytes that are not UTF-8 are read as U+FFFD in strings, and refused outside them', async () => {
    const bad = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
    const inString = Buffer.concat([
      Buffer.from(valid().slice(0, -1)),
      Buffer.from(',"user":"'),
      bad,
      Buffer.from('"}'),
    ]);
    expect((await post(inString)).status).toBe(200);
    expect(server.mock.journal.list().at(-1)?.body).toMatchObject({ user: new TextDecoder().decode(bad) });
    expect(new TextDecoder().decode(bad)).toMatch(/^\ufffd+\(\ufffd+$/);
    const outside = Buffer.concat([Buffer.from('{"model":"openai/gpt-image-1",'), bad, Buffer.from(':1}')]);
    expect(expectError(await post(outside), 400).map((v) => v.rule)).toEqual(['json']);
    // And in a header: latin-1 bytes are a header's own, and echoed byte for byte (the CORS origin).
    const { answers } = await exchange((s) =>
      s.write(
        Buffer.concat([
          Buffer.from('GET /api/v1/images/models HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://a'),
          Buffer.from([0xff, 0xc3]),
          Buffer.from('\r\nConnection: close\r\n\r\n'),
        ]),
      ),
    );
    expect(answers[0]?.status).toBe(200);
    expect(answers[0]?.headers['access-control-allow-origin']).toBe('http://a\u00ff\u00c3');
  });
});

describe('nesting 100,000 levels deep', () => {
  const depth = 100_000;

  it.each([
    ['an array', `${'['.repeat(depth)}${']'.repeat(depth)}`, 400],
    ['an object', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, 400],
    ['a trace', valid().replace(/}$/, `,"trace":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`), 200],
    ['an unknown field', valid().replace(/}$/, `,"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`), 200],
  ])('%s: answered, and the journal still serializes', async (_, body, status) => {
    const answer = await post(body);
    if (status === 400) expectError(answer, 400);
    else expect(answer.status).toBe(200);
    const journal = await fetch(`${server.url}/__mock/requests`);
    expect(journal.status).toBe(200);
    const entries = ((await journal.json()) as { data: { body?: unknown }[] }).data;
    expect(entries.at(-1)?.body).toBeDefined();
  });
});

describe('bodies past the limit', () => {
  const huge = Buffer.alloc(MAX_BODY + 1024, 0x61);
  const next = 'GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

  it('with Content-Length: 413, the upload dropped, and the connection carries the next request', async () => {
    const result = await exchange(
      (s) => {
        s.write(postHead(`Content-Length: ${huge.length}\r\n`));
        s.write(huge, () => s.write(next));
      },
      { answers: 2 },
    );
    expectError(result.answers[0] as Answer, 413);
    expect(result.answers[1]?.status).toBe(200);
  });

  it('with Content-Length and no upload at all: 413 at once', async () => {
    const result = await exchange((s) => s.write(postHead(`Content-Length: ${MAX_BODY * 100}\r\n`)));
    expectError(result.answers[0] as Answer, 413);
    expect(result.ms).toBeLessThan(2_000);
  });

  it('chunked: 413 once the count passes the limit, and the connection carries the next request', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const result = await exchange(
      (s) => {
        s.write(postHead('Transfer-Encoding: chunked\r\n'));
        for (let i = 0; i < 11; i++)
          s.write(Buffer.concat([Buffer.from('100000\r\n'), chunk, Buffer.from('\r\n')]));
        s.write('0\r\n\r\n');
        s.write(next);
      },
      { answers: 2 },
    );
    expectError(result.answers[0] as Answer, 413);
    expect(result.answers[1]?.status).toBe(200);
  });

  it('chunked, never ending: 413, and the connection is closed within seconds', async () => {
    const result = await exchange(
      (s) => {
        s.write(postHead('Transfer-Encoding: chunked\r\n'));
        const chunk = `100000\r\n${'a'.repeat(1024 * 1024)}\r\n`;
        const pump = () => {
          while (!s.destroyed && s.write(chunk));
          if (!s.destroyed) s.once('drain', pump);
        };
        pump();
      },
      { untilClose: true, timeoutMs: 15_000 },
    );
    expectError(result.answers[0] as Answer, 413);
    expect(result.closed).toBe(true);
  });

  it('without Content-Length: no body, so its bytes are no request; 400 and the connection closed', async () => {
    const result = await exchange((s) => s.write(`${postHead('')}${huge.toString()}`), { untilClose: true });
    // The request itself (no body) and the bytes after it (not HTTP) are both refused; whichever
    // answer comes first, node:http's bare one for the bytes or the error shape for the request.
    const answer = result.answers[0] as Answer;
    expect(answer.status).toBe(400);
    if (answer.text) expectError(answer, 400);
    expect(result.closed).toBe(true);
  });
});

describe('a client that drips', () => {
  it('its body, or its head: 408 in the error shape once the request time is up, and the socket freed', async () => {
    const drip = (first: string, byte: string) => (s: Socket) => {
      s.write(first);
      const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write(byte)), 100);
      s.once('close', () => clearInterval(timer));
    };
    const [body, head] = await Promise.all([
      exchange(drip(postHead('Content-Length: 1000\r\n'), 'a'), { untilClose: true }),
      exchange(drip('POST /api/v1/images HTTP/1.1\r\n', 'X-Drip: 1\r\n'), { untilClose: true }),
    ]);
    for (const result of [body, head]) {
      expectError(result.answers[0] as Answer, 408);
      expect(result.closed).toBe(true);
      expect(result.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(result.ms).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
    }
  });
});

describe('keys that target prototypes', () => {
  // JSON text: in JSON `__proto__` is a key like any other; in an object literal it sets a prototype.
  it.each([
    ['top level', '"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}'],
    ['in provider', '"provider":{"__proto__":{"only":["nobody"]},"options":{"__proto__":{"polluted":3}}}'],
    ['in trace', '"trace":{"__proto__":{"polluted":4},"constructor":{"prototype":{"polluted":5}}}'],
    [
      'in a reference',
      '"input_references":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"},"__proto__":{"polluted":6}}]',
    ],
    ['in an unknown field', '"extra":{"a":{"__proto__":{"polluted":7}},"constructor":{"polluted":8}}'],
  ])('%s: served, nothing polluted, the journal keeps them as data', async (_, fields) => {
    const answer = await post(`${valid().slice(0, -1)},${fields}}`);
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    expect(Object.getPrototypeOf(server.mock.journal.list().at(-1)?.body)).toBe(Object.prototype);
    const journal = await fetch(`${server.url}/__mock/requests`);
    expect(journal.status).toBe(200);
    expect(await journal.text()).toContain('"__proto__":{"polluted"');
  });

  it('a request spelled inside __proto__ is no request', async () => {
    const violations = expectError(await post(`{"__proto__":${valid()}}`), 400);
    expect(violations.map((v) => v.pointer).sort()).toEqual(['/model', '/prompt']);
  });
});

describe('numbers past every range', () => {
  // Raw JSON text: 1e309 parses as Infinity, 2^53+1 rounds to 2^53, -0 is a zero.
  it.each([
    ['n', '1e309', 400],
    ['n', '-1e309', 400],
    ['n', '9007199254740993', 400],
    ['n', '-0', 400],
    ['n', '1e-400', 400],
    ['n', '1.0', 200],
    ['output_compression', '1e309', 400],
    ['output_compression', '9007199254740993', 400],
    ['output_compression', '-0', 200],
    ['seed', '1e309', 400],
    ['seed', '-1e309', 400],
    ['seed', '9007199254740993', 200],
    ['seed', '-9007199254740993', 200],
    ['seed', '-0', 200],
    ['seed', '1e300', 200],
  ])('%s: %s gets %i', async (field, number, status) => {
    const answer = await post(valid().replace(/}$/, `,"${field}":${number}}`));
    if (status === 200) expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    else expect(expectError(answer, 400).some((v) => v.pointer === `/${field}`)).toBe(true);
  });

  // Past 309 digits a side no longer fits a finite double.
  const digits = (n: number) => '9'.repeat(n);
  it.each([
    ['black-forest-labs/flux.2-klein-4b', '1 x 400 digits', `1x${digits(400)}`],
    ['black-forest-labs/flux.2-klein-4b', '400 digits x 400 digits', `${digits(400)}x${digits(400)}`],
    ['openai/gpt-image-2', '2^53+1 x 2^53+1', '9007199254740993x9007199254740993'],
    ['openai/gpt-image-1', '5000 digits x 1', `${digits(5000)}x1`],
    ['recraft/recraft-v4', '1 x 400 digits', `1x${digits(400)}`],
  ])('%s: size %s is fitted to the model (a 200), not a failure', async (model, _, size) => {
    const answer = await post(JSON.stringify({ model, prompt: 'x', size }));
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  });
});

describe('many and long references', () => {
  const reference = (url: string) => ({ type: 'image_url', image_url: { url } });

  it.each([
    ['valid', reference('https://x.test/a.png')],
    ['invalid', { type: 'nope', image_url: { url: 'ftp://x' } }],
  ])('10,000 %s references: 400 naming maxItems, within a second, in a small answer', async (_, item) => {
    const body = JSON.stringify({ ...NORMAL, input_references: Array.from({ length: 10_000 }, () => item) });
    const started = performance.now();
    const answer = await post(body);
    const ms = performance.now() - started;
    const violations = expectError(answer, 400);
    expect(violations).toContainEqual(
      expect.objectContaining({ pointer: '/input_references', rule: 'maxItems' }),
    );
    expect(ms).toBeLessThan(1_000);
    expect(answer.text.length).toBeLessThan(64 * 1024);
  });

  it('a data URL of megabytes within the limit is served, and the journal keeps only its start', async () => {
    const url = `data:image/png;base64,${'A'.repeat(MAX_BODY - 4096)}`;
    const answer = await post(JSON.stringify({ ...NORMAL, input_references: [reference(url)] }));
    expect(answer.status).toBe(200);
    const kept = server.mock.journal.list().at(-1)?.body as {
      input_references: { image_url: { url: string } }[];
    };
    const start = kept.input_references[0]?.image_url.url ?? '';
    expect(start.length).toBeLessThanOrEqual(64 * 1024 + 1);
    expect(url.startsWith(start.replace(/…$/, ''))).toBe(true);
    expect(start.length).toBeGreaterThan(1024);
  });

  it('a data URL of megabytes that breaks the pattern at its end: 400 naming it, quickly', async () => {
    const url = `data:image/png;base64,${'A'.repeat(8 * 1024 * 1024)}!`;
    const started = performance.now();
    const violations = expectError(
      await post(JSON.stringify({ ...NORMAL, input_references: [reference(url)] })),
      400,
    );
    expect(violations.map((v) => v.pointer)).toEqual(['/input_references/0/image_url/url']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a data URL past the body limit: 413', async () => {
    const url = `data:image/png;base64,${'A'.repeat(MAX_BODY)}`;
    expectError(await post(JSON.stringify({ ...NORMAL, input_references: [reference(url)] })), 413);
  });
});

describe('CR and LF where a value is echoed', () => {
  const injected = (answer: Answer) =>
    answer.head.split('\r\n').filter((line) => /^(x-evil|set-cookie)\b/i.test(line));

  it('a model id with CRLF: refused in the body, no header split', async () => {
    const model = 'openai/a\r\nX-Evil: 1\r\nSet-Cookie: a=b';
    const body = JSON.stringify({ model, prompt: 'x' });
    const { answers } = await exchange((s) =>
      s.write(`${postHead(`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n`)}${body}`),
    );
    const answer = answers[0] as Answer;
    expectError(answer, 400);
    expect(injected(answer)).toEqual([]);
    expect((JSON.parse(answer.text) as ErrorBody).error.message).toContain(model);
  });

  it.each(['openai/日本', 'openai/a\u0001b', 'openai/a\u007f', 'openai/%0D%0AX-Evil:1', 'openai/\ud800'])(
    'a generic model %j: served, its header percent-encoded',
    async (model) => {
      const body = JSON.stringify({ ...NORMAL, model });
      const { answers } = await exchange((s) =>
        s.write(`${postHead(`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n`)}${body}`),
      );
      const answer = answers[0] as Answer;
      expect(answer.status, answer.text.slice(0, 300)).toBe(200);
      expect(injected(answer)).toEqual([]);
      expect(answer.headers['x-mock-generic-model']).toMatch(/^[!-~]+$/);
      expect(decodeURIComponent(answer.headers['x-mock-generic-model'] ?? '')).toBe(
        model.replace(/[\ud800-\udfff]/g, '\ufffd'),
      );
    },
  );

  it.each([
    ['%0D%0AX-Evil:%201', 404],
    ['%01', 200],
    ['%E6%97%A5', 200],
    ['%E0%A4%A', 400],
    ['%ZZ', 400],
  ])('the endpoints route for openai/%s: %i, no header split', async (slug, status) => {
    const { answers } = await exchange((s) =>
      s.write(
        `GET /api/v1/images/models/openai/${slug}/endpoints HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      ),
    );
    const answer = answers[0] as Answer;
    expect(answer.status, answer.text.slice(0, 300)).toBe(status);
    if (status !== 200) expectError(answer, status);
    expect(injected(answer)).toEqual([]);
  });

  it.each([
    'Origin: http://a\nX-Evil: 1',
    'Origin: http://a\rX-Evil: 1',
    'Prefer: code=429\nX-Evil: 1',
    'Access-Control-Request-Headers: a\u0001b',
  ])('a header with %j: refused by the parser, never echoed', async (line) => {
    const result = await exchange(
      (s) =>
        s.write(
          `OPTIONS /api/v1/images HTTP/1.1\r\nHost: x\r\nAccess-Control-Request-Method: POST\r\n${line}\r\n\r\n`,
        ),
      { untilClose: true },
    );
    expect(result.answers[0]?.status).toBe(400);
    expect(injected(result.answers[0] as Answer)).toEqual([]);
  });

  it('the request log keeps one line per request', async () => {
    logLines.length = 0;
    await post(JSON.stringify({ model: 'openai/a\r\nfake log line', prompt: 'x' }));
    await post(JSON.stringify({ ...NORMAL, model: 'openai/b\nfake' }));
    expect(logLines).toHaveLength(2);
    for (const line of logLines) expect(line).not.toMatch(/[\r\n]/);
  });
});

describe('clients that go away', () => {
  it('300 connections cut mid-request: the server stays up', async () => {
    const body = valid();
    const halves = [
      'POST /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor',
      `${postHead(`Content-Length: ${body.length}\r\n`)}${body.slice(0, 10)}`,
      `${postHead('Transfer-Encoding: chunked\r\n')}5\r\n{"mod`,
      `${postHead(`Content-Length: ${body.length}\r\n`)}${body}`,
    ];
    await Promise.all(
      Array.from(
        { length: 300 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect(server.port, '127.0.0.1', () => {
              socket.write(halves[i % halves.length] as string);
              setTimeout(() => socket.destroy(), i % 2 === 0 ? 0 : 20);
            });
            socket.on('close', () => resolve());
            socket.on('error', () => {});
          }),
      ),
    );
  });
});

describe('a client that never reads a streamed answer', () => {
  it('the server holds a few frames, not the stream, and lets go when the client leaves', async () => {
    // Large images given by the scenario (no time spent synthesizing): 61 frames of 2.7 MB each.
    const image = { bytes: new Uint8Array(2 * 1024 * 1024).fill(7), mediaType: 'image/png' };
    const streaming = await startMockServer({
      port: 0,
      host: '127.0.0.1',
      scenario: { images: [image, image, image], partialImages: 60 },
      checkResponses: false,
      onError: (error) => mockErrors.push(error),
    });
    try {
      const body = JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'x', stream: true, n: 3 });
      const request = `${postHead(`Content-Length: ${body.length}\r\n`)}${body}`;
      const before = process.memoryUsage();
      const socket = connect(streaming.port, '127.0.0.1', () => socket.write(request));
      socket.pause();
      socket.on('error', () => {});
      let peak = before.rss;
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(Math.round((peak - before.rss) / 1e6), 'MB more while the client does not read').toBeLessThan(
        50,
      );
      // It was a large stream: read 100 MB of it, then leave in the middle.
      let read = 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        socket.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= 100e6) return;
          clearTimeout(timer);
          resolve();
        });
        socket.resume();
      });
      socket.destroy();
      expect(read).toBeGreaterThan(100e6);
      const health = await fetch(`${streaming.url}/__mock/health`);
      expect(health.status).toBe(200);
    } finally {
      await streaming.close();
    }
  });
});
