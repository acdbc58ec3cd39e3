import { parseArgs } from 'node:util';
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
  -h, --help         show this help
`;

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
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
      help: { type: 'boolean', short: 'h' },
    },
  });
}
