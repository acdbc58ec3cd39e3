import type { Socket } from 'node:net';

/** Host header syntax: no characters that could change the path of the URL built from it. */
const HOST_PATTERN = /^[\w.~%!$&'()*+,;=:[\]-]+$/;

/**
 * A request's absolute URL, normalized (as `Request.url` is), or undefined when it is unusable:
 * from its target (origin or absolute form), its Host header and the socket it came on.
 */
export function targetUrl(target: string, host: string | undefined, on: Socket): URL | undefined {
  const socket = on as Socket & { encrypted?: boolean };
  let url: string;
  if (target.charCodeAt(0) === 47 /* '/' */) {
    if (host === undefined) host = socketAuthority(socket);
    else if (!HOST_PATTERN.test(host)) return undefined;
    url = `${socket.encrypted ? 'https' : 'http'}://${host}${target}`;
  } else {
    // Absolute-form target (proxy style).
    url = target;
  }
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
  return parsed;
}

function socketAuthority(socket: Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${socket.localPort ?? 80}`;
}
