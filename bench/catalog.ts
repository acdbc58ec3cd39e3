/**
 * Catalog-size benchmark: does a bigger default catalog slow anything a user feels? Measures, in
 * one run, the built package with
 *   A  the six models of before (bench/catalog/six-models.json),
 *   B  the package's current default catalog (dist/models/default-catalog.json as built),
 *   C  when B has fewer than 30 models: a synthetic 5x catalog, B's models plus clones of them
 *      under new ids (acme-1/<slug> … acme-4/<slug>), so the 5x case is measured before it ships,
 * and reports medians and the ratio to A against the budget of the issue: within 10 % of A
 * (times: ratio <= 1.10; throughput: ratio >= 0.90).
 *
 *   npm run bench:catalog                   # 15 import spawns, 10 serve spawns, 3 rounds of 5 s loads
 *   npm run bench:catalog -- --quick        # 5 spawns, 4 serve spawns, 2 rounds of 2 s loads
 *
 * Flags: --quick, --duration <s> (per load), --rounds <n> (load rounds), --connections <n>
 * (default 32), --json <file>. Exits 0 whatever the verdict: the machine is shared and noisy.
 *
 * The default catalog is part of the import (catalog.ts imports the JSON), so each variant is a
 * whole package: A and C are copies of dist/ in a temporary directory with their catalog written
 * over dist/models/default-catalog.json (tsc with resolveJsonModule copies the JSON there), next
 * to symlinks to this checkout's package.json, openapi/ and node_modules/. Every variant runs the
 * same code by the same path; only the catalog differs. B is dist/ itself.
 *
 * Measured, interleaved A, B, C within each round (the order rotates from round to round):
 *  1. import: a fresh `node` imports dist/index.js; performance.now() around the dynamic import,
 *     inside the child, after process start-up.
 *  2. createImageHandlers(): in the same child, right after the import: the first call (what a
 *     user feels: it builds the Catalog, completing and validating every model, and compiles the
 *     contract's validators), then the steady state (median of 200 calls after 50 of warm-up).
 *  3. serve start-up: spawn `dist/cli/main.js serve --port 0 --quiet` until GET /__mock/health
 *     answers 200 (the request goes out as soon as the CLI prints its "listening at" line).
 *  4. the 400 path: one `serve` per variant, autocannon over 127.0.0.1 POSTing bodies the mock
 *     refuses: one the request schema refuses, one a model's own rules refuse, an unknown model.
 *     The per-model lookups are where a bigger catalog could cost.
 * bench/catalog/six-models.json has `replaceDefaults: true`, so it also loads on its own with
 * `serve --catalog bench/catalog/six-models.json` or as `{ models, replaceDefaults }`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { gitDescription, table } from './report.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    json: { type: 'string' },
  },
});
const IMPORT_SPAWNS = flags.quick ? 5 : 15;
const SERVE_SPAWNS = flags.quick ? 4 : 10;
const DURATION = Number(flags.duration ?? (flags.quick ? 2 : 5));
const ROUNDS = Number(flags.rounds ?? (flags.quick ? 2 : 3));
const CONNECTIONS = Number(flags.connections ?? 32);
const WARMUP = flags.quick ? 1 : 2;
/** Within 10 % of the six-model catalog. */
const BUDGET = 0.1;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000';
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/** Bodies the mock answers with 400, each refused by another rule. */
const REFUSALS = [
  {
    name: 'schema',
    label: '400 req/s, schema (n: 11)',
    body: { model: 'openai/gpt-image-1', prompt: 'x', n: 11 },
  },
  {
    name: 'model-rule',
    label: '400 req/s, model rule (n: 2, Gemini 2.5)',
    body: { model: 'google/gemini-2.5-flash-image', prompt: 'x', n: 2 },
  },
  {
    name: 'unknown-model',
    label: '400 req/s, unknown model',
    body: { model: 'acme-404/no-such-model', prompt: 'x' },
  },
] as const;

interface CatalogJson {
  $comment?: string;
  replaceDefaults?: boolean;
  models: { id: string; name: string }[];
}

interface Variant {
  key: 'A' | 'B' | 'C';
  label: string;
  models: number;
  /** The package root: dist/ lives under it. */
  root: string;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
};

/** B's models, then clones of them under acme-1/… to acme-(times-1)/…: `times` × as many. */
function multiplied(catalog: CatalogJson, times: number): CatalogJson {
  const clones = [];
  for (let k = 1; k < times; k++) {
    for (const model of catalog.models) {
      const slug = model.id.split('/')[1];
      clones.push({ ...structuredClone(model), id: `acme-${k}/${slug}`, name: `Acme ${k}: ${model.name}` });
    }
  }
  return {
    $comment: `Synthetic: the default catalog and ${times - 1} clones of it under new ids (bench/catalog.ts).`,
    models: [...catalog.models, ...clones],
  };
}

