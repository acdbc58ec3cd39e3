import { createImagesMock, type ImagesMock, type ImagesMockOptions } from '../core/mock.ts';
import { DroppedConnection } from '../core/stream.ts';
import { withCors } from './cors.ts';
import { withInspection } from './inspection.ts';
import { type ListenOptions, listen, type RunningServer } from './listen.ts';
import { formatRequestLine, type LogFormat } from './request-log.ts';
import { packageVersion } from './version.ts';

export interface MockServerOptions extends Omit<ImagesMockOptions, 'baseUrl'>, ListenOptions {
  /** Path the API lives under. @default '/api/v1' */
  basePath?: string;
  /** Answer CORS preflights and let browser apps on other origins read answers. @default true */
  cors?: boolean;
  /** One line per request (method, path, status, model, ms; never a key), or `false`. @default false */
  log?: LogFormat | false;
  /** Where log lines go. @default process.stdout */
  logLine?: (line: string) => void;
}

export interface MockServer extends RunningServer {
  /** The base URL clients use, e.g. `http://127.0.0.1:4010/api/v1`. */
  baseUrl: string;
  mock: ImagesMock;
}

/** `'api/v1/'` → `'/api/v1'`; `'/'` → `''`. */
export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/**
 * Starts the standalone mock server: the same resolver as the MSW handlers, over real HTTP, with
 * CORS, the inspection endpoints (`/__mock/health`, `/__mock/requests`) and an optional request log.
 *
 * @example
 * const server = await startMockServer({ port: 0 });
 * // point any client at server.baseUrl, then: await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const basePath = normalizeBasePath(options.basePath ?? '/api/v1');
  const log = options.log ?? false;
  const logLine = options.logLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  const mock = createImagesMock({
    ...options,
    baseUrl: `http://localhost${basePath}`,
    onAnswered: (entry) => {
      if (log) logLine(formatRequestLine(entry, log));
      options.onAnswered?.(entry);
    },
  });
  const api = options.cors === false ? mock.handle : withCors(mock.handle);
  const handler = withInspection(api, mock, packageVersion());
  // A dropped connection is a scenario the user asked for, not a failure to report.
  const onError = options.onError ?? ((error: unknown) => console.error('[openrouter-images-mock]', error));
  const server = await listen(handler, {
    ...options,
    onError: (error) => {
      if (!(error instanceof DroppedConnection)) onError(error);
    },
  });
  return Object.assign(server, { baseUrl: `${server.url}${basePath}`, mock });
}
