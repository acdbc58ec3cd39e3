/**
 * Summarizes a `.cpuprofile` (as written by `bench/server.ts --cpu-prof`): self time by function,
 * and by where the code lives (our src/, a package, Node's internals, GC, idle).
 *
 *   node bench/server/profile-summary.ts <file.cpuprofile | dir> [--top 30]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string' } },
});
const top = Number(values.top ?? 30);
let path = positionals[0];
if (!path) throw new Error('usage: node bench/server/profile-summary.ts <file.cpuprofile | dir>');
if (statSync(path).isDirectory()) {
  const file = readdirSync(path).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${path}`);
  path = join(path, file);
}
const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return '(program: native, not attributed)';
  if (!url) return `native: ${name}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  const src = /\/(src\/[^/]+)\//.exec(url);
  if (src) return src[1] as string;
  if (url.startsWith('node:'))
    return url.replace(/^node:internal\/(deps\/)?/, 'node:').split('/')[0] as string;
  return url;
}

const functions = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, time] of self) {
  const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? {
    functionName: '?',
    url: '',
    lineNumber: 0,
  };
  const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + time);
  const where = area(url, functionName);
  areas.set(where, (areas.get(where) ?? 0) + time);
}

const pct = (time: number) => `${((time / total) * 100).toFixed(1).padStart(5)}%`;
const busy = total - (areas.get('idle') ?? 0);
console.log(`${path}: ${(total / 1e6).toFixed(1)} s sampled, ${pct(busy)} busy\n\nself time by area:`);
for (const [name, time] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(time)}  ${name}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [name, time] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(time)}  ${name}`);
}
