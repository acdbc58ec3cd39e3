import { createImagesMock, type ImagesMock, type ImagesMockOptions } from '../core/mock.ts';
import { DroppedConnection } from '../core/stream.ts';
import { type ListenOptions, listen, type RunningServer } from './listen.ts';

export interface MockServerOptions extends Omit<ImagesMockOptions, 'baseUrl'>, ListenOptions {
  /** Path the API lives under. @default '/api/v1' */
  basePath?: string;
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
 * Starts the standalone mock server: the same resolver as the MSW handlers, over real HTTP.
 *
 * @example
 * const server = await startMockServer({ port: 0 });
 * // point any client at server.baseUrl, then: await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const basePath = normalizeBasePath(options.basePath ?? '/api/v1');
  const mock = createImagesMock({ ...options, baseUrl: `http://localhost${basePath}` });
  // A dropped connection is a scenario the user asked for, not a failure to report.
  const onError = options.onError ?? ((error: unknown) => console.error('[openrouter-images-mock]', error));
  const server = await listen(mock.handle, {
    ...options,
    onError: (error) => {
      if (!(error instanceof DroppedConnection)) onError(error);
    },
  });
  return Object.assign(server, { baseUrl: `${server.url}${basePath}`, mock });
}
