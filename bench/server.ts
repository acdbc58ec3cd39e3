/**
 * Server benchmark: drives the standalone mock server over loopback with autocannon and puts
 * each scenario beside a bare node:http server answering the same bytes, measured in the same
 * run, one right after the other. Then a soak run of mixed requests reports the server's memory.
 *
 *   npm run bench:server                      # 10 s per measurement, 60 s soak, 64 connections
 *   npm run bench:server -- --quick           # 3 s per measurement, 10 s soak
 *   npm run bench:server -- --only png-1k-fresh --cpu-prof   # profile the mock server process
 *
 * Flags: --duration <s> (per measurement), --slice <s> (bare and mock take turns in slices this
 * long, default 1), --soak <s> (0 skips it), --connections <n>,
 * --only <name,…|soak>, --cpu-prof (a .cpuprofile of the mock server; read it with
 * bench/server/profile-summary.ts), --json <file>, --mock-node-options "<flags>" (e.g. V8 heap
 * flags), --cli <path> (another build's dist/cli/main.js, for A/B runs).
 * The mock under test is the built CLI, `dist/cli/main.js serve`, as users run it (npm run bench
 * builds first); the baseline is bench/server/bare.ts. Each runs in its own process: the load
 * generator in this process takes one core, the server under test the other. All on 127.0.0.1.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { gitDescription, table } from './report.ts';
import type { FromBare, ToBare } from './server/bare.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    duration: { type: 'string' },
    soak: { type: 'string' },
    connections: { type: 'string' },
    slice: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    json: { type: 'string' },
    'mock-node-options': { type: 'string' },
    cli: { type: 'string' },
  },
});
const DURATION = Number(flags.duration ?? (flags.quick ? 3 : 10));
const SOAK = Number(flags.soak ?? (flags.quick ? 10 : 60));
const CONNECTIONS = Number(flags.connections ?? 64);
/** Seconds per slice of the side-by-side measurement (see measurePair). */
const SLICE = Number(flags.slice ?? 1);
const WARMUP = flags.quick ? 1 : 2;
const RSS_LIMIT_MB = 150;

const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

type Target = { kind: 'ratio'; min: number } | { kind: 'rps'; min: number };

interface Scenario {
  name: string;
  label: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** A new prompt on every request: nothing can come from a cache. */
  fresh?: boolean;
  expect: { status: number; contentType: string; width?: number; events?: number };
  target?: Target;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'error-400',
    label: '400 validation error',
    body: { model: 'openai/gpt-image-1', prompt: 'a fox', n: 99 },
    expect: { status: 400, contentType: 'application/json' },
    target: { kind: 'ratio', min: 0.5 },
  },
  {
    name: 'png-512',
    label: '512² PNG, same request',
    body: { model: 'google/gemini-3.1-flash-image', prompt: 'a fox', resolution: '512' },
    expect: { status: 200, contentType: 'application/json', width: 512 },
  },
  {
    name: 'png-1k',
    label: '1K PNG, same request',
    body: { model: 'google/gemini-3.1-flash-image', prompt: 'a fox', resolution: '1K' },
    expect: { status: 200, contentType: 'application/json', width: 1024 },
    target: { kind: 'ratio', min: 0.25 },
  },
  {
    name: 'png-1k-fresh',
    label: '1K PNG, new prompt each',
    body: { model: 'google/gemini-3.1-flash-image', prompt: 'a fox', resolution: '1K' },
    fresh: true,
    expect: { status: 200, contentType: 'application/json', width: 1024 },
    target: { kind: 'rps', min: 1000 },
  },
  {
    name: 'svg',
    label: 'SVG, same request',
    body: { model: 'recraft/recraft-v3-svg', prompt: 'a fox' },
    expect: { status: 200, contentType: 'application/json' },
  },
  {
    name: 'stream-5',
    label: 'stream, 5 events (1K PNGs)',
    body: { model: 'openai/gpt-image-1', prompt: 'a fox', size: '1024x1024', stream: true },
    // 4 partial images + the completed one, then [DONE].
    headers: { prefer: 'partial-images=4' },
    expect: { status: 200, contentType: 'text/event-stream', events: 5 },
  },
];

