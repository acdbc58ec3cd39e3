/**
 * Responses whose whole body is a string known when they are built (JSON answers and errors),
 * with that string. The node adapter (src/server/node-adapter.ts) writes such a body straight
 * from the string, in one `res.end`, instead of reading it back through the Response's stream
 * (a reader, two reads and a peek per answer: a measurable share of a small answer's cost).
 * A WeakMap: nothing is kept once the Response is gone, and other Responses are unaffected.
 */
const texts = new WeakMap<Response, string>();

/** `new Response(text, init)`, remembered so a server can write `text` without streaming it. */
export function textResponse(text: string, init: ResponseInit): Response {
  const response = new Response(text, init);
  texts.set(response, text);
  return response;
}

/**
 * The body of a Response made by {@link textResponse}, if nobody has started reading it yet;
 * otherwise (or for any other Response) undefined, and the body must be read from its stream.
 */
export function knownText(response: Response): string | undefined {
  const text = texts.get(response);
  if (text === undefined || response.bodyUsed || response.body?.locked) return undefined;
  return text;
}

/**
 * Request bodies a server read whole before building the Request (node-adapter does so for small
 * bodies of announced length), so the mock can decode them without streaming them back out of
 * the Request. Like the responses above: a WeakMap, consulted only while the body is unread.
 */
const requestBodies = new WeakMap<Request, Uint8Array>();
const utf8 = new TextDecoder();

/** Records that `request`'s body is exactly `bytes`. */
export function rememberRequestBody(request: Request, bytes: Uint8Array): void {
  requestBodies.set(request, bytes);
}

/**
 * `request.text()`, decoded from the remembered bytes when there are some and the body is unread
 * (UTF-8 with a leading BOM dropped, replacement characters for bad bytes: as `text()` decodes).
 * The Request's own body stream is then left unread; nothing reads a request twice here.
 */
export function requestText(request: Request): Promise<string> {
  const bytes = requestBodies.get(request);
  if (bytes === undefined || request.bodyUsed || request.body?.locked) return request.text();
  requestBodies.delete(request);
  return Promise.resolve(utf8.decode(bytes));
}
