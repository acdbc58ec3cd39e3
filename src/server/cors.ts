import type { AnswerHandler } from '../http/answer.ts';

// Headers a browser app needs to read from the mock's answers (retry logic, rate-limit displays).
const EXPOSED =
  'retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, content-type, x-mock-generic-model';

/**
 * Lets a browser app on another origin call the server: answers preflights (`OPTIONS` with
 * `Access-Control-Request-Method`) with 204, and adds `Access-Control-Allow-Origin` to every answer.
 * The mock holds no cookies, so echoing the origin with credentials allowed is safe here.
 */
export function withCors(handler: AnswerHandler): AnswerHandler {
  return async (request) => {
    const origin = request.header('origin');
    if (request.method === 'OPTIONS' && request.header('access-control-request-method') !== null) {
      return {
        status: 204,
        headers: [
          ['access-control-allow-origin', origin ?? '*'],
          ['access-control-allow-methods', 'GET, HEAD, POST, DELETE, OPTIONS'],
          [
            'access-control-allow-headers',
            request.header('access-control-request-headers') ?? 'authorization, content-type, prefer',
          ],
          ['access-control-allow-credentials', 'true'],
          ['access-control-max-age', '600'],
          ['vary', 'Origin'],
        ],
        body: null,
      };
    }
    const answer = await handler(request);
    if (!origin) return answer;
    // Whatever the handler said about CORS is replaced; `vary` is added to.
    const headers = answer.headers.filter(
      ([name]) =>
        name !== 'access-control-allow-origin' &&
        name !== 'access-control-allow-credentials' &&
        name !== 'access-control-expose-headers',
    );
    headers.push(
      ['access-control-allow-origin', origin],
      ['access-control-allow-credentials', 'true'],
      ['access-control-expose-headers', EXPOSED],
      ['vary', 'Origin'],
    );
    return { ...answer, headers };
  };
}