/** A copy of the built package with `catalog` as its default catalog. */
function packageWith(dir: string, catalog: CatalogJson): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  // What catalog.ts reads is `models`; replaceDefaults means nothing in the default catalog.
  const { replaceDefaults: _, ...file } = catalog;
  writeFileSync(join(dir, 'dist/models/default-catalog.json'), `${JSON.stringify(file, null, 2)}\n`);
  for (const name of ['package.json', 'openapi', 'node_modules'])
    symlinkSync(join(ROOT, name), join(dir, name));
  return dir;
}

/** Stops the child and waits for its exit. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

// --- 1 and 2: import and createImageHandlers(), in a fresh process per sample ------------------

interface ImportSample {
  import: number;
  first: number;
  steady: number;
  models: number;
}

/** Runs inside the child: `ORIM_BENCH_INDEX` is the file URL of the variant's dist/index.js. */
const IMPORT_CHILD = `
const t0 = performance.now();
const pkg = await import(process.env.ORIM_BENCH_INDEX);
const t1 = performance.now();
pkg.createImageHandlers();
const t2 = performance.now();
for (let i = 0; i < 50; i++) pkg.createImageHandlers();
const times = [];
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  pkg.createImageHandlers();
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const steady = (times[99] + times[100]) / 2;
const models = pkg.createImagesMock ? pkg.createImagesMock().catalog.list().length : -1;
process.stdout.write(JSON.stringify({ import: t1 - t0, first: t2 - t1, steady, models }));
`;

function importSample(variant: Variant): ImportSample {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_CHILD], {
    env: { ...process.env, ORIM_BENCH_INDEX: pathToFileURL(join(variant.root, 'dist/index.js')).href },
    encoding: 'utf8',
  });
  return JSON.parse(out) as ImportSample;
}

// --- 3 and 4: serve ------------------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  origin: string;
  /** ms from spawn to the first 200 from GET /__mock/health. */
  startup: number;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function post(url: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: HEADERS, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function startServe(variant: Variant): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(variant.root, 'dist/cli/main.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`serve (${variant.key}) exited (${code}) before it was ready`)),
    );
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const origin = /listening at (http:\/\/[^/\s]+)/.exec(out)?.[1];
      if (origin === undefined) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const poll = (): void => {
        get(`${origin}/__mock/health`).then(
          ({ status }) => {
            if (status !== 200) return void setTimeout(poll, 2);
            child.removeAllListeners('exit');
            resolve({ child, origin, startup: performance.now() - t0 });
          },
          () => void setTimeout(poll, 2),
        );
      };
      poll();
    };
    child.stdout?.on('data', onData);
  });
}

