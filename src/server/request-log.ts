import type { RecordedRequest } from '../core/journal.ts';
import { redactText } from '../secrets/redact.ts';

export type LogFormat = 'pretty' | 'json';

// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

const model = (entry: RecordedRequest) => {
  const body = entry.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : undefined;
};

/**
 * One line per request: method, path, status, model and milliseconds (and how a cut answer ended,
 * when that is known as the line is written). Built from the journal entry, whose headers and URL
 * are already redacted; the line is redacted once more as a whole, since the model, violations and
 * error messages echo what the client sent.
 */
export function formatRequestLine(entry: RecordedRequest, format: LogFormat): string {
  return redactText(format === 'json' ? jsonLine(entry) : prettyLine(entry));
}

function jsonLine(entry: RecordedRequest): string {
  return JSON.stringify({
    time: entry.time,
    method: entry.method,
    path: new URL(entry.url).pathname,
    status: entry.response?.status ?? 0,
    model: model(entry) ?? null,
    ms: entry.ms ?? null,
    ...(entry.verdict.valid ? {} : { violations: entry.verdict.violations.map((v) => v.message) }),
    ...(entry.response?.error ? { error: entry.response.error } : {}),
    ...(entry.response?.cut ? { cut: entry.response.cut } : {}),
  });
}

function prettyLine(entry: RecordedRequest): string {
  const parts = [
    entry.method,
    new URL(entry.url).pathname,
    String(entry.response?.status ?? 0),
    model(entry) ?? '-',
    `${entry.ms ?? 0}ms`,
  ];
  if (entry.response?.cut) parts.push(`(cut ${entry.response.cut})`);
  if (!entry.verdict.valid) parts.push(`(${entry.verdict.violations.map((v) => v.message).join('; ')})`);
  // A model id or message may carry control characters (CR, LF): escaped, one request stays one line.
  return parts.join(' ').replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
