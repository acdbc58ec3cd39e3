import { redactText } from '../check/redact.ts';
import type { CheckReport } from '../check/report/report.ts';
import { isLocalUrl, runVerify } from '../verify/run.ts';
import { parseCommand } from './args.ts';
import { prepareOutput } from './output.ts';
import { UsageError } from './usage-error.ts';
import { catalogOption, colorFor, emitReport, reporterOf } from './validate.ts';

export const VERIFY_HELP = `Usage: openrouter-images-mock verify --base-url <url> [options]

Sends a generated suite to a live server that claims to implement the endpoint (this mock, a
proxy, a gateway, or the real service) and checks every answer: requests covering each
parameter and enum value the target's catalog (GET /images/models) allows must be served in the
contract's shape; requests the contract refuses must get the documented status and error body.

Options:
  --base-url <url>       the API's base URL, e.g. http://127.0.0.1:4010/api/v1 (required)
  --api-key-env <name>   environment variable holding the key  (default OPENROUTER_API_KEY;
                         local targets get a placeholder key when it is unset)
  --model <id>           only this model; repeatable            (default: every listed model)
  --max-requests <n>     most suite requests to send             (default 200)
  --seed <n>             seed of the selection and the prompts   (default 0)
  --max-cost <usd>       non-local targets: refuse to start above this estimate (default 1)
  --concurrency <n>      requests in flight at once              (default 4)
  --dry-run              print the requests and their count; send nothing (uses --catalog)
  --catalog <file>       local catalog: for --dry-run and token-priced cost estimates
  --reporter <name>      human, json or junit                    (default human)
  --output <file>        write the report there instead of stdout
  --verbose              also list the cases that passed
  --no-color             no ANSI colours
  -h, --help             show this help

A cost estimate from the target's pricing is printed before any generation request is sent to a
non-local host (catalog reads come first: they are free). Exit code: 0 every answer conforms,
1 violations, 2 unusable target or command line.
`;

function integer(name: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

const OPTIONS = {
  'base-url': { type: 'string' },
  'api-key-env': { type: 'string' },
  model: { type: 'string', multiple: true },
  'max-requests': { type: 'string' },
  seed: { type: 'string' },
  'max-cost': { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  catalog: { type: 'string' },
  reporter: { type: 'string' },
  output: { type: 'string' },
  verbose: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `verify`: runs the suite against --base-url; resolves with the exit code. */
export async function verify(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const reporter = reporterOf(values.reporter);
  const baseUrl = values['base-url'];
  if (!baseUrl) throw new UsageError('verify needs --base-url <url>; try verify --help');
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL, got "${redactText(baseUrl)}"`);
  }
  const keyVariable = values['api-key-env'] ?? 'OPENROUTER_API_KEY';
  const apiKey = process.env[keyVariable] || undefined;
  if (!apiKey && !isLocalUrl(baseUrl) && !values['dry-run'])
    throw new UsageError(`${baseUrl} is not a local host: set ${keyVariable} to its API key`);
  let maxCostUsd: number | undefined;
  if (values['max-cost'] !== undefined) {
    maxCostUsd = Number(values['max-cost']);
    if (!Number.isFinite(maxCostUsd) || maxCostUsd < 0)
      throw new UsageError(`--max-cost must be a number of dollars >= 0, got "${values['max-cost']}"`);
  }
  const catalog = catalogOption(values.catalog);
  if (!values['dry-run']) prepareOutput(values.output);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const run = await runVerify({
    baseUrl,
    ...(apiKey ? { apiKey } : {}),
    maxRequests: integer('max-requests', values['max-requests'], 0, 200),
    seed: integer('seed', values.seed, 0, 0),
    concurrency: integer('concurrency', values.concurrency, 1, 4),
    ...(values.model ? { models: values.model } : {}),
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    ...(catalog ? { catalog } : {}),
    dryRun: values['dry-run'] ?? false,
    log,
  });

  if (values['dry-run']) {
    const lines = run.selected.map((c) => {
      const body =
        c.body === undefined ? '' : ` ${typeof c.body === 'string' ? c.body : JSON.stringify(c.body)}`;
      const auth =
        c.auth === 'key' ? '' : ` [${c.auth === 'missing' ? 'no Authorization' : 'malformed Authorization'}]`;
      return `${c.method} ${c.path}${auth}${body}  → expect ${c.expectStatus}  (${c.id})`;
    });
    process.stdout.write(
      `${lines.join('\n')}\n\n${run.selected.length} of ${run.total} requests selected (seed ${values.seed ?? 0}); nothing sent.\n`,
    );
    return run.report.problems.length > 0 ? 2 : 0;
  }
  return emitReport(run.report as CheckReport, reporter, {
    output: values.output,
    color: colorFor(values['no-color'], values.output),
    verbose: values.verbose,
  });
}
