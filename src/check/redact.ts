// Reports never carry credentials: header values, URL query parameters and key-shaped strings
// are replaced wherever a report might print them.

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'openrouter-api-key',
  'cookie',
  'set-cookie',
]);

const SECRET_QUERY = /([?&](?:api[_-]?key|key|token|access_token)=)[^&#]*/gi;
// OpenRouter keys (sk-or-v1-…), other sk- keys, and bearer tokens anywhere in a string.
const KEY_SHAPED = /\b(?:sk-or-[A-Za-z0-9_-]{6,}|sk-[A-Za-z0-9_-]{16,})/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = '[REDACTED]';

/** A string with API keys, bearer tokens and secret query parameters replaced. */
export function redactText(text: string): string {
  return text
    .replace(BEARER, (_, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(KEY_SHAPED, REDACTED)
    .replace(SECRET_QUERY, `$1${REDACTED}`);
}

/** Headers with the values of credential-bearing ones replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : redactText(value);
  return out;
}

/** Any JSON value with every string in it redacted. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map(redactValue) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = redactValue(inner);
    return out as T;
  }
  return value;
}
