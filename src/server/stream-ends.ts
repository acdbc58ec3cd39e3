import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordedRequest } from '../core/journal.ts';
import type { AnswerHandler } from '../http/answer.ts';
import { type BodyEnding, watchedBody } from '../http/watched-body.ts';

/**
 * Reports a streamed answer's journal entry once its body has ended rather than when its head is
 * ready, so a log line can say whether the stream was cut. The mock announces the entry
 * (`onAnswered`) inside the handler's call; the handler's wrapper is what sees the body. Which
 * call an entry belongs to is kept in AsyncLocalStorage, since many requests run at once.
 */
export interface StreamEnds {
  /** The handler whose streamed answers are watched. */
  wrap(handler: AnswerHandler): AnswerHandler;
  /** From `onAnswered`: true when `entry` is a stream that `onEnd` will report once it ends. */
  defer(entry: RecordedRequest): boolean;
}

export function streamEnds(onEnd: (entry: RecordedRequest, ending: BodyEnding) => void): StreamEnds {
  const calls = new AsyncLocalStorage<{ entry?: RecordedRequest }>();
  return {
    wrap: (handler) => (request) => {
      const call: { entry?: RecordedRequest } = {};
      return calls.run(call, async () => {
        const answer = await handler(request);
        const entry = call.entry;
        if (!entry) return answer;
        if (!(answer.body instanceof ReadableStream)) {
          onEnd(entry, 'whole');
          return answer;
        }
        return { ...answer, body: watchedBody(answer.body, (ending) => onEnd(entry, ending)) };
      });
    },
    defer(entry) {
      const call = calls.getStore();
      if (!call || !entry.response?.stream) return false;
      call.entry = entry;
      return true;
    },
  };
}
