import type { IncomingMessage } from 'node:http';
import type { MockRequest } from '../../http/answer.ts';
import { said } from '../../message.ts';

const utf8 = new TextDecoder();

/**
 * A node:http request as the resolver reads it. Headers come from `rawHeaders` (repeated ones
 * joined with `, `, as `Headers` joins them); the Web `Request` is built only if asked for.
 */
export class NodeRequest implements MockRequest {
  readonly method: string;
  readonly url: string;
  readonly pathname: string;
  readonly #aborts: { readonly signal: AbortSignal };
  readonly #req: IncomingMessage;
  readonly #body: Buffer | ReadableStream<Uint8Array> | null;
  #headers: Map<string, string> | undefined;
  #request: Request | undefined;
  #read = false;

  /**
   * @param aborts Where the signal comes from, asked only when the handler reads `signal`.
   * @param body Read whole already (a small body), streaming from the socket, or none.
   */
  constructor(
    req: IncomingMessage,
    method: string,
    url: URL,
    aborts: { readonly signal: AbortSignal },
    body: Buffer | ReadableStream<Uint8Array> | null,
  ) {
    this.#req = req;
    this.method = method;
    this.url = url.href;
    this.pathname = url.pathname;
    this.#aborts = aborts;
    this.#body = body;
  }

  get signal(): AbortSignal {
    return this.#aborts.signal;
  }

  #map(): Map<string, string> {
    if (this.#headers) return this.#headers;
    const map = new Map<string, string>();
    const raw = this.#req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      const value = raw[i + 1] as string;
      const previous = map.get(name);
      map.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
    this.#headers = map;
    return map;
  }

  header(name: string): string | null {
    return this.#map().get(name) ?? null;
  }

  headerEntries(): Iterable<[string, string]> {
    return this.#map();
  }

  async text(): Promise<string> {
    if (this.#request) return this.#request.text();
    if (this.#read) throw new TypeError(said(`the request body has already been read`));
    this.#read = true;
    const body = this.#body;
    if (body === null) return '';
    // Decoded as `Request.text()` decodes: UTF-8, a leading BOM dropped, bad bytes replaced.
    if (body instanceof Buffer) return utf8.decode(body);
    return new Response(body as ReadableStream<Uint8Array>).text();
  }

  toRequest(): Request {
    if (this.#request) return this.#request;
    if (this.#read) throw new TypeError(said(`the request body has already been read`));
    // Pairs from rawHeaders keep repeated headers as separate entries, which `Headers` combines per spec.
    const raw = this.#req.rawHeaders;
    const headers: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
    const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers };
    const body = this.#body;
    if (body instanceof Buffer) init.body = body as unknown as BodyInit;
    else if (body !== null) {
      init.body = body as ReadableStream<Uint8Array>;
      // Required by the fetch spec for a stream body; the request is read while the response may start.
      init.duplex = 'half';
    }
    const request = new Request(this.url, init);
    // Set after construction: a signal given to the constructor is followed through a WeakRef and a
    // FinalizationRegistry, which keeps every request alive longer and costs throughput and memory.
    Object.defineProperty(request, 'signal', { value: this.signal });
    this.#request = request;
    return request;
  }
}
