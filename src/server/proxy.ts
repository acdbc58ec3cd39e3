import { ImagesApiError } from '../contract/errors.ts';
import { DroppedConnection } from '../core/drop.ts';
import { errorResponse } from '../core/error-answer.ts';
import { pulledBody } from '../core/respond.ts';
import type { FetchHandler } from './node/web-handler.ts';

// Hop-by-hop headers, and those fetch computes itself, are not forwarded.
const DROPPED = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * Forwards every request under `basePath` to `upstream` (e.g. `https://openrouter.ai/api/v1`):
 * same method, headers (the caller's key included) and body; the answer streams back as it comes.
 */
export function createProxyHandler(upstream: string, basePath: string): FetchHandler {
  const base = upstream.replace(/\/+$/, '');
  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(basePath)) throw new ImagesApiError(404, 'Not Found');
    const target = `${base}${url.pathname.slice(basePath.length)}${url.search}`;
    const headers = new Headers();
    for (const [name, value] of request.headers) if (!DROPPED.has(name)) headers.set(name, value);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    try {
      const answer = await fetch(target, {
        method: request.method,
        headers,
        signal: request.signal,
        redirect: 'manual',
        ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      });
      const out = new Headers(answer.headers);
      // fetch has already decoded the body; its encoding and length no longer apply.
      out.delete('content-encoding');
      out.delete('content-length');
      return new Response(answer.body && relayed(answer.body), {
        status: answer.status,
        statusText: answer.statusText,
        headers: out,
      });
    } catch (error) {
      if (request.signal.aborted) throw error;
      const detail = causeOf(error);
      return errorResponse(
        new ImagesApiError(502, `openrouter-images-mock proxy: upstream ${base} did not answer (${detail})`),
      );
    }
  };
}

const causeOf = (error: unknown) =>
  error instanceof Error
    ? error.cause instanceof Error
      ? error.cause.message
      : error.message
    : String(error);

/**
 * The upstream's body as it comes. When the upstream cuts it short, the client's connection is cut
 * the same way (a `DroppedConnection`, as the mock's own `stream-drop` is): what the upstream did,
 * passed on and recorded, not a failure of this server to report.
 */
function relayed(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  async function* chunks() {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new DroppedConnection(`the upstream closed the connection mid-body (${causeOf(error)})`);
      }
      if (next.done) return;
      yield next.value;
    }
  }
  return pulledBody(chunks(), () => {
    reader.cancel().catch(() => {});
  });
}
