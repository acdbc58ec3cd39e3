/**
 * DEFLATE benchmark: our PNG writer (src/synth/png.ts, src/synth/deflate.ts) against fflate, pako
 * and node:zlib, on our own images: the placeholder of each size, as the PNG writer gets it
 * (`renderRows`: distinct rows and a row index), opaque (RGB, the default).
 *
 *   npm run bench:deflate                 # median of 15/15/9/5 rounds per size, peak memory too
 *   npm run bench:deflate -- --quick      # 5/5/3/3 rounds, no memory children
 *
 * A library takes one flat buffer, so a PNG writer built on one would filter the whole frame
 * first (filter Sub on the first row, Up on the others: what our writer does, so every candidate
 * compresses the same bytes; a check inflates every output and compares) and wrap the zlib stream
 * in PNG chunks. "encode" times that whole path from the rows to the file; "compress" the library
 * call alone on the filtered frame, built beforehand (its most favourable reading). "ours" is
 * `writePng(rows)`, what `synthesizePng` runs after rendering; "ours, flat frame" is our DEFLATE
 * writer given the same flat frame as the libraries (`deflateRaw`), without the row reuse.
 *
 * Timing: all candidates in one process, interleaved round by round (the order rotates), after
 * two discarded rounds, so a ratio is taken within seconds on a noisy machine. In each round a
 * candidate runs once untimed, then timed: the untimed call takes whatever collection the garbage
 * of the candidate before it is due (a forced `gc()` before each call instead slowed the next few
 * calls of a fast candidate: docs/decisions/0002). Peak memory: one child process per (candidate,
 * size) that builds the inputs, collects garbage, resets its peak RSS, then encodes once; peak =
 * its peak RSS above its RSS just before that encode (Linux only: elsewhere the column says "-").
 * Figures and ratios only, never pass/fail: the machine is shared.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import { zlibSync } from 'fflate';
import { deflate as pakoDeflate } from 'pako';
import { adler32, crc32, deflateRaw } from '../src/synth/deflate.ts';
import type { ImageSpec } from '../src/synth/label.ts';
import { writePng } from '../src/synth/png.ts';
import { type RasterRows, renderRows } from '../src/synth/raster.ts';
import { gitDescription, table } from './report.ts';

const SIZES = [
  [1024, 1024],
  [1536, 1024],
  [2048, 2048],
  [4096, 4096],
] as const;

interface Inputs {
  rows: RasterRows;
  /** The frame as PNG scanlines, RGB, filtered: what the zlib stream of the file holds. */
  filtered: Uint8Array;
}

interface Candidate {
  name: string;
  /** The zlib stream of the filtered frame (what "compress" times). */
  compress?: (filtered: Uint8Array) => Uint8Array;
  /** The whole PNG file from the rows (what "encode" times). */
  encode: (inputs: Inputs) => Uint8Array;
}

const viaLibrary = (name: string, compress: (filtered: Uint8Array) => Uint8Array): Candidate => ({
  name,
  compress,
  encode: ({ rows }) => pngFile(rows.width, rows.height, compress(filterFrame(rows))),
});

const CANDIDATES: Candidate[] = [
  { name: 'ours', encode: ({ rows }) => writePng(rows) },
  viaLibrary('ours, flat frame', (filtered) => zlibWrap(deflateRaw(filtered), adler32(filtered))),
  ...[1, 6, 9].map((level) =>
    viaLibrary(`fflate zlibSync ${level}`, (f) => zlibSync(f, { level: level as 1 | 6 | 9 })),
  ),
  ...[1, 6, 9].map((level) =>
    viaLibrary(`pako deflate ${level}`, (f) => pakoDeflate(f, { level: level as 1 | 6 | 9 })),
  ),
  ...[1, 6, 9].map((level) => viaLibrary(`node:zlib ${level}`, (f) => deflateSync(f, { level }))),
];

function spec(width: number, height: number, seed: number): ImageSpec {
  return {
    width,
    height,
    model: 'openai/gpt-image-1',
    prompt: 'A watercolor painting of a red fox sitting in a snowy forest at dawn, soft light',
    seed,
    index: 0,
    transparent: false,
  };
}

