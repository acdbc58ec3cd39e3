import type { RecordedRequest } from '../core/journal.ts';
import { describeScenario, type UsualPacing } from '../scenarios/describe.ts';
import { redactText } from '../secrets/redact.ts';

export type LogFormat = 'pretty' | 'json';

/** How a line is written beyond its format. */
export interface LineOptions {
  /** ANSI colour on the status of a pretty line (2xx green, 4xx yellow, 5xx red). @default false */
  color?: boolean;
  /** How the body ended when the journal does not say (the client went away mid-stream). */
  cut?: string;
  /** The server's own pacing, left out of the scenario's words. @default the mock's defaults */
  pacing?: UsualPacing;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A model id or message may carry control characters (CR, LF, ESC): escaped, one request stays one line. */
const escapeControl = (text: string) =>
  text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const model = (entry: RecordedRequest) => {
  const body = entry.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : undefined;
};

const scenarioWords = (entry: RecordedRequest, options: LineOptions) =>
  entry.scenario ? describeScenario(entry.scenario, options.pacing) || undefined : undefined;

const STATUS_COLORS: Record<number, number> = { 2: 32, 4: 33, 5: 31 };

function paintStatus(status: number, color: boolean): string {
  const code = color ? STATUS_COLORS[Math.floor(status / 100)] : undefined;
  return code === undefined ? String(status) : `\x1b[${code}m${status}\x1b[0m`;
}

/**
 * One line per request: method, path, status, model and milliseconds, the scenario that shaped
 * the answer (and the control rules that chose it), and how a cut answer ended. Built from the
 * journal entry, whose headers and URL are already redacted; the text is redacted once more, since
 * the model, violations and error messages echo what the client sent.
 */
export function formatRequestLine(
  entry: RecordedRequest,
  format: LogFormat,
  options: LineOptions = {},
): string {
  return format === 'json' ? redactText(jsonLine(entry, options)) : prettyLine(entry, options);
}

function jsonLine(entry: RecordedRequest, options: LineOptions): string {
  const scenario = scenarioWords(entry, options);
  const cut = entry.response?.cut ?? options.cut;
  return JSON.stringify({
    event: 'request',
    time: entry.time,
    method: entry.method,
    path: new URL(entry.url).pathname,
    status: entry.response?.status ?? 0,
    model: model(entry) ?? null,
    ms: entry.ms ?? null,
    ...(scenario === undefined ? {} : { scenario }),
    ...(entry.rules ? { rules: entry.rules } : {}),
    ...(entry.verdict.valid ? {} : { violations: entry.verdict.violations.map((v) => v.message) }),
    ...(entry.response?.error ? { error: entry.response.error } : {}),
    ...(cut === undefined ? {} : { cut }),
  });
}

function prettyLine(entry: RecordedRequest, options: LineOptions): string {
  const status = entry.response?.status ?? 0;
  const tail = [model(entry) ?? '-', `${entry.ms ?? 0}ms`];
  const scenario = scenarioWords(entry, options);
  const rules = entry.rules?.length ? `by ${entry.rules.join(', ')}` : undefined;
  if (scenario || rules) tail.push(`[${[scenario, rules].filter(Boolean).join(' ')}]`);
  const cut = entry.response?.cut ?? options.cut;
  if (cut !== undefined) tail.push(`(cut ${cut})`);
  if (!entry.verdict.valid) tail.push(`(${entry.verdict.violations.map((v) => v.message).join('; ')})`);
  // Escaped and redacted before the status is painted: the colour's ESC is the only one let through.
  const text = (parts: string[]) => redactText(escapeControl(parts.join(' ')));
  return `${text([entry.method, new URL(entry.url).pathname])} ${paintStatus(status, options.color ?? false)} ${text(tail)}`;
}

/** The contract breaks of an exchange the mock did not answer itself (proxy, replay), as one line. */
export function formatContractLine(
  method: string,
  url: string,
  status: number,
  violations: string[],
  format: LogFormat,
): string {
  const path = new URL(url).pathname;
  if (format === 'json')
    return redactText(JSON.stringify({ event: 'contract', method, path, status, violations }));
  return redactText(escapeControl(`contract: ${method} ${path} → ${status}: ${violations.join('; ')}`));
}
