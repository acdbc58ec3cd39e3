import { readFileSync } from 'node:fs';
import type { MockAnswer } from '../../http/answer.ts';

/**
 * The page may run only its own script and style, and talk only to this server: a prompt that
 * smuggles markup in finds no inline script, handler, style or foreign origin allowed.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Routes under `/__mock` and the files shipped beside this module (copied to dist/ by the build). */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/gallery.js': { file: 'gallery.js', type: 'text/javascript; charset=utf-8' },
  '/gallery.css': { file: 'gallery.css', type: 'text/css; charset=utf-8' },
};

// Read once, on the first visit: a server nobody looks at never touches them.
const loaded = new Map<string, Uint8Array>();

/** The static file at `route`, or undefined when `route` names none. */
export function assetAnswer(route: string): MockAnswer | undefined {
  const asset = FILES[route];
  if (!asset) return undefined;
  let body = loaded.get(asset.file);
  if (!body) {
    body = readFileSync(new URL(`./assets/${asset.file}`, import.meta.url));
    loaded.set(asset.file, body);
  }
  return {
    status: 200,
    headers: [
      ['content-type', asset.type],
      ['content-security-policy', PAGE_CSP],
      ['x-content-type-options', 'nosniff'],
      ['referrer-policy', 'no-referrer'],
      ['cache-control', 'no-cache'],
    ],
    body,
  };
}

/** Whether `route` is one of the static files. */
export const isAsset = (route: string): boolean => route in FILES;
