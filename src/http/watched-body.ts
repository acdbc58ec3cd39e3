/** How a streamed body ended: in full, failing (a dropped connection), or abandoned by its reader. */
export type BodyEnding = 'whole' | 'cut' | 'client left';

/**
 * The same body, pulled through chunk by chunk as its reader asks (nothing read ahead, no tee),
 * handing each chunk to `onChunk` and calling `onEnd` once: at the end, when the source fails, or
 * when the reader goes away (which stops the source too).
 */
export function watchedBody(
  source: ReadableStream<Uint8Array>,
  onEnd: (ending: BodyEnding) => void,
  onChunk?: (chunk: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let ended = false;
  const end = (ending: BodyEnding) => {
    if (ended) return;
    ended = true;
    onEnd(ending);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          end('cut');
          controller.error(error);
          return;
        }
        if (next.done) {
          end('whole');
          controller.close();
          return;
        }
        onChunk?.(next.value);
        controller.enqueue(next.value);
      },
      cancel(reason) {
        end('client left');
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
