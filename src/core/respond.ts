import type { MockAnswer } from '../http/answer.ts';

const encoder = new TextEncoder();

/** One data-only SSE frame. JSON never contains a raw newline, so one `data:` line suffices. */
export const sseFrame = (data: unknown) =>
  encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

/**
 * A body whose chunks are produced only when the reader pulls, so a client that goes away stops
 * the producer: `cancel()` runs `onCancel` and ends the iterator.
 */
export function pulledBody(
  chunks: AsyncIterator<Uint8Array>,
  onCancel: () => void = () => {},
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
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
}

/** A `text/event-stream` answer produced as it is read (see `pulledBody`). */
export function sseAnswer(
  chunks: AsyncIterator<Uint8Array>,
  onCancel: () => void = () => {},
  headers: Record<string, string> = {},
): MockAnswer {
  const body = pulledBody(chunks, onCancel);
  return {
    status: 200,
    headers: Object.entries({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...headers,
    }),
    body,
  };
}
