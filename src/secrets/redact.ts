// The one redaction policy: what counts as a secret in HTTP traffic, and what is shown instead.
// The journal, the request log, recordings, error bodies and reports all go through here, so a
// key that one of them hides cannot show in another. No imports: every layer may use it.

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Headers whose whole value is a credential, whatever it looks like. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'openrouter-api-key',
  'cookie',
  'set-cookie',
]);

// In any text: bearer and basic credentials (RFC 6750's b64token), OpenRouter keys (sk-or-…) and
// other sk- keys, and the values of query parameters that carry keys. One pass, one regex.
const SECRETS =
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\bsk-or-[A-Za-z0-9_-]{6,}|\bsk-[A-Za-z0-9_-]{16,}|([?&;](?:api[_-]?key|key|token|access[_-]?token|auth|secret|password)=)[^&#\s"']*/gi;

// Whatever SECRETS can match starts with one of these: most values (every header of a usual
// request, every URL without a query) are passed by this one cheap test. The journal runs per request.
const SUSPECT = /sk-|bearer|basic|[?&;]/i;

/** True for a header whose value is a credential (`Authorization`, `X-Api-Key`, `Cookie`, …). */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A string with bearer tokens, key-shaped strings and key-carrying query parameters replaced. */
export function redactText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.replace(SECRETS, (_match, scheme: string | undefined, parameter: string | undefined) =>
    scheme ? `${scheme} ${REDACTED}` : parameter ? `${parameter}${REDACTED}` : REDACTED,
  );
}

/**
 * `Bearer …abcd`: enough to tell keys apart, never enough to use one. A value that does not start
 * with a scheme (a bare key) is replaced whole: its first word would be the key.
 */
export function keyHint(value: string): string {
  const [scheme = '', ...rest] = value.trim().split(/\s+/);
  const token = rest.join(' ');
  if (!token || !/^[A-Za-z]{1,20}$/.test(scheme)) return REDACTED;
  return `${scheme} ${token.length > 12 ? `…${token.slice(-4)}` : '…'}`;
}

export interface HeaderRedaction {
  /**
   * Show `Authorization` as its scheme and last four characters (`Bearer …abcd`), so a person can
   * tell keys apart; every other secret header is replaced whole. @default false
   */
  hint?: boolean;
}

/** One header's value as it may be shown. */
export function redactHeader(name: string, value: string, options: HeaderRedaction = {}): string {
  const lower = SECRET_HEADERS.has(name) ? name : name.toLowerCase();
  if (!SECRET_HEADERS.has(lower)) return redactText(value);
  return options.hint && lower === 'authorization' ? keyHint(value) : REDACTED;
}

/** Headers with every credential replaced (see `redactHeader`). */
export function redactHeaders(
  headers: Record<string, string> | Iterable<[string, string]>,
  options: HeaderRedaction = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in headers ? headers : Object.entries(headers);
  for (const [name, value] of entries) out[name] = redactHeader(name, value, options);
  return out;
}

/**
 * Any JSON value with every string in it redacted. What holds no secret comes back as it was (the
 * same object), so the common case allocates nothing. Recursive: bound deep values first.
 */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((inner, index) => {
      const kept = redactValue(inner);
      if (kept === inner) return;
      out ??= [...value];
      out[index] = kept;
    });
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [key, inner] of Object.entries(value)) {
      const kept = redactValue(inner);
      if (kept === inner) continue;
      out ??= { ...value } as Record<string, unknown>;
      // defineProperty: a key named `__proto__` stays data, never a prototype.
      Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
    }
    return (out ?? value) as T;
  }
  return value;
}
