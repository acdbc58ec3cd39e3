// One redaction policy: a secret sent through any channel shows in no output of the server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, type MockServerOptions, startMockServer } from '../../src/server/index.ts';
import { startServe } from '../cli/spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-secrets-'));
const random = () => randomBytes(12).toString('hex');

// One secret per channel, so a leak names its channel. Those carried by a secret header's name are
// not key-shaped: only the name can tell they are secret.
const SECRETS = {
  authorization: `auth${random()}`,
  proxyAuthorization: `proxyauth${random()}`,
  xApiKey: `xapikey${random()}`,
  apiKey: `apikey${random()}`,
  cookie: `cookie${random()}`,
  bearerHeader: `bearer${random()}`,
  skOrHeader: `sk-or-v1-${random()}`,
  queryKey: `querykey${random()}`,
  queryApiKey: `queryapikey${random()}`,
  preferEcho: `sk-or-v1-${random()}`,
  upstreamSetCookie: `upcookie${random()}`,
  upstreamEcho: `sk-or-v1-${random()}`,
  // In the body: a key pasted into a prompt (PNG and SVG answers draw the prompt), a bearer
  // credential in a prompt, a key in a field whose 400 names the value.
  promptKey: `sk-or-v1-${random()}`,
  promptBearer: `bearer${random()}`,
  fieldEcho: `sk-or-v1-${random()}`,
};

const secretHeaders = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${SECRETS.authorization}`,
  'proxy-authorization': `Basic ${SECRETS.proxyAuthorization}`,
  'x-api-key': SECRETS.xApiKey,
  'api-key': SECRETS.apiKey,
  cookie: `session=${SECRETS.cookie}; theme=dark`,
  'x-forwarded-credential': `Bearer ${SECRETS.bearerHeader}`,
  'x-debug-note': `key in use: ${SECRETS.skOrHeader}`,
  'content-type': 'application/json',
  ...extra,
});
const query = `?key=${SECRETS.queryKey}&api_key=${SECRETS.queryApiKey}`;
const body = JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'a safe', size: '1024x1024' });

/** Every request a client might send: a good one, one whose 400 echoes a header, a GET, a replay miss. */
async function sendEverything(baseUrl: string): Promise<string[]> {
  const answers: string[] = [];
  const send = async (path: string, init: RequestInit) => {
    const response = await fetch(`${baseUrl}${path}`, init);
    answers.push(`${response.status} ${[...response.headers].join(' ')} ${await response.text()}`);
  };
  await send(`/images${query}`, { method: 'POST', headers: secretHeaders(), body });
  await send(`/images${query}`, {
    method: 'POST',
    headers: secretHeaders({ prefer: `scenario=stream-drop, after=${SECRETS.preferEcho}` }),
    body,
  });
  const secretPrompt = `a fox holding ${SECRETS.promptKey}, signed Bearer ${SECRETS.promptBearer}`;
  for (const model of ['openai/gpt-image-1', 'recraft/recraft-v3-svg'])
    await send(`/images${query}`, {
      method: 'POST',
      headers: secretHeaders(),
      body: JSON.stringify({ model, prompt: secretPrompt, size: '1024x1024' }),
    });
  await send(`/images${query}`, {
    method: 'POST',
    headers: secretHeaders(),
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'a fox', size: SECRETS.fieldEcho }),
  });
  await send(`/images/models${query}`, { headers: secretHeaders() });
  await send(`/images/nothing/here${query}`, { method: 'DELETE', headers: secretHeaders() });
  return answers;
}

/** A local upstream that sets a secret cookie and echoes a key in its errors (as a careless one might). */
let upstream: Server;
let upstreamUrl = '';
beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('set-cookie', `upstream=${SECRETS.upstreamSetCookie}; HttpOnly`);
      res.setHeader('x-upstream-token', `Bearer ${SECRETS.upstreamEcho}`);
      res.setHeader('content-type', 'application/json');
      res.statusCode = 401;
      res.end(JSON.stringify({ error: { code: 401, message: `key ${SECRETS.upstreamEcho} is not valid` } }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/api/v1`;
});
afterAll(() => upstream.close());

/** Everything a server put out: log lines, reported errors, the journal, the recording, the gallery. */
interface Outputs {
  log: string[];
  errors: string[];
  journal: string;
  recording: string;
  answers: string[];
  gallery: string;
}