/**
 * The rows as RGB scanlines, Sub on the first, Up on the others, in one buffer, made as a library
 * user who knows the rows would make it: a repeated row is its filter byte and zeros (the buffer
 * starts zeroed), and a (row, row above) pair is filtered once and copied where it recurs.
 */
function filterFrame({ width, height, rows, rowAt }: RasterRows): Uint8Array {
  const line = width * 3 + 1;
  const out = new Uint8Array(line * height);
  const firstAt = new Map<number, number>();
  for (let y = 0; y < height; y++) {
    const at = y * line;
    const id = rowAt[y] as number;
    const previous = y > 0 ? (rowAt[y - 1] as number) : -1;
    if (previous === id) {
      out[at] = 2;
      continue;
    }
    const key = (previous + 1) * rows.length + id;
    const seen = firstAt.get(key);
    if (seen !== undefined) {
      out.copyWithin(at, seen, seen + line);
      continue;
    }
    firstAt.set(key, at);
    const row = rows[id] as Uint8Array;
    const above = previous >= 0 ? (rows[previous] as Uint8Array) : undefined;
    out[at] = above ? 2 : 1;
    for (let from = 0, to = at + 1; from < row.length; from += 4, to += 3) {
      for (let c = 0; c < 3; c++) {
        const before = above ? (above[from + c] as number) : from > 0 ? (row[from - 4 + c] as number) : 0;
        out[to + c] = (row[from + c] as number) - before;
      }
    }
  }
  return out;
}

function zlibWrap(raw: Uint8Array, adler: number): Uint8Array {
  const out = new Uint8Array(raw.length + 6);
  out.set([0x78, 0x01], 0);
  out.set(raw, 2);
  new DataView(out.buffer).setUint32(raw.length + 2, adler >>> 0);
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** A PNG file (RGB, 8 bits) around a zlib stream, as `writePng` frames it. */
function pngFile(width: number, height: number, zlib: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 25 + 12 + zlib.length + 12);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let at = 8;
  const chunk = (type: string, data: Uint8Array) => {
    view.setUint32(at, data.length);
    for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
    out.set(data, at + 8);
    view.setUint32(at + 8 + data.length, crc32(out.subarray(at + 4, at + 8 + data.length)));
    at += 12 + data.length;
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, width);
  new DataView(header.buffer).setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  chunk('IHDR', header);
  chunk('IDAT', zlib);
  chunk('IEND', new Uint8Array(0));
  return out;
}

/** The zlib stream of a PNG file's IDAT chunks. */
function idat(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

function inputsFor(width: number, height: number, seed: number): Inputs {
  const rows = renderRows(spec(width, height, seed));
  return { rows, filtered: filterFrame(rows) };
}

/** Every candidate's file holds exactly the filtered frame: same input, lossless. */
function check(inputs: Inputs): void {
  for (const candidate of CANDIDATES) {
    const inflated = inflateSync(idat(candidate.encode(inputs)));
    if (!inflated.equals(inputs.filtered))
      throw new Error(`${candidate.name} does not hold the filtered frame`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const ms = (value: number) =>
  value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
const ratio = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));

/** A figure of /proc/self/status, in bytes. */
function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? Number.NaN) * 1024;
}

/**
 * In a child: the peak RSS one encode adds above the inputs (bytes). The peak is reset just
 * before the encode (Linux: `5` into /proc/self/clear_refs), so what came before does not count.
 */
function memoryWorker(name: string, width: number, height: number): void {
  const candidate = CANDIDATES.find((c) => c.name === name);
  if (!candidate) throw new Error(`unknown candidate ${name}`);
  for (let seed = 0; seed < 5; seed++) candidate.encode(inputsFor(256, 256, 100 + seed));
  const inputs = inputsFor(width, height, 1);
  globalThis.gc?.(); // the child runs with --expose-gc
  writeFileSync('/proc/self/clear_refs', '5');
  const before = status('VmRSS');
  const out = candidate.encode(inputs);
  const peak = Math.max(0, status('VmHWM') - before);
  process.stdout.write(JSON.stringify({ peak, bytes: out.length }));
}

