import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ParsedStream {
  /** Every message, `[DONE]` included, in order. */
  messages: EventSourceMessage[];
  /** The JSON events (everything but `[DONE]`). */
  events: Array<Record<string, unknown> & { type: string }>;
  /** Comment lines (keep-alives), without the leading colon. */
  comments: string[];
  /** The raw chunks as the body delivered them. */
  chunks: Uint8Array[];
  done: boolean;
  /** The error that ended the body early, if any (a dropped connection). */
  error?: unknown;
}

/** Reads an SSE body with a real parser (eventsource-parser), chunk by chunk as it arrives. */
export async function readSse(response: Response): Promise<ParsedStream> {
  const result: ParsedStream = { messages: [], events: [], comments: [], chunks: [], done: false };
  const parser = createParser({
    onEvent: (message) => {
      result.messages.push(message);
      if (message.data === '[DONE]') result.done = true;
      else result.events.push(JSON.parse(message.data));
    },
    onComment: (comment) => result.comments.push(comment.trim()),
  });
  const decoder = new TextDecoder();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      result.chunks.push(value);
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    result.error = error;
  }
  return result;
}
