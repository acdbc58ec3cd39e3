import { decodeBody, normalizeHeaders, type RecordedExchange } from '../check/exchange.ts';
import type { FetchHandler } from './node-adapter.ts';

/** Called once an exchange is complete: the answer's whole body has gone to the client. */
export type ExchangeListener = (exchange: RecordedExchange, started: Date, ms: number) => void;

/**
 * Wraps a handler so every exchange is also observed whole (for recording and checking): the
 * request body is read once and handed on, the response body is teed as it streams to the client.
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
    if (text) recorded.request.body = decodeBody(text, headers['content-type']);
    const finish = (body: string) => {
      if (body) recorded.response.body = decodeBody(body, recorded.response.headers['content-type']);
      onExchange(recorded, started, Math.round(performance.now() - t0));
    };
    if (!response.body) {
      finish('');
      return response;
    }
    const [toClient, toRecord] = response.body.tee();
    new Response(toRecord).text().then(finish, () => finish(''));
    return new Response(toClient, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
