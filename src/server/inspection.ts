import { ImagesApiError } from '../contract/errors.ts';
import type { ImagesMock } from '../core/mock.ts';
import { jsonResponse } from '../core/respond.ts';
import { pathnameOf } from '../core/url-path.ts';
import type { FetchHandler } from './node-adapter.ts';

/** Where the server's own endpoints live: outside any base path an API could use. */
export const INSPECTION_PREFIX = '/__mock';

/**
 * The server's inspection endpoints, in front of the API:
 * `GET /__mock/health`, `GET /__mock/requests` (the journal, keys redacted) and
 * `DELETE /__mock/requests` (empties it and resets simulated credits and rate limits).
 */
export function withInspection(handler: FetchHandler, mock: ImagesMock, version: string): FetchHandler {
  const started = Date.now();
  return async (request) => {
    const pathname = pathnameOf(request.url);
    if (!pathname.startsWith(`${INSPECTION_PREFIX}/`)) return handler(request);
    const route = pathname.slice(INSPECTION_PREFIX.length);
    const method = request.method.toUpperCase();
    if (route === '/health' && (method === 'GET' || method === 'HEAD')) {
      return jsonResponse({
        status: 'ok',
        version,
        uptime_ms: Date.now() - started,
        models: mock.catalog.list().length,
        requests: mock.journal.list().length,
      });
    }
    if (route === '/requests' && (method === 'GET' || method === 'HEAD')) {
      return jsonResponse({ data: mock.journal.list() });
    }
    if (route === '/requests' && method === 'DELETE') {
      mock.journal.clear();
      mock.accounts.reset();
      return new Response(null, { status: 204 });
    }
    const allowed =
      route === '/health' ? 'GET, HEAD' : route === '/requests' ? 'GET, HEAD, DELETE' : undefined;
    if (allowed)
      return new ImagesApiError(405, `Method ${method} is not allowed on ${pathname}`, undefined, {
        allow: allowed,
      }).toResponse();
    return new ImagesApiError(404, 'Not Found').toResponse();
  };
}