/** The gallery's page, each request's detail, and every image it keeps (as text: SVG labels are). */
async function galleryText(origin: string, journal: string): Promise<string> {
  const ids = (JSON.parse(journal) as { data: { id: number }[] }).data.map((entry) => entry.id);
  const parts = [await (await fetch(`${origin}/__mock/`)).text()];
  for (const id of ids) {
    parts.push(await (await fetch(`${origin}/__mock/requests/${id}`)).text());
    const image = await fetch(`${origin}/__mock/requests/${id}/images/0`);
    parts.push(image.ok ? Buffer.from(await image.arrayBuffer()).toString('latin1') : '');
  }
  return parts.join('\n');
}

async function exercise(options: MockServerOptions & { record: string }): Promise<Outputs> {
  const log: string[] = [];
  const errors: string[] = [];
  const server: MockServer = await startMockServer({
    port: 0,
    logLine: (line) => log.push(line),
    onError: (error) => errors.push(String(error)),
    ...options,
  });
  let answers: string[];
  let journal: string;
  let gallery: string;
  try {
    answers = await sendEverything(server.baseUrl);
    await new Promise((r) => setTimeout(r, 50)); // recordings are written once bodies end
    journal = await (await fetch(`${server.url}/__mock/requests`)).text();
    gallery = await galleryText(server.url, journal);
  } finally {
    await server.close();
  }
  return { log, errors, journal, recording: readFileSync(options.record, 'utf8'), answers, gallery };
}

/** `text` with every base64 image in it decoded beside it (an SVG's label is text inside). */
const withImages = (text: string) =>
  [
    text,
    ...[...text.matchAll(/"b64_json":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) =>
      Buffer.from(m[1] as string, 'base64').toString('latin1'),
    ),
  ].join('\n');

/** The secrets found in `text` (or in an image it carries), by channel. */
const leaks = (text: string) => {
  const all = withImages(text);
  return Object.entries(SECRETS)
    .filter(([, secret]) => all.includes(secret))
    .map(([channel]) => channel);
};

describe('one redaction policy: a secret sent through any channel shows in no output', () => {
  const modes: [string, () => MockServerOptions & { record: string }][] = [
    ['mock, pretty log, HAR', () => ({ log: 'pretty', record: join(dir, 'mock.har') })],
    ['mock, json log, JSONL', () => ({ log: 'json', record: join(dir, 'mock.jsonl') })],
    ['proxy, pretty log, HAR', () => ({ log: 'pretty', proxy: upstreamUrl, record: join(dir, 'proxy.har') })],
    ['proxy, json log, JSONL', () => ({ log: 'json', proxy: upstreamUrl, record: join(dir, 'proxy.jsonl') })],
    // Replays the first recording: a request it does not hold gets a 404 naming the path it asked for.
    [
      'replay, json log, JSONL',
      () => ({ log: 'json', replay: join(dir, 'mock.har'), record: join(dir, 'replay.jsonl') }),
    ],
  ];
  for (const [name, options] of modes) {
    it(name, async () => {
      const out = await exercise(options());
      expect(out.log.length).toBeGreaterThan(0);
      expect(leaks(out.log.join('\n')), 'log').toEqual([]);
      expect(leaks(out.errors.join('\n')), 'reported errors').toEqual([]);
      expect(leaks(out.journal), 'journal').toEqual([]);
      expect(leaks(out.recording), 'recording').toEqual([]);
      expect(leaks(out.gallery), 'gallery').toEqual([]);
      // The mock's own answers (errors echoing a header or the URL) keep no secret either; a proxy
      // passes the upstream's answer on untouched, so there the client sees what the upstream sent.
      if (!options().proxy) expect(leaks(out.answers.join('\n')), 'answers').toEqual([]);
      // What was redacted still says what it was.
      expect(out.recording).toContain('[REDACTED]');
      if (!options().proxy) {
        expect(out.journal).toContain(`Bearer …${SECRETS.authorization.slice(-4)}`);
        // The prompt is kept, the key in it is not; the SVG draws the prompt with the key replaced.
        expect(out.journal).toContain('a fox holding [REDACTED], signed Bearer [REDACTED]');
        expect(withImages(out.answers.join('\n'))).toContain('[REDACTED]');
      }
    });
  }

  it('the CLI: stdout and stderr of serve --proxy --record --log json', async () => {
    const record = join(dir, 'cli.jsonl');
    const cli = await startServe(['--proxy', upstreamUrl, '--record', record, '--log', 'json']);
    let journal = '';
    try {
      await sendEverything(cli.baseUrl);
      journal = await (await fetch(`${new URL(cli.baseUrl).origin}/__mock/requests`)).text();
    } finally {
      await cli.stop();
    }
    expect(cli.output()).toContain('"status":401');
    expect(leaks(cli.output()), 'CLI output').toEqual([]);
    expect(leaks(journal), 'journal').toEqual([]);
    expect(leaks(readFileSync(record, 'utf8')), 'recording').toEqual([]);
  });
});
