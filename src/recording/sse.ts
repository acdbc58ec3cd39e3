import { createParser } from 'eventsource-parser';

/** One `data:` payload of a recorded stream. */
export interface SseMessage {
  /** Position among the stream's messages, from 0. */
  index: number;
  data: string;
  event?: string | undefined;
}

/** A recorded `text/event-stream` body, split into messages. */
export interface ParsedSse {
  messages: SseMessage[];
  comments: number;
  /** Framing problems the parser reported (for example an invalid field line). */
  problems: string[];
  /** Set when the text ends inside a frame (no blank line after its last `data:`): what a cut leaves. */
  unterminated?: string;
}

/**
 * Splits SSE text into messages with eventsource-parser (the same parser clients use), so
 * framing is judged as a real client would judge it.
 */
export function parseSse(text: string): ParsedSse {
  const messages: SseMessage[] = [];
  const problems: string[] = [];
  let comments = 0;
  const parser = createParser({
    onEvent: (message) => messages.push({ index: messages.length, data: message.data, event: message.event }),
    onComment: () => {
      comments++;
    },
    onError: (error) => problems.push(error.message),
  });
  parser.feed(text);
  // A last frame without its blank line is not dispatched by a client: do not count it either,
  // but say so.
  const tail = text.replace(/\r\n?/g, '\n');
  const parsed: ParsedSse = { messages, comments, problems };
  if (
    tail.length > 0 &&
    !tail.endsWith('\n\n') &&
    /(^|\n)data:/.test(tail.slice(tail.lastIndexOf('\n\n') + 2))
  )
    parsed.unterminated = 'the last frame is not terminated by a blank line, so clients drop it';
  return parsed;
}
