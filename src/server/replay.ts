import { ImagesApiError } from '../contract/errors.ts';
import { dropConnection } from '../core/drop.ts';
import { errorResponse } from '../core/error-answer.ts';
import { pulledBody } from '../core/respond.ts';
import type { RecordedExchange } from '../recording/exchange.ts';
import { bodyText } from '../recording/har-writer.ts';
import { redactText } from '../secrets/redact.ts';
import type { FetchHandler } from './node/web-handler.ts';

/** JSON with sorted keys, so two equal bodies give the same text whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

// Recordings hold URLs with their secrets redacted: a live request is matched redacted the same way.
const pathOf = (url: string) => {
  const { pathname, search } = new URL(url);
  return redactText(`${pathname}${search}`);
};

/** The recorded body; for an answer recorded cut, what was sent and then the same cut. */
function replayedBody(body: unknown, cut: string | undefined): string | ReadableStream<Uint8Array> | null {
  const text = body === undefined ? null : bodyText(body);
  if (cut === undefined) return text;
  async function* chunks() {
    if (text) yield new TextEncoder().encode(text);
    yield* dropConnection(`replayed cut (${cut})`);
  }
  return pulledBody(chunks());
}

/**
 * Answers from recorded exchanges: a request gets the recorded answer of the exchange with the
 * same method, path (after the base path) and body; repeated requests get the recordings in
 * order, starting over after the last. Anything unrecorded gets 404 saying so. An answer recorded
 * cut (`cut` / `_cut`) is replayed cut: what was recorded, then the connection drops.
 */
export function createReplayHandler(
  exchanges: RecordedExchange[],
  recordedBase: string,
  basePath: string,
): FetchHandler {
  const queues = new Map<string, RecordedExchange[]>();
  const keyOf = (method: string, path: string, body: unknown) =>
    `${method.toUpperCase()} ${path} ${canonical(body ?? null)}`;
  const recordedPath = new URL(recordedBase).pathname.replace(/\/+$/, '');
  for (const exchange of exchanges) {
    const path = pathOf(exchange.request.url);
    if (!path.startsWith(recordedPath)) continue;
    const key = keyOf(exchange.request.method, path.slice(recordedPath.length), exchange.request.body);
    queues.set(key, [...(queues.get(key) ?? []), exchange]);
  }
  const served = new Map<string, number>();
  return async (request) => {
    const path = pathOf(request.url);
    if (!path.startsWith(basePath)) throw new ImagesApiError(404, 'Not Found');
    // Recordings hold request bodies redacted (src/server/recording.ts): match this one redacted too.
    const text = request.body ? redactText(await request.text()) : '';
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const key = keyOf(request.method, path.slice(basePath.length), body);
    const queue = queues.get(key);
    if (!queue) {
      return errorResponse(
        new ImagesApiError(
          404,
          `openrouter-images-mock replay: no recorded exchange for ${request.method} ${path} with this body`,
        ),
      );
    }
    const index = served.get(key) ?? 0;
    served.set(key, index + 1);
    const { response } = queue[index % queue.length] as RecordedExchange;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    headers.delete('transfer-encoding');
    return new Response(replayedBody(response.body, response.cut), { status: response.status, headers });
  };
}
