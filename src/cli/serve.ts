import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { constants as os } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ImagesApiError } from '../contract/errors.ts';
import { MisuseError, unsaid } from '../message.ts';
import { parseCatalogFile } from '../models/catalog-file.ts';
import { ERROR_SCENARIOS, FAULT_SCENARIOS } from '../scenarios/catalog.ts';
import { mergeScenarios, type Scenario, scenarioFromPrefer } from '../scenarios/scenario.ts';
import { isLoopbackHost } from '../server/control/access.ts';
import {
  type MockServer,
  type MockServerOptions,
  normalizeBasePath,
  startMockServer,
} from '../server/mock-server.ts';
import type { LogFormat } from '../server/request-log.ts';
import { parseCommand } from './args.ts';
import { keepHeapSmall } from './heap.ts';
import { watchParent } from './parent-watch.ts';
import { bannerOf, voiceFor, wantsColor } from './serve-voice.ts';
import { UsageError } from './usage-error.ts';

export const SERVE_HELP = `Usage: openrouter-images-mock serve [options]

Serves OpenRouter's image API (POST /images, GET /images/models, GET /images/models/{author}/{slug}/endpoints)
on a local base URL, with real images and the service's errors.

Options:
  --port <n>            port to listen on; 0 picks a free one          (default 4010)
  --host <addr>         address to bind; loopback unless you say so     (default 127.0.0.1)
  --base-path <p>       path the API lives under                        (default /api/v1)
  --seed <n>            seed of requests that send none                 (default 0)
  --api-key <key>       accept only this key; repeatable                (default: any well-formed key)
  --catalog <file>      extra or replacement models: {"models": [...], "replaceDefaults"?: true}
  --unknown-models <m>  refuse: an id the catalog lacks gets the service's 400 (default)
                        generic: any author/slug is answered by a model that takes every value
                        the contract lists (x-mock-generic-model header, noted in the journal)
  --scenario <s>        answer every request with a scenario: a name (rate-limited, stream-drop, …)
                        or Prefer-header syntax ("code=429, retry-after=2"); requests' own Prefer wins
  --latency <ms>        wait before each answer: fixed ("300") or seeded random ("100-400")
  --interval <ms>       pause between stream events                     (default 0)
  --partial-images <n>  partial images per streamed image               (default 2)
  --credits <usd>       simulate a balance per key, drawn down by each answer's cost (402 when spent)
  --rate-limit <n/s>    simulate a rate limit per key, e.g. 10/60 = 10 requests per 60 s (429)
  --max-body <size>     largest request body, e.g. 10mb, 512kb, 1000   (default 10mb; larger: 413)
  --log <format>        one line per request: pretty, or json (then every line is JSON) (default pretty)
  --quiet               no request log
  --no-cors             do not answer CORS preflights
  --proxy <url>         forward every request to this upstream (e.g. https://openrouter.ai/api/v1),
                        checking each exchange against the contract; violations go to the log
  --record <file>       record every exchange (proxied or mocked), keys redacted: HAR 1.2, or JSONL
                        when the name ends in .jsonl
  --replay <file>       answer from a recording (HAR or JSONL) instead of the mock
  --config <file>       a JSON file with any of these options, by long name ({"port": 4010, …});
                        options on the command line win
  --no-control          turn the control routes off (404)
  --control-token <t>   control routes need "Authorization: Bearer <t>"; required beyond loopback
  -h, --help            show this help

Inspection: GET /__mock/health, GET /__mock/requests (?limit=&model=&status=&since=), DELETE /__mock/requests.
Control (openapi/mock-control.yaml): POST/GET/DELETE /__mock/scenarios, DELETE /__mock/scenarios/{id},
  the same for /__mock/responses, PUT /__mock/credits, POST /__mock/reset.
Stops on SIGINT (Ctrl-C), SIGTERM or SIGHUP, or once the process that started it exits (npx, npm start).
Scenarios: ${[...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)].join(', ')}
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'base-path': { type: 'string' },
  seed: { type: 'string' },
  'api-key': { type: 'string', multiple: true },
  catalog: { type: 'string' },
  'unknown-models': { type: 'string' },
  scenario: { type: 'string' },
  latency: { type: 'string' },
  interval: { type: 'string' },
  'partial-images': { type: 'string' },
  credits: { type: 'string' },
  'rate-limit': { type: 'string' },
  'max-body': { type: 'string' },
  log: { type: 'string' },
  quiet: { type: 'boolean' },
  'no-cors': { type: 'boolean' },
  proxy: { type: 'string' },
  record: { type: 'string' },
  replay: { type: 'string' },
  config: { type: 'string' },
  'no-control': { type: 'boolean' },
  'control-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : K extends 'api-key'
      ? string[]
      : string;
};

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
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
    const message = error instanceof ImagesApiError ? unsaid(error.message) : String(error);
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

function bytesOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match?.[2] ?? 'b').toLowerCase() as 'b'];
  const bytes = match ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!(bytes >= 1))
    throw new UsageError(`--max-body must be a size such as 10mb, 512kb or 1000, got "${value}"`);
  return bytes;
}

function readText(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** A config file's options, as strings and booleans, in the command line's own names. */
function configValues(path: string): Values {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText('config', path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--config ${path} is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--config ${path} must hold an object of options`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const spec = OPTIONS[key as keyof typeof OPTIONS];
    if (!spec || key === 'config' || key === 'help')
      throw new UsageError(`--config ${path}: unknown option "${key}"`);
    // null: the option is off, as examples/serve.config.json spells the ones without a default.
    if (value === null) continue;
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean')
        throw new UsageError(`--config ${path}: "${key}" must be true or false`);
      out[key] = value;
    } else if (key === 'api-key') {
      out[key] = [value].flat().map(String);
    } else {
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new UsageError(`--config ${path}: "${key}" must be a string or a number`);
      out[key] = String(value);
    }
  }
  return out as Values;
}