/** What bench/server/memory-probe.mjs reports from inside the mock server. */
interface MemoryReport {
  type: 'memory';
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Bytes V8 holds per heap space (new_space, old_space, …): where heapTotal goes. */
  spaces: Record<string, number>;
}

interface Child {
  process: ChildProcess;
  origin: string;
  stop(): Promise<void>;
}

interface MockChild extends Child {
  memory(gc?: boolean): Promise<MemoryReport>;
}

interface BareChild extends Child {
  send(message: ToBare): void;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
  });
}

/**
 * The mock as users run it: the built CLI, `openrouter-images-mock serve`, in its own process
 * (no request log), with a preloaded probe that reports its memory over IPC.
 */
function startMock(cli: string, execArgv: string[]): Promise<MockChild> {
  const child = fork(cli, ['serve', '--port', '0', '--host', '127.0.0.1', '--quiet'], {
    execArgv: ['--import', new URL('./server/memory-probe.mjs', import.meta.url).href, ...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mock server exited (${code}) before it was ready`)));
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const origin = /listening at (http:\/\/[^/\s]+)/.exec(out)?.[1];
      if (origin === undefined) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      child.removeAllListeners('exit');
      resolve({
        process: child,
        origin,
        memory: (gc = false) =>
          new Promise((done) => {
            const onMessage = (reply: MemoryReport) => {
              if (reply.type !== 'memory') return;
              child.off('message', onMessage);
              done(reply);
            };
            child.on('message', onMessage);
            child.send({ type: 'memory', gc });
          }),
        // SIGTERM: `serve` closes gracefully and exits normally, so --cpu-prof writes its profile.
        stop: () => {
          const done = exited(child);
          child.kill('SIGTERM');
          return done;
        },
      });
    };
    child.stdout?.on('data', onData);
  });
}

/** The baseline: bench/server/bare.ts in its own process. */
function startBare(): Promise<BareChild> {
  const child = fork(new URL('./server/bare.ts', import.meta.url), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bare server exited (${code}) before it was ready`)));
    child.once('message', (message: FromBare) => {
      child.removeAllListeners('exit');
      resolve({
        process: child,
        origin: message.origin,
        send: (m) => child.send(m),
        stop: () => {
          const done = exited(child);
          child.send({ type: 'stop' });
          return done;
        },
      });
    });
  });
}

let prompts = 0;
/** Gives every request of a fresh scenario a prompt no earlier request had. */
const freshRequest = (body: Record<string, unknown>) => (request: autocannon.Request) => {
  prompts += 1;
  return { ...request, body: JSON.stringify({ ...body, prompt: `${body.prompt} #${prompts}` }) };
};

/** Sends one request and checks it is the answer the scenario is about; returns its bytes. */
async function probe(origin: string, scenario: Scenario): Promise<{ contentType: string; body: Uint8Array }> {
  const response = await fetch(`${origin}/api/v1/images`, {
    method: 'POST',
    headers: { ...HEADERS, ...scenario.headers },
    body: JSON.stringify(scenario.body),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  const contentType = response.headers.get('content-type') ?? '';
  const fail = (why: string) => {
    throw new Error(`scenario ${scenario.name}: ${why}`);
  };
  if (response.status !== scenario.expect.status) fail(`status ${response.status}`);
  if (!contentType.startsWith(scenario.expect.contentType)) fail(`content-type ${contentType}`);
  const text = new TextDecoder().decode(body);
  if (scenario.expect.width !== undefined) {
    const png = Buffer.from(
      (JSON.parse(text) as { data: { b64_json: string }[] }).data[0]?.b64_json ?? '',
      'base64',
    );
    // IHDR: width and height are the big-endian words at bytes 16 and 20.
    if (png.readUInt32BE(16) !== scenario.expect.width) fail(`width ${png.readUInt32BE(16)}`);
  }
  if (scenario.expect.events !== undefined) {
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: '));
    if (frames.at(-1) !== 'data: [DONE]') fail('stream does not end with [DONE]');
    if (frames.length - 1 !== scenario.expect.events) fail(`${frames.length - 1} events`);
  }
  return { contentType, body };
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors, timeouts and answers with another status than expected. */
  errors: number;
  statuses: Record<string, number>;
}

async function measure(
  url: string,
  scenario: Partial<Pick<Scenario, 'body' | 'headers' | 'fresh'>>,
  duration: number,
  expected: readonly number[],
  requests?: autocannon.Request[],
): Promise<Measured> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { ...HEADERS, ...scenario.headers },
    body: scenario.body && JSON.stringify(scenario.body),
    connections: CONNECTIONS,
    duration,
    requests:
      requests ??
      (scenario.fresh && scenario.body ? [{ setupRequest: freshRequest(scenario.body) }] : undefined),
  });
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  for (const [code, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = Number(count);
    if (!expected.includes(Number(code))) unexpected += Number(count);
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.mismatches + unexpected,
    statuses,
  };
}

