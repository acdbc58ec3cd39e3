import {
  type IncomingMessage,
  type Server,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnswerHandler, MockAnswer, MockRequest } from '../../http/answer.ts';
import { said } from '../../message.ts';
import { type ErrorAnswerMaker, errorAnswerHeaders, plainErrorAnswer } from './error-answer.ts';
import { targetUrl } from './target-url.ts';

// node:http gives a request listener only the methods its parser knows, CONNECT excepted. A
// gateway answers every method on a route with 405 and `Allow`, so the other two kinds of request
// are read here and handed to the same handler:
// - CONNECT, which node:http passes to 'connect' listeners (with none, it drops the connection);
// - methods its parser does not know (TRACK, or any other token), which it refuses with a bare 400.
// Such a request reaches the handler without its body, and its connection closes after the answer.

/** The head of a request that node:http did not turn into a request for the listener. */
interface RawHead {
  method: string;
  target: string;
  /** Name/value pairs as received, as `IncomingMessage.rawHeaders` has them. */
  rawHeaders: string[];
}

const noop = (): void => {};

/** What node:http answers to a header too large when nobody listens for 'clientError'. */
const HEADER_OVERFLOW = 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';

/**
 * The client errors answered with a body, as every answer the adapter gives on its own: the
 * statuses the document lists for the API (408, 413), where node:http would send a bare line.
 */
const SHAPED_CLIENT_ERRORS: Readonly<Record<string, readonly [status: number, message: string]>> = {
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Request payload too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request timed out'],
};

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/** A method token (RFC 9110), then the target and the version: the line the parser gave up on. */
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/1\.[01]$/;

/** Options of {@link answerOffParser}. */
export interface OffParserOptions {
  /**
   * The response still being written on a socket, if any: an answer waits for it, so two answers
   * never interleave on one connection.
   */
  inFlight: (socket: Duplex) => { once(event: 'close', listener: () => void): unknown } | undefined;
  onError: (error: unknown) => void;
  /** The bodies of the answers given here on the handler's behalf (408, 413, 400). */
  errorAnswer: ErrorAnswerMaker;
}

/**
 * Sends CONNECT requests and requests with methods node:http's parser does not know to `handler`;
 * answers a request that timed out (408) or whose chunk extensions overflow (413) with a body.
 */
export function answerOffParser(server: Server, handler: AnswerHandler, options: OffParserOptions): void {
  const { inFlight, onError, errorAnswer } = options;
  const answer = (socket: Duplex, head: RawHead) => {
    socket.on('error', noop);
    const go = () => {
      answerRaw(handler, socket as Socket, head, errorAnswer).catch((error: unknown) => {
        onError(error);
        socket.destroy();
      });
    };
    const busy = inFlight(socket);
    if (busy) busy.once('close', go);
    else go();
  };

  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    answer(socket, { method: req.method ?? 'CONNECT', target: req.url ?? '', rawHeaders: req.rawHeaders });
  });

  server.on(
    'clientError',
    (error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }, socket: Duplex) => {
      const head =
        error.code === 'HPE_INVALID_METHOD' ? parseHead(error.rawPacket, error.bytesParsed) : undefined;
      if (head) {
        answer(socket, head);
        return;
      }
      // As node:http does without a listener: a bare status line unless an answer has begun.
      socket.on('error', noop);
      const busy = inFlight(socket) as { headersSent?: boolean } | undefined;
      if (socket.writable && !busy?.headersSent) socket.write(clientErrorAnswer(error.code, options));
      socket.destroy(error);
    },
  );
}