/** The server's options from the command line (and a config file), or a usage error. */
export function serveOptions(argv: string[]): MockServerOptions | 'help' {
  const command = parseServe(argv);
  return command === 'help' ? command : command.options;
}

/** The server's options, and the format of everything `serve` says (`--quiet` or not). */
function parseServe(argv: string[]): { options: MockServerOptions; format: LogFormat } | 'help' {
  const cli = parseCommand(argv, OPTIONS).values as Values;
  if (cli.help) return 'help';
  const values: Values = { ...(cli.config ? configValues(cli.config) : {}), ...cli };
  const log = values.log ?? 'pretty';
  if (log !== 'pretty' && log !== 'json') throw new UsageError(`--log must be pretty or json, got "${log}"`);
  let catalog = {};
  if (values.catalog) {
    try {
      catalog = parseCatalogFile(readText('catalog', values.catalog), values.catalog);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--catalog ${(error as Error).message}`);
    }
  }
  const options: MockServerOptions = {
    ...catalog,
    basePath: normalizeBasePath(values['base-path'] ?? '/api/v1'),
    seed: integer('seed', values.seed, -(2 ** 31), 2 ** 32 - 1) ?? 0,
    port: integer('port', values.port, 0, 65535) ?? 4010,
    host: values.host ?? '127.0.0.1',
    interval: integer('interval', values.interval, 0, 600_000) ?? 0,
    partialImages: integer('partial-images', values['partial-images'], 0, 10) ?? 2,
    log: values.quiet ? false : log,
    cors: !values['no-cors'],
  };
  if (values['api-key']) options.apiKeys = values['api-key'];
  if (values['no-control']) options.control = false;
  const token = values['control-token'];
  if (token !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(token))
      throw new UsageError('--control-token must be one word of visible ASCII characters (a bearer token)');
    options.controlToken = token;
  }
  const unknown = values['unknown-models'];
  if (unknown !== undefined) {
    if (unknown !== 'refuse' && unknown !== 'generic')
      throw new UsageError(`--unknown-models must be refuse or generic, got "${unknown}"`);
    options.unknownModels = unknown;
  }
  const scenario = scenarioOption(values.scenario, values.latency);
  if (scenario) options.scenario = scenario;
  const credits = creditsOption(values.credits);
  if (credits) options.credits = credits;
  const rateLimit = rateLimitOption(values['rate-limit']);
  if (rateLimit) options.rateLimit = rateLimit;
  const maxBody = bytesOption(values['max-body']);
  if (maxBody) options.maxBodyBytes = maxBody;
  if (values.proxy && values.replay) throw new UsageError('--proxy and --replay cannot be combined');
  if (values.proxy) {
    let url: URL | undefined;
    try {
      url = new URL(values.proxy);
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol))
      throw new UsageError(`--proxy must be an http(s) URL, got "${values.proxy}"`);
    options.proxy = url.href.replace(/\/+$/, '');
  }
  if (values.replay) {
    try {
      accessSync(values.replay, constants.R_OK);
    } catch (error) {
      throw new UsageError(
        `--replay ${values.replay}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    options.replay = values.replay;
  }
  if (values.record) {
    const dir = dirname(resolve(values.record));
    if (!existsSync(dir)) throw new UsageError(`--record ${values.record}: the folder ${dir} does not exist`);
    options.record = values.record;
  }
  return { options, format: log };
}

/**
 * `serve`: starts the mock server and keeps it running until SIGINT, SIGTERM or SIGHUP, or until
 * the process that started it exits; then lets requests in flight finish and the recording close.
 */
export async function serve(argv: string[]): Promise<MockServer | undefined> {
  const command = parseServe(argv);
  if (command === 'help') {
    process.stdout.write(SERVE_HELP);
    return undefined;
  }
  const { options, format } = command;
  const voice = voiceFor(format);
  // Nobody reading the log (a closed pipe) is no reason to stop serving, nor to leave a recording unfinished.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  if (options.log === 'pretty') options.logColor = wantsColor(process.env, process.stdout.isTTY);
  // Under --log json every line is JSON: the server's own failures too (pretty keeps their stack).
  if (format === 'json')
    options.onError = (error) =>
      voice.error(errorText(error), error instanceof Error ? error.stack : undefined);
  // Before the server allocates anything: a long-running server's RSS (see heap.ts).
  keepHeapSmall();
  let server: MockServer;
  try {
    server = await startMockServer(options);
  } catch (error) {
    // A catalog model that breaks the contract, a recording that cannot be replayed: the user's
    // input, so one line and exit 2.
    if (error instanceof MisuseError) throw new UsageError(error.detail);
    throw error;
  }
  let closing = false;
  const stop = (reason: string) => {
    closing = true;
    voice.closing(reason);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        voice.error(errorText(error));
        process.exit(1);
      },
    );
  };
  // Handlers go in before the URL is printed: whoever reads the URL may signal at once.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second signal while closing: whoever sends it will not wait for requests in flight.
      if (closing) process.exit(128 + (os.signals[signal] ?? 0));
      else stop(signal);
    });
  }
  watchParent(() => {
    if (!closing) stop('the process that started it exited');
  });
  if (!isLoopbackHost(server.host) && !options.apiKeys) {
    // Anyone who reaches the port may generate (and, with a token, steer): say so, once.
    voice.warning(
      `listening on ${server.host}, beyond loopback, without --api-key: any client that reaches it is served`,
    );
  }
  voice.listening(bannerOf(server, options));
  return server;
}

/** An error as one line, without the library's prefix (the voice names the program). */
const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replaceAll(/\[openrouter-images-mock\] ?/g, '');