/** The middle value (the upper one of an even count). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Bare and mock measured side by side: `duration` seconds each, in one-second slices taken in
 * turn (bare, mock, mock, bare, …). On a shared machine a burst of other work then lands on both
 * rather than on whichever happened to run during it, so the ratio is the servers', not the
 * neighbours'. Requests per second are totals over all slices; p50 and p99 the slices' medians.
 */
async function measurePair(
  bareUrl: string,
  mockUrl: string,
  scenario: Partial<Pick<Scenario, 'body' | 'headers' | 'fresh'>>,
  duration: number,
  expected: readonly number[],
): Promise<{ bare: Measured; mock: Measured; slices: number }> {
  const slices = Math.max(1, Math.round(duration / SLICE));
  const runs: { bare: Measured[]; mock: Measured[] } = { bare: [], mock: [] };
  for (let i = 0; i < slices; i++) {
    const order: ('bare' | 'mock')[] = i % 2 === 0 ? ['bare', 'mock'] : ['mock', 'bare'];
    for (const side of order)
      runs[side].push(
        await measure(side === 'bare' ? bareUrl : mockUrl, scenario, duration / slices, expected),
      );
  }
  const combine = (list: Measured[]): Measured => {
    const statuses: Record<string, number> = {};
    for (const run of list)
      for (const [code, count] of Object.entries(run.statuses))
        statuses[code] = (statuses[code] ?? 0) + count;
    const requests = list.reduce((sum, run) => sum + run.requests, 0);
    return {
      rps: requests / duration,
      p50: median(list.map((run) => run.p50)),
      p99: median(list.map((run) => run.p99)),
      requests,
      errors: list.reduce((sum, run) => sum + run.errors, 0),
      statuses,
    };
  };
  return { bare: combine(runs.bare), mock: combine(runs.mock), slices };
}

const number = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function verdict(target: Target | undefined, rps: number, ratio: number): string {
  if (!target) return '';
  if (target.kind === 'ratio') {
    return `${ratio >= target.min ? 'met' : 'MISSED'} (>= ${target.min * 100}% of bare)`;
  }
  return `${rps >= target.min ? 'met' : 'MISSED'} (>= ${number(target.min)} req/s)`;
}

