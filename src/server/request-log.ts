import type { RecordedRequest } from '../core/journal.ts';

export type LogFormat = 'pretty' | 'json';

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
  return parts.join(' ');
}
