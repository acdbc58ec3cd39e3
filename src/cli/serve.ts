import { parseArgs } from 'node:util';
import { ImagesApiError } from '../contract/errors.ts';
import { ERROR_SCENARIOS, FAULT_SCENARIOS } from '../scenarios/catalog.ts';
import { mergeScenarios, type Scenario, scenarioFromPrefer } from '../scenarios/scenario.ts';
import type { RunningServer } from '../server/listen.ts';
import { normalizeBasePath, startMockServer } from '../server/mock-server.ts';
import { UsageError } from './usage-error.ts';

export const SERVE_HELP = `Usage: openrouter-images-mock serve [options]

Serves OpenRouter's image API (POST /images, GET /images/models, GET /images/models/{author}/{slug}/endpoints)
on a local base URL, with real images and the service's errors.

Options:
  --port <n>         port to listen on; 0 picks a free one            (default 4010)
  --host <addr>      address to bind; loopback unless you say so       (default 127.0.0.1)
  --base-path <p>    path the API lives under                          (default /api/v1)
  --seed <n>         seed of requests that send none                   (default 0)
  --api-key <key>    accept only this key; repeatable                  (default: any well-formed key)
  --scenario <s>     answer every request with a scenario: a name (rate-limited, stream-drop, …)
                     or Prefer-header syntax ("code=429, retry-after=2"); requests' own Prefer wins
  --latency <ms>     wait before each answer: fixed ("300") or seeded random ("100-400")
  --interval <ms>    pause between stream events                       (default 0)
  --partial-images <n>  partial images per streamed image              (default 2)
  --credits <usd>    simulate a balance per key, drawn down by each answer's cost (402 when spent)
  --rate-limit <n/s> simulate a rate limit per key, e.g. 10/60 = 10 requests per 60 s (429)
  -h, --help         show this help

Scenarios: ${[...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)].join(', ')}
`;

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** `--scenario` and `--latency` in the Prefer header's grammar, so one syntax serves both. */
function scenarioOption(scenario: string | undefined, latency: string | undefined): Scenario | undefined {
  const parts = [
    // A bare first token is a scenario name: "rate-limited, retry-after=3".
    scenario === undefined
      ? undefined
      : /^[^,;=]+(?:[,;]|$)/.test(scenario)
        ? `scenario=${scenario}`
        : scenario,
    latency === undefined ? undefined : `latency=${latency}`,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  try {
    return mergeScenarios(scenarioFromPrefer(parts.join(', ')));
  } catch (error) {
    const message =
      error instanceof ImagesApiError
        ? error.message.replace('[openrouter-images-mock] ', '')
        : String(error);
    throw new UsageError(`--scenario/--latency: ${message.replace(/^Prefer /, '')}`);
  }
}

function rateLimitOption(value: string | undefined) {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw new UsageError(`--rate-limit must look like <requests>/<seconds>, e.g. 10/60, got "${value}"`);
  }
  return { requests: Number(match[1]), windowMs: Number(match[2]) * 1000 };
}

function creditsOption(value: string | undefined) {
  if (value === undefined) return undefined;
  const balance = Number(value);
  if (!Number.isFinite(balance) || balance < 0)
    throw new UsageError(`--credits must be a dollar amount >= 0, got "${value}"`);
  return { balance };
}

/** `serve`: starts the mock server and keeps it running until SIGINT or SIGTERM. */
export async function serve(argv: string[]): Promise<RunningServer | undefined> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return undefined;
  }
  const server = await startMockServer({
    basePath: normalizeBasePath(values['base-path'] ?? '/api/v1'),
    seed: integer('seed', values.seed, -(2 ** 31), 2 ** 32 - 1) ?? 0,
    ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}),
    scenario: scenarioOption(values.scenario, values.latency),
    interval: integer('interval', values.interval, 0, 600_000) ?? 0,
    partialImages: integer('partial-images', values['partial-images'], 0, 10) ?? 2,
    credits: creditsOption(values.credits),
    rateLimit: rateLimitOption(values['rate-limit']),
    port: integer('port', values.port, 0, 65535) ?? 4010,
    host: values.host ?? '127.0.0.1',
  });
  const stop = (signal: string) => {
    process.stdout.write(`openrouter-images-mock: ${signal}, closing\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers go in before the URL is printed: whoever reads the URL may signal at once.
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`openrouter-images-mock listening at ${server.baseUrl}\n`);
  return server;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'base-path': { type: 'string' },
      seed: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      scenario: { type: 'string' },
      latency: { type: 'string' },
      interval: { type: 'string' },
      'partial-images': { type: 'string' },
      credits: { type: 'string' },
      'rate-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