/** The peak one encode adds, from a child of its own; undefined where it cannot be read. */
function peakOf(name: string, width: number, height: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const output = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      new URL(import.meta.url).pathname,
      '--memory-worker',
      name,
      String(width),
      String(height),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const { peak } = JSON.parse(output) as { peak: number };
  return Number.isFinite(peak) ? peak : undefined;
}

function main(): void {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const rounds = values.quick ? [5, 5, 3, 3] : [15, 15, 9, 5];
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(
    `DEFLATE benchmark: node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `git ${gitDescription()}, load average ${load()} at the start`,
  );
  console.log(
    'placeholder PNG, RGB; encode = rows to PNG file, compress = library call on the filtered frame; ' +
      `median of ${rounds.join('/')} interleaved rounds after 2 discarded, each timed call after an untimed one\n`,
  );
  for (let seed = 0; seed < 5; seed++) check(inputsFor(256, 192, 200 + seed));

  for (const [s, [width, height]] of SIZES.entries()) {
    const inputs = inputsFor(width, height, 1);
    check(inputs);
    const encodeTimes = new Map<string, number[]>(CANDIDATES.map((c) => [c.name, []]));
    const compressTimes = new Map<string, number[]>(CANDIDATES.map((c) => [c.name, []]));
    const bytes = new Map<string, number>();
    const total = (rounds[s] ?? 5) + 2;
    for (let round = 0; round < total; round++) {
      for (let k = 0; k < CANDIDATES.length; k++) {
        const candidate = CANDIDATES[(k + round) % CANDIDATES.length] as Candidate;
        // An untimed call first: it takes any collection the previous candidate's garbage is
        // due, so the timed call is this candidate's steady state.
        candidate.encode(inputs);
        let start = performance.now();
        const out = candidate.encode(inputs);
        const encoded = performance.now() - start;
        bytes.set(candidate.name, out.length);
        let compressed: number | undefined;
        if (candidate.compress) {
          start = performance.now();
          candidate.compress(inputs.filtered);
          compressed = performance.now() - start;
        }
        if (round < 2) continue;
        encodeTimes.get(candidate.name)?.push(encoded);
        if (compressed !== undefined) compressTimes.get(candidate.name)?.push(compressed);
      }
    }
    const ours = median(encodeTimes.get('ours') ?? []);
    const rows = CANDIDATES.map((candidate) => {
      const encode = median(encodeTimes.get(candidate.name) ?? []);
      const compress = compressTimes.get(candidate.name) ?? [];
      const compressMedian = compress.length > 0 ? median(compress) : undefined;
      const peak = values.quick ? undefined : peakOf(candidate.name, width, height);
      return [
        candidate.name,
        ms(encode),
        `${ratio(encode / ours)}×`,
        compressMedian === undefined ? '-' : ms(compressMedian),
        compressMedian === undefined ? '-' : `${ratio(compressMedian / ours)}×`,
        ((bytes.get(candidate.name) ?? 0) / 1024).toFixed(1),
        peak === undefined ? '-' : (peak / 1024 / 1024).toFixed(1),
        '',
      ];
    });
    console.log(
      `${width}x${height} (${((inputs.filtered.length / 1024 / 1024) as number).toFixed(1)} MiB filtered)`,
    );
    console.log(
      table(['candidate', 'encode ms', 'vs ours', 'compress ms', 'vs ours', 'PNG KiB', 'peak MiB', ''], rows),
    );
    console.log(`load average ${load()}\n`);
  }
  console.log('"vs ours": the candidate\'s median divided by ours (above 1: slower than ours).');
}

const at = process.argv.indexOf('--memory-worker');
if (at >= 0)
  memoryWorker(process.argv[at + 1] ?? '', Number(process.argv[at + 2]), Number(process.argv[at + 3]));
else main();
