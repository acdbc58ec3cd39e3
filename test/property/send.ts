import { Agent, request as httpRequest, METHODS } from 'node:http';
import { rawRequest } from '../raw-http.ts';

export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Received {
  status: number;
  /** Names in lower case. */
  headers: Record<string, string | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Closes the kept-alive connection (call once the server is done with). */
export const closeConnections = (): void => agent.destroy();

/**
 * Sends one request as a client would: node:http for the methods its parser knows, a hand-written
 * request for CONNECT (node:http's client tunnels it) and methods it does not know (TRACK, …).
 */
export function send(request: Sent, timeoutMs = 15_000): Promise<Received> {
  if (request.method === 'CONNECT' || !METHODS.includes(request.method)) {
    const options = {
      headers: request.headers,
      timeoutMs,
      ...(request.body === undefined ? {} : { body: request.body }),
    };
    return rawRequest(request.url, request.method, options);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      request.url,
      { method: request.method, headers: request.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers))
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${request.method} ${request.url}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