async function main(): Promise<void> {
  // `--only soak` runs the soak alone.
  const only = flags.only?.split(',');
  const selected = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const unknown = only?.filter((name) => name !== 'soak' && !SCENARIOS.some((s) => s.name === name));
  if (unknown?.length) throw new Error(`--only: no scenario named ${unknown.join(', ')}`);
  const profileDir = flags['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'orim-bench-prof-')) : undefined;
  const cli = resolve(flags.cli ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)));
  if (!existsSync(cli))
    throw new Error(`no built CLI at ${cli}: run npm run build first (npm run bench does)`);
  const mockArgs = [
    '--expose-gc',
    ...(flags['mock-node-options']?.split(/\s+/).filter(Boolean) ?? []),
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
  ];
  let mock = await startMock(cli, mockArgs);
  const bare = await startBare();
  const stopAll = () => Promise.all([mock.stop(), bare.stop()]);
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));

  console.log(
    `server benchmark: node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `${CONNECTIONS} connections, ${DURATION} s per measurement in 1 s slices taken in turn with bare's (after ${WARMUP} s warm-up), git ${gitDescription()}`,
  );
  const idle = await mock.memory();
  console.log('bare = node:http answering the same bytes as the mock, from a fixed buffer');
  console.log(`mock server RSS at start, idle: ${mb(idle.rss)}\n`);

  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const scenario of selected) {
    const answer = await probe(mock.origin, scenario);
    const barePath = `/bare/${scenario.name}`;
    bare.send({
      type: 'fixed',
      path: barePath,
      status: scenario.expect.status,
      contentType: answer.contentType,
      body: answer.body,
    });
    const expected = [scenario.expect.status];
    const mockUrl = `${mock.origin}/api/v1/images`;
    await measure(mockUrl, scenario, WARMUP, expected);
    const pair = await measurePair(`${bare.origin}${barePath}`, mockUrl, scenario, DURATION, expected);
    const [baseline, run] = [pair.bare, pair.mock];
    const ratio = run.rps / baseline.rps;
    const memory = await mock.memory();
    const live = await mock.memory(true);
    rows.push([
      scenario.label,
      `${(answer.body.byteLength / 1024).toFixed(1)} KB`,
      number(baseline.rps),
      `${ms(baseline.p50)}/${ms(baseline.p99)}`,
      number(run.rps),
      ms(run.p50),
      ms(run.p99),
      String(run.errors + baseline.errors),
      `${(ratio * 100).toFixed(1)}%`,
      mb(memory.rss),
      verdict(scenario.target, run.rps, ratio),
    ]);
    results.push({
      scenario: scenario.name,
      bytes: answer.body.byteLength,
      bare: baseline,
      mock: run,
      ratio,
      mockMemory: memory,
      mockMemoryAfterGc: live,
    });
    process.stdout.write(`  measured ${scenario.name}\n`);
  }
  if (rows.length > 0)
    console.log(
      `\n${table(
        [
          'scenario',
          'answer',
          'bare req/s',
          'bare p50/p99 ms',
          'mock req/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'mock/bare',
          'mock RSS',
          'target',
        ],
        rows,
      )}\n`,
    );

  let soak: Record<string, unknown> | undefined;
  if (SOAK > 0 && (!only || only.includes('soak'))) {
    // Every kind of request in turn, each with a new prompt, so caches cannot hide a leak.
    const mix = SCENARIOS.map((s) => ({
      method: 'POST' as const,
      headers: { ...HEADERS, ...s.headers },
      setupRequest: freshRequest(s.body),
    }));
    // A server started for the soak, as a user starts one: the figure is what 60 s of traffic
    // leaves in a fresh `serve`, not what the measurements above left behind.
    if (rows.length > 0) {
      await mock.stop();
      mock = await startMock(cli, mockArgs);
    }
    const before = await mock.memory();
    let peak = before.rss;
    const sampler = setInterval(() => {
      mock.memory().then((m) => {
        peak = Math.max(peak, m.rss);
      });
    }, 1000);
    const run = await measure(`${mock.origin}/api/v1/images`, {}, SOAK, [200, 400], mix);
    clearInterval(sampler);
    const after = await mock.memory();
    peak = Math.max(peak, after.rss);
    soak = { seconds: SOAK, connections: CONNECTIONS, before, after, peakRss: peak, run };
    console.log(
      `soak (a fresh server): ${SOAK} s at ${CONNECTIONS} connections, mixed requests (all ${SCENARIOS.length} kinds, new prompt each): ` +
        `${number(run.requests)} requests, ${number(run.rps)} req/s, p50 ${ms(run.p50)} ms, p99 ${ms(run.p99)} ms, ` +
        `${run.errors} errors (statuses ${JSON.stringify(run.statuses)})`,
    );
    console.log(
      `mock server RSS: ${mb(before.rss)} before, ${mb(peak)} peak, ${mb(after.rss)} after ` +
        `(V8 heap ${mb(after.heapUsed)} used of ${mb(after.heapTotal)}, array buffers ${mb(after.arrayBuffers)}): ` +
        `${after.rss < RSS_LIMIT_MB * 1024 * 1024 && run.errors === 0 ? 'met' : 'MISSED'} ` +
        `(< ${RSS_LIMIT_MB} MB, no errors)`,
    );
  }

  await stopAll();
  if (profileDir) console.log(`\nCPU profile of the mock server: ${profileDir}`);
  if (flags.json) {
    writeFileSync(
      flags.json,
      JSON.stringify(
        { node: process.version, connections: CONNECTIONS, duration: DURATION, results, soak },
        null,
        2,
      ),
    );
  }
}

await main();
