import { ImagesApiError } from '../../contract/errors.ts';
import { errorAnswer } from '../../core/error-answer.ts';
import type { RecordedRequest } from '../../core/journal.ts';
import type { MockAnswer } from '../../http/answer.ts';

export interface LiveFeedOptions<Row> {
  /** The row of an entry, built when it is sent (a stream's entry gains its images meanwhile). */
  row: (entry: RecordedRequest) => Row;
  /** What a page gets first, and again after the journal is emptied. */
  snapshot: () => unknown;
  /** Pages open at once; more get 503. @default 8 */
  maxSubscribers?: number;
  /** Rows go out in batches at most this often, however fast requests come. @default 50 */
  flushMs?: number;
  /** A comment this often, so a connection that died without a word is noticed. @default 20000 */
  heartbeatMs?: number;
}

// A page that reads less than this far behind is dropped (it reconnects and gets a snapshot):
// what waits for a slow reader is bounded, whatever the request rate.
const MAX_QUEUED_CHUNKS = 64;
const encoder = new TextEncoder();
const frame = (event: string, data: unknown) =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * The gallery's live feed, as Server-Sent Events: a `snapshot` when a page connects, then `rows`
 * (new and changed entries, batched). Nothing is built while no page is open; a page that closes
 * cancels its stream and leaves at once.
 */
export class LiveFeed<Row> {
  readonly #options: LiveFeedOptions<Row>;
  readonly #subscribers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #pending = new Map<number, RecordedRequest>();
  #flushTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: LiveFeedOptions<Row>) {
    this.#options = options;
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** A `text/event-stream` answer for one page, or 503 when too many are open. */
  subscribe(): MockAnswer {
    if (this.#closed || this.#subscribers.size >= (this.#options.maxSubscribers ?? 8)) {
      return errorAnswer(
        new ImagesApiError(503, 'Too many gallery pages are open; close one and reload', undefined, {
          'retry-after': '5',
        }),
      );
    }
    let self: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        this.#subscribers.add(controller);
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        controller.enqueue(frame('snapshot', this.#options.snapshot()));
        this.#heartbeat ??= setInterval(() => this.#send(encoder.encode(': ping\n\n')), this.#heartbeatMs());
        this.#heartbeat.unref();
      },
      // The page closed (or the server dropped it): no reference to it remains.
      cancel: () => this.#leave(self),
    });
    return {
      status: 200,
      headers: [
        ['content-type', 'text/event-stream; charset=utf-8'],
        ['cache-control', 'no-store'],
        ['x-content-type-options', 'nosniff'],
      ],
      body,
    };
  }

  /** `entry` is new or changed: it goes out with the next batch. */
  changed(entry: RecordedRequest): void {
    if (this.#subscribers.size === 0) return;
    this.#pending.set(entry.id, entry);
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.flushMs ?? 50);
  }

  /** Every page starts over from a new snapshot (the journal was emptied). */
  resync(): void {
    this.#pending.clear();
    if (this.#subscribers.size > 0) this.#send(frame('snapshot', this.#options.snapshot()));
  }

  /** Ends every stream, so the server's shutdown does not wait on open pages. */
  close(): void {
    this.#closed = true;
    for (const controller of [...this.#subscribers]) this.#drop(controller);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    if (entries.length > 0 && this.#subscribers.size > 0)
      this.#send(frame('rows', entries.map(this.#options.row)));
  }

  #send(chunk: Uint8Array): void {
    for (const controller of [...this.#subscribers]) {
      if ((controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS) this.#drop(controller);
      else controller.enqueue(chunk);
    }
  }

  /** Ends one page's stream once what is queued for it is read. */
  #drop(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#leave(controller);
    controller.close();
  }

  #leave(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#subscribers.delete(controller);
    if (this.#subscribers.size > 0) return;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flushTimer);
    this.#heartbeat = undefined;
    this.#flushTimer = undefined;
    this.#pending.clear();
  }

  #heartbeatMs(): number {
    return this.#options.heartbeatMs ?? 20_000;
  }
}
