/**
 * What the request side and the answer side of one exchange share: whether the handler's answer
 * is still wanted, the signal that tells the handler, and the reader of the answer's body (cancelled
 * at once when the client leaves, so a producer such as an SSE generator stops).
 */
export class Exchange {
  /** Set when the client left, the adapter answered in the handler's place (413) or the body failed. */
  settled = false;
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #controller: AbortController | undefined;
  #aborted = false;

  /**
   * Made only when someone asks for it: most answers (every error, every cached image) never wait
   * on anything, and an AbortSignal is an EventTarget, costly per request.
   */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** The handler's answer is no longer wanted: settle the exchange and abort the signal. */
  abort(): void {
    this.settled = true;
    this.#aborted = true;
    this.#controller?.abort();
  }
}
