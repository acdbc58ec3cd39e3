import type { FetchHandler } from './node-adapter.ts';

// Headers a browser app needs to read from the mock's answers (retry logic, rate-limit displays).
const EXPOSED = 'retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, content-type';

/**
 * Lets a browser app on another origin call the server: answers preflights (`OPTIONS` with
 * `Access-Control-Request-Method`) with 204, and adds `Access-Control-Allow-Origin` to every answer.
 * The mock holds no cookies, so echoing the origin with credentials allowed is safe here.
 */
export function withCors(handler: FetchHandler): FetchHandler {
  return async (request) => {
    const origin = request.headers.get('origin');
    if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin ?? '*',
          'access-control-allow-methods': 'GET, HEAD, POST, DELETE, OPTIONS',
          'access-control-allow-headers':
            request.headers.get('access-control-request-headers') ?? 'authorization, content-type, prefer',
          'access-control-allow-credentials': 'true',
          'access-control-max-age': '600',
          vary: 'Origin',
        },
      });
    }
    const response = await handler(request);
    if (!origin) return response;
    const headers = new Headers(response.headers);
    headers.set('access-control-allow-origin', origin);
    headers.set('access-control-allow-credentials', 'true');
    headers.set('access-control-expose-headers', EXPOSED);
    headers.append('vary', 'Origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
