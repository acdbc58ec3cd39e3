import { type BodyEnding, watchedBody } from '../http/watched-body.ts';
import { decodeBody, normalizeHeaders, type RecordedExchange } from '../recording/exchange.ts';
import { parseSse } from '../recording/sse.ts';
import { redactText } from '../secrets/redact.ts';
import type { FetchHandler } from './node/web-handler.ts';

/** Called once an exchange is complete: the answer's whole body has gone to the client, or was cut. */
export type ExchangeListener = (exchange: RecordedExchange, started: Date, ms: number) => void;

/**
 * Wraps a handler so every exchange is also observed whole (for recording and checking): the
 * request body is read once and handed on; the response body is recorded chunk by chunk as the
 * client's side reads it, so the record holds what was sent. A body that fails (a dropped stream,
 * a cut upstream) reaches the client failing just the same, and is recorded with `cut`.
 */
export function withRecording(handler: FetchHandler, onExchange: ExchangeListener): FetchHandler {
  return async (request) => {
    const started = new Date();
    const t0 = performance.now();
    const text = request.body ? await request.text() : undefined;
    const headers = normalizeHeaders(request.headers);
    const forwarded = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      ...(text === undefined ? {} : { body: text }),
    });
    const response = await handler(forwarded);
    const recorded: RecordedExchange = {
      request: { method: request.method.toUpperCase(), url: request.url, headers },
      response: { status: response.status, headers: normalizeHeaders(response.headers) },
    };
    // Redacted as text, before parsing: JSON stays JSON, and no depth of nesting matters. Replay
    // redacts a live request's body the same way before matching it.
    if (text) recorded.request.body = decodeBody(redactText(text), headers['content-type']);
    const finish = (chunks: Uint8Array[], ending: BodyEnding) => {
      const bytes = concat(chunks);
      const body = new TextDecoder().decode(bytes);
      const contentType = recorded.response.headers['content-type'];
      if (body) recorded.response.body = decodeBody(body, contentType);
      if (ending !== 'whole') {
        const far = howFar(body, bytes.byteLength, contentType);
        recorded.response.cut = ending === 'client left' ? `${far}: the client went away` : far;
      }
      onExchange(recorded, started, Math.round(performance.now() - t0));
    };
    // A HEAD answer's body is never sent: nothing to record, and its dropping is no cut.
    if (!response.body || request.method.toUpperCase() === 'HEAD') {
      finish([], 'whole');
      return response;
    }
    return new Response(observed(response.body, finish), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The same body, passed on as it is pulled, calling `finish` once with the chunks handed on. */
function observed(
  source: ReadableStream<Uint8Array>,
  finish: (chunks: Uint8Array[], ending: BodyEnding) => void,
): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  return watchedBody(
    source,
    (ending) => finish(chunks, ending),
    (chunk) => chunks.push(chunk),
  );
}

/** `after 2 events` for a stream (complete frames, as a client counts them), else `after 1234 bytes`. */
function howFar(body: string, bytes: number, contentType: string | undefined): string {
  if (contentType && /^text\/event-stream\b/i.test(contentType)) {
    const events = parseSse(body).messages.length;
    return `after ${events} event${events === 1 ? '' : 's'}`;
  }
  return `after ${bytes} byte${bytes === 1 ? '' : 's'}`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