/** The bytes answering a client error of this code: a body where one is shaped, else node:http's line. */
function clientErrorAnswer(code: string | undefined, options: OffParserOptions): string | Buffer {
  if (code === 'HPE_HEADER_OVERFLOW') return HEADER_OVERFLOW;
  const shaped = SHAPED_CLIENT_ERRORS[code ?? ''];
  if (!shaped) return BAD_REQUEST;
  const [status, message] = shaped;
  let answer: MockAnswer;
  try {
    answer = shapedAnswer(status, message, options.errorAnswer);
  } catch (error) {
    // The socket is about to close: the client still gets its status, with the plain body.
    options.onError(error);
    answer = shapedAnswer(status, message, plainErrorAnswer);
  }
  // `Connection` capitalized, as node:http writes it in its own answers to client errors.
  return serialize(answer, Buffer.from(answer.body as string | Uint8Array), 'Connection: close');
}

/** The adapter's own answer of this status, its headers and body from `make`. */
function shapedAnswer(status: number, message: string, make: ErrorAnswerMaker): MockAnswer {
  const made = make(status, message);
  return { status, headers: errorAnswerHeaders(made), body: made.body };
}

/** The request line and headers of the request the parser failed on, if they read as HTTP/1.x. */
function parseHead(packet: Buffer | undefined, failedAt = 0): RawHead | undefined {
  if (!packet) return undefined;
  const text = packet.toString('latin1');
  // The failure is within the method, so the request starts at the line it is on (earlier
  // requests of a pipelined packet end before it).
  const start = text.lastIndexOf('\n', Math.max(0, failedAt - 1)) + 1;
  const lines = text.slice(start).split(/\r?\n/);
  const line = REQUEST_LINE.exec(lines[0] ?? '');
  if (!line) return undefined;
  const rawHeaders: string[] = [];
  for (const header of lines.slice(1)) {
    if (header === '') break;
    const colon = header.indexOf(':');
    if (colon <= 0) continue;
    rawHeaders.push(header.slice(0, colon), header.slice(colon + 1).trim());
  }
  return { method: line[1] as string, target: line[2] as string, rawHeaders };
}

/** Asks the handler, writes its answer with Content-Length and closes the connection. */
async function answerRaw(
  handler: AnswerHandler,
  socket: Socket,
  head: RawHead,
  errorAnswer: ErrorAnswerMaker,
): Promise<void> {
  const request = offParserRequest(head, socket);
  const answer = request ? await handler(request) : shapedAnswer(400, 'Bad Request', errorAnswer);
  const body = await bodyBytes(answer.body);
  if (answer.status === 0 || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.end(serialize(answer, body, 'connection: close'));
}

/**
 * The answer on the wire: status line, the headers node:http would accept (framing left out),
 * Content-Length, then `connection` (the last header) and the body.
 */
function serialize(answer: MockAnswer, body: Uint8Array, connection: string): Buffer {
  const lines = [`HTTP/1.1 ${answer.status} ${answer.statusText || STATUS_CODES[answer.status] || ''}`];
  for (const [name, value] of answer.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
    if (isValidHeader(name, value)) lines.push(`${name}: ${value}`);
  }
  lines.push(`content-length: ${body.byteLength}`, connection, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

function isValidHeader(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

async function bodyBytes(body: MockAnswer['body']): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** The request as the handler reads it, with no body; undefined when its target is unusable. */
function offParserRequest(head: RawHead, socket: Socket): MockRequest | undefined {
  const headers = new Map<string, string>();
  for (let i = 0; i < head.rawHeaders.length; i += 2) {
    const name = (head.rawHeaders[i] as string).toLowerCase();
    const value = head.rawHeaders[i + 1] as string;
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  const url = targetUrl(head.target, headers.get('host'), socket);
  if (!url) return undefined;
  const abort = new AbortController();
  socket.once('close', () => abort.abort());
  const method = head.method;
  return {
    method,
    url: url.href,
    pathname: url.pathname,
    signal: abort.signal,
    header: (name) => headers.get(name) ?? null,
    headerEntries: () => headers,
    text: async () => '',
    toRequest: () => {
      try {
        return new Request(url.href, { method, headers: [...headers], signal: abort.signal });
      } catch (error) {
        throw new TypeError(said(`a ${method} request cannot be a Web Request`), { cause: error });
      }
    },
  };
}
