import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names in lower case; repeated ones joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One request written by hand on a fresh connection (`Connection: close`), for what no HTTP client
 * sends: CONNECT with a path, TRACK, made-up methods. The answer must not be chunked.
 */
export function rawRequest(
  url: string,
  method: string,
  options: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const { hostname, port, pathname, search, host } = new URL(url);
  const body = options.body ?? '';
  const headers = { host, connection: 'close', ...options.headers };
  if (body) Object.assign(headers, { 'content-length': String(Buffer.byteLength(body)) });
  const head = [
    `${method} ${pathname}${search} HTTP/1.1`,
    ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head.join('\r\n')}\r\n\r\n${body}`));
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new Error(`${method} ${url}: no answer in time`)),
      options.timeoutMs ?? 5_000,
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(parseAnswer(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseAnswer(raw: string): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) throw new Error(`bad status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  if (headers['transfer-encoding']) throw new Error('rawRequest cannot read a chunked answer');
  return { status: Number(status), headers, body: raw.slice(split + 4) };
}
