import type { RecordedRequest } from '../core/journal.ts';

export type LogFormat = 'pretty' | 'json';

// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

const model = (entry: RecordedRequest) => {
  const body = entry.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : undefined;
};

/**
 * One line per request: method, path, status, model and milliseconds. Built from the journal
 * entry, whose headers are already redacted, so a key can never reach the log.
 */
export function formatRequestLine(entry: RecordedRequest, format: LogFormat): string {
  const status = entry.response?.status ?? 0;
  if (format === 'json') {
    return JSON.stringify({
      time: entry.time,
      method: entry.method,
      path: new URL(entry.url).pathname,
      status,
      model: model(entry) ?? null,
      ms: entry.ms ?? null,
      ...(entry.verdict.valid ? {} : { violations: entry.verdict.violations.map((v) => v.message) }),
      ...(entry.response?.error ? { error: entry.response.error } : {}),
    });
  }
  const parts = [
    entry.method,
    new URL(entry.url).pathname,
    String(status),
    model(entry) ?? '-',
    `${entry.ms ?? 0}ms`,
  ];
  if (!entry.verdict.valid) parts.push(`(${entry.verdict.violations.map((v) => v.message).join('; ')})`);
  // A model id or message may carry control characters (CR, LF): escaped, one request stays one line.
  return parts.join(' ').replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
