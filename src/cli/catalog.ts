import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { redactText } from '../check/redact.ts';
import { pullCatalog } from '../models/pull-catalog.ts';
import { parseCommand } from './args.ts';
import { UsageError } from './usage-error.ts';

export const CATALOG_HELP = `Usage: openrouter-images-mock catalog pull --from <base-url> --out <file> [options]

Writes a catalog file from a live server's models routes (the service, this mock, a gateway):
GET {base-url}/images/models and each model's endpoints, every answer checked against the
contract. Each model gets a \`mock\` block (sizes, default format, token counts) inferred from its
parameters and pricing, written out in full with the rule behind each value under
mock.provenance.assumed: edit any value to override it. Load the file with serve --catalog.

Options:
  --from <url>         the API's base URL, e.g. https://openrouter.ai/api/v1 (required; no key needed)
  --out <file>         the catalog file to write (required; written whole or not at all)
  --models <id,id>     only these models; repeatable                 (default: every listed model)
  --merge              the file adds its models to the built-in ones  (default: it replaces them)
  --api-key <key>      send Authorization: Bearer <key>
  --timeout <t>        per request: 10s, 500ms, 1m                    (default 10s)
  --concurrency <n>    requests in flight at once                      (default 4)
  --quiet              no progress lines, no summary
  -h, --help           show this help

Exit code: 0 written, 2 unusable source (unreachable, not JSON, breaks the contract) or command line.
`;

const OPTIONS = {
  from: { type: 'string' },
  out: { type: 'string' },
  models: { type: 'string', multiple: true },
  merge: { type: 'boolean' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `10s`, `500ms`, `1m`, or a bare number of seconds, in milliseconds. */
function durationMs(value: string | undefined): number {
  if (value === undefined) return 10_000;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000 }[(match?.[2] ?? 's') as 'ms' | 's' | 'm'];
  const ms = match ? Number(match[1]) * unit : Number.NaN;
  if (!(ms >= 1))
    throw new UsageError(`--timeout must be a duration such as 10s, 500ms or 1m, got "${value}"`);
  return ms;
}

function concurrencyOf(value: string | undefined): number {
  if (value === undefined) return 4;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--concurrency must be an integer from 1 to 64, got "${value}"`);
  return n;
}

/** Writes beside the target, then renames: a reader never sees half a file, a failure leaves none. */
function writeWhole(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** `catalog pull`: resolves with the exit code. */
export async function catalog(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '-h' || subcommand === '--help' || subcommand === 'help') {
    process.stdout.write(CATALOG_HELP);
    return 0;
  }
  if (subcommand !== 'pull')
    throw new UsageError(`unknown catalog command "${subcommand}"; try catalog --help`);
  const { values } = parseCommand(rest, OPTIONS);
  if (values.help) {
    process.stdout.write(CATALOG_HELP);
    return 0;
  }
  if (!values.from) throw new UsageError('catalog pull needs --from <base-url>; try catalog --help');
  if (!values.out) throw new UsageError('catalog pull needs --out <file>; try catalog --help');
  try {
    const url = new URL(values.from);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UsageError(`--from must be an http(s) URL, got "${redactText(values.from)}"`);
  }
  const folder = dirname(resolve(values.out));
  if (!existsSync(folder)) throw new UsageError(`--out ${values.out}: the folder ${folder} does not exist`);
  if (existsSync(values.out) && statSync(values.out).isDirectory())
    throw new UsageError(`--out ${values.out} is a folder; name a file`);
  const models = values.models
    ?.flatMap((list) => list.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  const timeoutMs = durationMs(values.timeout);
  const concurrency = concurrencyOf(values.concurrency);

  // Progress is for people watching a terminal; logs and pipes get the summary alone.
  const progress = !values.quiet && process.stderr.isTTY === true;
  const result = await pullCatalog({
    from: values.from,
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(models && models.length > 0 ? { models } : {}),
    timeoutMs,
    concurrency,
    merge: values.merge ?? false,
    onModel: ({ id, done, total, ok }) => {
      if (progress) process.stderr.write(`[${done}/${total}] ${id} ${ok ? '✓' : '✗'}\n`);
    },
  });
  if (!result.ok) {
    process.stderr.write(`openrouter-images-mock: ${redactText(result.problem)}\n`);
    return 2;
  }
  writeWhole(values.out, `${JSON.stringify(result.file, null, 2)}\n`);
  if (!values.quiet) {
    const count = result.file.models.length;
    process.stdout.write(`wrote ${count} model${count === 1 ? '' : 's'} to ${values.out}\n`);
  }
  return 0;
}
