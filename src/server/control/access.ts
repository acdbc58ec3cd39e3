import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { ImagesApiError } from '../../contract/errors.ts';
import type { MockRequest } from '../../http/answer.ts';

/** Who may use the control routes. */
export interface ControlAccess {
  /** The bearer token control requests must send; required when the server is bound beyond loopback. */
  token?: string | undefined;
  /** Whether the server is bound to loopback only. */
  loopback: boolean;
}

/** `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped): addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return isIP(bare) === 4 && bare.startsWith('127.');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

const CHALLENGE = { 'www-authenticate': 'Bearer realm="openrouter-images-mock control"' };

/**
 * The refusal of a control request, or undefined when it may go on. A token, once set, is always
 * required. Without one (loopback only), a request from a web page on another site is refused:
 * a browser sends some cross-site POSTs without asking first, and a page must not steer the mock.
 */
export function refuseControl(request: MockRequest, access: ControlAccess): ImagesApiError | undefined {
  if (access.token !== undefined) {
    const sent = /^Bearer[ ]+(\S+)[ ]*$/i.exec(request.header('authorization') ?? '')?.[1];
    // Compared as digests: equal lengths, constant time, so the answer times say nothing of the token.
    if (sent !== undefined && timingSafeEqual(digest(sent), digest(access.token))) return undefined;
    return new ImagesApiError(
      401,
      'The control routes need Authorization: Bearer <token>, the token given to serve --control-token',
      undefined,
      CHALLENGE,
    );
  }
  if (!access.loopback) {
    return new ImagesApiError(
      401,
      'The control routes of a server bound beyond loopback need a token: start it with --control-token <token> (or --no-control)',
      undefined,
      CHALLENGE,
    );
  }
  const origin = request.header('origin');
  if (origin !== null && origin !== 'null') {
    const host = URL.parse(origin)?.hostname;
    if (host === undefined || !isLoopbackHost(host)) {
      return new ImagesApiError(403, `The control routes do not take requests from web pages of ${origin}`);
    }
  }
  return undefined;
}
