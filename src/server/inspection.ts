import { ImagesApiError } from '../contract/errors.ts';
import { errorAnswer } from '../core/error-answer.ts';
import type { ImagesMock } from '../core/mock.ts';
import { type AnswerHandler, jsonAnswer } from '../http/answer.ts';

/** Where the server's own endpoints live: outside any base path an API could use. */
export const INSPECTION_PREFIX = '/__mock';

/**
 * The server's inspection endpoints, in front of the API:
 * `GET /__mock/health`, `GET /__mock/requests` (the journal, keys redacted; filters in the query) and
 * `DELETE /__mock/requests` (empties it and resets simulated credits and rate limits).
 */
export function withInspection(handler: AnswerHandler, mock: ImagesMock, version: string): AnswerHandler {
  const started = Date.now();
  return async (request) => {
    const pathname = request.pathname;
    if (!pathname.startsWith(`${INSPECTION_PREFIX}/`)) return handler(request);
    const route = pathname.slice(INSPECTION_PREFIX.length);
    const method = request.method.toUpperCase();
    if (route === '/health' && (method === 'GET' || method === 'HEAD')) {
      return jsonAnswer({
        status: 'ok',
        version,
        uptime_ms: Date.now() - started,
        models: mock.catalog.list().length,
        requests: mock.journal.list().length,
      });
    }
    if (route === '/requests' && (method === 'GET' || method === 'HEAD')) {
      // Filters: ?limit=&model=&status=&since= (checked against openapi/mock-control.yaml).
      const query = Object.fromEntries(new URL(request.url).searchParams);
      try {
        return jsonAnswer({ data: mock.control.listRequests(query) });
      } catch (error) {
        if (error instanceof ImagesApiError) return errorAnswer(error);
        throw error;
      }
    }
    if (route === '/requests' && method === 'DELETE') {
      mock.journal.clear();
      mock.accounts.reset();
      return { status: 204, headers: [], body: null };
    }
    const allowed =
      route === '/health' ? 'GET, HEAD' : route === '/requests' ? 'GET, HEAD, DELETE' : undefined;
    if (allowed)
      return errorAnswer(
        new ImagesApiError(405, `Method ${method} is not allowed on ${pathname}`, undefined, {
          allow: allowed,
        }),
      );
    return errorAnswer(new ImagesApiError(404, 'Not Found'));
  };
}
