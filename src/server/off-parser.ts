import {
  type IncomingMessage,
  type Server,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnswerHandler, MockAnswer, MockRequest } from '../http/answer.ts';
import { said } from '../message.ts';
import { targetUrl } from './node-adapter.ts';

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

/**
 * What node:http answers to a client error when nobody listens for 'clientError'; the statuses
 * the document lists for the API (408, 413) come in the service's error shape.
 */
const DEFAULT_CLIENT_ERROR_ANSWERS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: errorAnswer(413, 'Payload Too Large', 'Request payload too large'),
  ERR_HTTP_REQUEST_TIMEOUT: errorAnswer(408, 'Request Timeout', 'Request timed out'),
};

function errorAnswer(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ error: { code: status, message } });
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/** A method token (RFC 9110), then the target and the version: the line the parser gave up on. */
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/1\.[01]$/;

/**
 * Sends CONNECT requests and requests with methods node:http's parser does not know to `handler`.
 * `inFlight` names the response still being written on a socket, if any: an answer waits for it,
 * so two answers never interleave on one connection.
 */
export function answerOffParser(
  server: Server,
  handler: AnswerHandler,
  inFlight: (socket: Duplex) => { once(event: 'close', listener: () => void): unknown } | undefined,
  onError: (error: unknown) => void,
): void {
  const answer = (socket: Duplex, head: RawHead) => {
    socket.on('error', noop);
    const go = () => {
      answerRaw(handler, socket as Socket, head).catch((error: unknown) => {
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
      if (socket.writable && !busy?.headersSent)
        socket.write(DEFAULT_CLIENT_ERROR_ANSWERS[error.code ?? ''] ?? BAD_REQUEST);
      socket.destroy(error);
    },
  );
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
async function answerRaw(handler: AnswerHandler, socket: Socket, head: RawHead): Promise<void> {
  const request = offParserRequest(head, socket);
  const answer: MockAnswer = request
    ? await handler(request)
    : {
        status: 400,
        headers: [['content-type', 'application/json']],
        body: '{"error":{"code":400,"message":"Bad Request"}}',
      };
  const body = await bodyBytes(answer.body);
  if (answer.status === 0 || socket.destroyed) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${answer.status} ${answer.statusText || STATUS_CODES[answer.status] || ''}`];
  for (const [name, value] of answer.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
    if (isValidHeader(name, value)) lines.push(`${name}: ${value}`);
  }
  lines.push(`content-length: ${body.byteLength}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
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
