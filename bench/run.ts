// `npm run bench`: encode time, bytes and peak memory of every synthesized format per tier, and the
// ratio against a naive baseline measured in the same run (pngjs with its default settings on a
// per-pixel gradient). Figures and ratios only, never pass/fail: the machine is shared and noisy.
//
// Each (format, tier) runs in a child process of its own, so its peak resident memory is its own:
// peak = the child's max RSS minus its RSS just before the first timed encode (after warm-up).
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { loadEncoder } from '../src/synth/codecs.ts';
import { synthesizeJpeg } from '../src/synth/jpeg.ts';
import type { ImageSpec } from '../src/synth/label.ts';
import { synthesizePng } from '../src/synth/png.ts';
import { renderRaster } from '../src/synth/raster.ts';
import { synthesizeSvg } from '../src/synth/svg.ts';
import { synthesizeWebp } from '../src/synth/webp.ts';

const TIERS = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 } as const;
type Tier = keyof typeof TIERS;

/** What each case encodes; `spec` varies the seed per run so nothing is cached between runs. */
const CASES: Record<string, { note: string; encode: (spec: ImageSpec) => Uint8Array }> = {
  'naive pngjs': {
    note: 'pngjs defaults, per-pixel gradient (the baseline)',
    encode: (spec) => PNG.sync.write(gradient(spec.width, spec.height, spec.seed)),
  },
  'pngjs level 1': {
    note: 'the previous writer: pngjs, zlib level 1, filter Up, on the placeholder',
    encode: (spec) => previousWriter(spec),
  },
  png: { note: 'opaque, RGB', encode: (spec) => synthesizePng(spec) },
  'png alpha': { note: 'transparent, RGBA', encode: (spec) => synthesizePng({ ...spec, transparent: true }) },
  'jpeg q75': {
    note: 'MozJPEG, the default quality',
    encode: (spec) => synthesizeJpeg(spec, { quality: 75 }),
  },
  'jpeg q100': {
    note: 'MozJPEG, output_compression 100',
    encode: (spec) => synthesizeJpeg(spec, { quality: 100 }),
  },
  'webp lossless': {
    note: 'libwebp VP8L, output_compression 100',
    encode: (spec) => synthesizeWebp(spec, { lossless: true }),
  },
  'webp q75': {
    note: 'libwebp VP8, output_compression 75',
    encode: (spec) => synthesizeWebp(spec, { lossless: false, quality: 75 }),
  },
  svg: { note: 'markup, UTF-8', encode: (spec) => new TextEncoder().encode(synthesizeSvg(spec)) },
};

const RUNS: Record<Tier, number> = { '512': 21, '1K': 15, '2K': 9, '4K': 5 };

function spec(side: number, seed: number): ImageSpec {
  return {
    width: side,
    height: side,
    model: 'openai/gpt-image-1',
    prompt: 'A watercolor painting of a red fox sitting in a snowy forest at dawn, soft light',
    seed,
    index: 0,
    transparent: false,
  };
}

/** A frame where every pixel differs: what a naive encoder meets in a real photo-like image. */
function gradient(width: number, height: number, seed: number): PNG {
  const png = new PNG({ width, height });
  for (let y = 0, at = 0; y < height; y++) {
    for (let x = 0; x < width; x++, at += 4) {
      png.data[at] = (x + seed) & 0xff;
      png.data[at + 1] = (y * 3) & 0xff;
      png.data[at + 2] = (x + y) & 0xff;
      png.data[at + 3] = 255;
    }
  }
  return png;
}

/** What synthesized PNGs before issue #3: the frame, alpha dropped, pngjs at zlib level 1, filter Up. */
function previousWriter(input: ImageSpec): Uint8Array {
  const { width, height, data } = renderRaster(input);
  const rgb = new Uint8Array(width * height * 3);
  for (let from = 0, to = 0; from < data.length; from += 4, to += 3)
    rgb.set(data.subarray(from, from + 3), to);
  const options = {
    deflateLevel: 1,
    deflateStrategy: 0,
    filterType: 2,
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  } as const;
  return PNG.sync.write({ width, height, data: rgb, gamma: 0 } as unknown as PNG, options);
}

interface Measure {
  median: number;
  min: number;
  bytes: number;
  peak: number;
}

/** In a child: warm up small, then time `runs` encodes at the tier and report the figures. */
async function worker(name: string, tier: Tier): Promise<void> {
  const scenario = CASES[name];
  if (!scenario) throw new Error(`unknown case ${name}`);
  await loadEncoder('jpeg');
  await loadEncoder('webp');
  // Warm the JIT as a test suite would have it: small images, then two at the tier.
  const side = TIERS[tier];
  for (let seed = 0; seed < 20; seed++) scenario.encode(spec(256, 1000 + seed));
  for (let seed = 0; seed < 2; seed++) scenario.encode(spec(side, 2000 + seed));
  const before = process.memoryUsage().rss;
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS[tier]; run++) {
    const input = spec(side, run);
    const start = performance.now();
    const out = scenario.encode(input);
    times.push(performance.now() - start);
    bytes = out.length;
  }
  times.sort((a, b) => a - b);
  const peak = Math.max(0, process.resourceUsage().maxRSS * 1024 - before);
  const measure: Measure = { median: times[times.length >> 1] ?? 0, min: times[0] ?? 0, bytes, peak };
  process.stdout.write(JSON.stringify(measure));
}

function measure(name: string, tier: Tier): Measure {
  const output = execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--worker', name, tier], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as Measure;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const kib = (value: number) => (value / 1024).toFixed(value < 10_240 ? 1 : 0);
const mib = (value: number) => (value / 1024 / 1024).toFixed(1);

function main(): void {
  const names = Object.keys(CASES);
  const tiers = Object.keys(TIERS) as Tier[];
  console.log(
    `openrouter-images-mock bench: Node ${process.version}, one child process per row, median of 21/15/9/5 runs`,
  );
  console.log(
    '(seed varies per run: no cache; JIT warmed first; peak = max RSS of the child above its RSS after warm-up)\n',
  );
  const header = ['format', 'tier', 'median ms', 'min ms', 'KiB', 'peak MiB', 'vs naive'];
  const rows: string[][] = [header];
  const naive = new Map<Tier, Measure>();
  for (const tier of tiers) naive.set(tier, measure('naive pngjs', tier));
  for (const name of names) {
    for (const tier of tiers) {
      const m = name === 'naive pngjs' ? (naive.get(tier) as Measure) : measure(name, tier);
      const ratio = (naive.get(tier)?.median ?? 0) / m.median;
      rows.push([
        name,
        tier,
        ms(m.median),
        ms(m.min),
        kib(m.bytes),
        mib(m.peak),
        `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}x`,
      ]);
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('\nCases:');
  for (const [name, scenario] of Object.entries(CASES)) console.log(`  ${name.padEnd(14)} ${scenario.note}`);
}

const at = process.argv.indexOf('--worker');
if (at >= 0) await worker(process.argv[at + 1] ?? '', (process.argv[at + 2] ?? '1K') as Tier);
else main();