async function load(
  origin: string,
  body: unknown,
  duration: number,
): Promise<{ rps: number; errors: number }> {
  const result = await autocannon({
    url: `${origin}/api/v1/images`,
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
    connections: CONNECTIONS,
    duration,
  });
  let unexpected = 0;
  for (const [code, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    if (code !== '400') unexpected += Number(count);
  }
  return { rps: result.requests.average, errors: result.errors + result.timeouts + unexpected };
}

// --- report --------------------------------------------------------------------------------------

interface Row {
  name: string;
  label: string;
  kind: 'time' | 'rate';
  samples: Partial<Record<Variant['key'], number[]>>;
}

const format = (kind: Row['kind'], n: number) =>
  kind === 'rate'
    ? Math.round(n).toLocaleString('en-US')
    : n < 10
      ? `${n.toFixed(2)} ms`
      : `${n.toFixed(1)} ms`;

function within(kind: Row['kind'], ratio: number): boolean {
  return kind === 'time' ? ratio <= 1 + BUDGET : ratio >= 1 - BUDGET;
}

/** The variants in round `round`'s order: A B C, then B C A, then C A B, … */
const rotated = <T>(items: readonly T[], round: number): T[] => {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
};

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    throw new Error('no built package in dist/: run npm run build first (npm run bench:catalog does)');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'orim-bench-catalog-'));
  const servers: ChildProcess[] = [];
  const cleanup = async () => {
    await Promise.all(servers.map(stop));
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const six = readJson<CatalogJson>(join(ROOT, 'bench/catalog/six-models.json'));
    const current = readJson<CatalogJson>(join(ROOT, 'dist/models/default-catalog.json'));
    const variants: Variant[] = [
      {
        key: 'A',
        label: 'six models (before)',
        models: six.models.length,
        root: packageWith(join(tmp, 'A'), six),
      },
      { key: 'B', label: 'default catalog', models: current.models.length, root: ROOT },
    ];
    if (current.models.length < 30) {
      const big = multiplied(current, 5);
      // The catalog file on its own too, for a look or `serve --catalog` (it holds the defaults).
      writeFileSync(join(tmp, 'catalog-5x.json'), JSON.stringify({ ...big, replaceDefaults: true }));
      variants.push({
        key: 'C',
        label: 'synthetic 5x',
        models: big.models.length,
        root: packageWith(join(tmp, 'C'), big),
      });
    }

    console.log(
      `catalog benchmark: node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}, ` +
        `git ${gitDescription()}`,
    );
    for (const v of variants) console.log(`  ${v.key}: ${v.label}, ${v.models} models`);
    console.log(
      `  ${IMPORT_SPAWNS} import spawns, ${SERVE_SPAWNS} serve spawns, ${ROUNDS} rounds × ${DURATION} s of ` +
        `400s at ${CONNECTIONS} connections per body; A/B/C interleaved, order rotated per round\n`,
    );

    const rows: Row[] = [
      { name: 'import', label: 'import dist/index.js', kind: 'time', samples: {} },
      { name: 'handlers-first', label: 'createImageHandlers(), 1st call', kind: 'time', samples: {} },
      { name: 'handlers-steady', label: 'createImageHandlers(), steady', kind: 'time', samples: {} },
      { name: 'serve-startup', label: 'serve: spawn → health 200', kind: 'time', samples: {} },
      ...REFUSALS.map((r) => ({ name: r.name, label: r.label, kind: 'rate' as const, samples: {} })),
    ];
    const add = (name: string, key: Variant['key'], value: number) => {
      const row = rows.find((r) => r.name === name);
      if (!row) throw new Error(`no row ${name}`);
      const samples = row.samples[key] ?? [];
      samples.push(value);
      row.samples[key] = samples;
    };

    // A round of each, discarded: page cache, the loader's first fetch of every file.
    for (const v of variants) {
      const sample = importSample(v);
      if (sample.models !== v.models)
        throw new Error(`${v.key}: ${sample.models} models, expected ${v.models}`);
      await stop((await startServe(v)).child);
    }

    for (let i = 0; i < IMPORT_SPAWNS; i++) {
      for (const v of rotated(variants, i)) {
        const sample = importSample(v);
        add('import', v.key, sample.import);
        add('handlers-first', v.key, sample.first);
        add('handlers-steady', v.key, sample.steady);
      }
    }
    process.stdout.write('  measured import and createImageHandlers()\n');

    for (let i = 0; i < SERVE_SPAWNS; i++) {
      for (const v of rotated(variants, i)) {
        const server = await startServe(v);
        add('serve-startup', v.key, server.startup);
        await stop(server.child);
      }
    }
    process.stdout.write('  measured serve start-up\n');

    // One server per variant for the loads; the idle ones take no CPU.
    const running = new Map<Variant['key'], Server>();
    for (const v of variants) {
      const server = await startServe(v);
      servers.push(server.child);
      running.set(v.key, server);
    }
    const origin = (v: Variant) => running.get(v.key)?.origin ?? '';
    let errors = 0;
    for (const refusal of REFUSALS) {
      for (const v of variants) {
        const answer = await post(`${origin(v)}/api/v1/images`, refusal.body);
        if (answer.status !== 400) throw new Error(`${refusal.name} on ${v.key}: status ${answer.status}`);
        await load(origin(v), refusal.body, WARMUP);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const v of rotated(variants, round)) {
          const run = await load(origin(v), refusal.body, DURATION);
          errors += run.errors;
          add(refusal.name, v.key, run.rps);
        }
      }
      process.stdout.write(`  measured ${refusal.name}\n`);
    }

    const keys = variants.map((v) => v.key);
    const others = keys.filter((k) => k !== 'A');
    const failures: string[] = [];
    const lines = rows.map((row) => {
      const a = median(row.samples.A ?? []);
      const ratios = others.map((k) => median(row.samples[k] ?? []) / a);
      const ok = others.every((k, i) => {
        const pass = within(row.kind, ratios[i] ?? Number.NaN);
        if (!pass) failures.push(`${row.label} ${k}/A ${(ratios[i] ?? Number.NaN).toFixed(2)}`);
        return pass;
      });
      return [
        row.label,
        ...keys.map((k) => format(row.kind, median(row.samples[k] ?? []))),
        ...ratios.map((r) => r.toFixed(2)),
        ok ? 'PASS' : 'FAIL',
      ];
    });
    const header = [
      'measurement (median)',
      ...variants.map((v) => `${v.key} (${v.models})`),
      ...others.map((k) => `${k}/A`),
      `budget ±${BUDGET * 100}%`,
    ];
    console.log(`\n${table(header, lines)}\n`);
    if (errors > 0)
      console.log(`note: ${errors} answers other than 400 or connection errors during the loads`);
    console.log(
      failures.length === 0
        ? `verdict: PASS, every measurement within ${BUDGET * 100}% of the six-model catalog`
        : `verdict: FAIL, beyond ${BUDGET * 100}% of the six-model catalog: ${failures.join('; ')}`,
    );

    if (flags.json) {
      writeFileSync(
        flags.json,
        `${JSON.stringify(
          {
            node: process.version,
            git: gitDescription(),
            settings: { IMPORT_SPAWNS, SERVE_SPAWNS, DURATION, ROUNDS, CONNECTIONS, BUDGET },
            variants: variants.map(({ key, label, models }) => ({ key, label, models })),
            rows: rows.map((row) => ({
              ...row,
              medians: Object.fromEntries(keys.map((k) => [k, median(row.samples[k] ?? [])])),
            })),
            failures,
          },
          null,
          2,
        )}\n`,
      );
    }
  } finally {
    await cleanup();
  }
}

await main();
