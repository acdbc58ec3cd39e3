import { textResponse } from './text-response.ts';

/** A JSON answer; `body` is serialized once, here. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return textResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const encoder = new TextEncoder();

/** One data-only SSE frame. JSON never contains a raw newline, so one `data:` line suffices. */
export const sseFrame = (data: unknown) =>
  encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

/**
 * A `text/event-stream` answer whose chunks are produced only when the reader pulls, so a client
 * that goes away stops the generation: `cancel()` runs `onCancel` and ends the iterator.
 */
export function sseResponse(
  chunks: AsyncIterator<Uint8Array>,
  onCancel: () => void = () => {},
  headers: Record<string, string> = {},
): Response {
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      onCancel();
      await chunks.return?.(undefined).catch(() => {});
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
  });
}
