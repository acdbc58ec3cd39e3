import type { RecordedExchange } from '../recording/exchange.ts';
import { type ReadOptions, type RecordingSource, readExchanges } from '../recording/read.ts';
import { redactText } from './redact.ts';
import type { InputProblem, ReportedExchange } from './report/report.ts';
import { type CheckOptions, validateExchange } from './validate.ts';

export interface ValidateRecordingOptions extends CheckOptions, ReadOptions {
  /** Name of the recording in reports (its file name). @default 'recording' */
  name?: string;
}

/** What checking one recording found. */
export interface RecordingResult {
  exchanges: ReportedExchange[];
  problems: InputProblem[];
}

/** `POST https://openrouter.ai/api/v1/images → 200` (`… → 200, cut after 1 event`), credentials redacted. */
export function labelOf(exchange: RecordedExchange): string {
  const { request, response } = exchange;
  const cut = response.cut === undefined ? '' : `, cut ${response.cut}`;
  return redactText(`${request.method} ${request.url} → ${response.status}${cut}`);
}

/**
 * Reads a recording (HAR or JSONL) as a stream and checks every exchange; keeps only the results,
 * so memory stays near the largest single entry.
 *
 * @example
 * import { createReadStream } from 'node:fs';
 * const { exchanges, problems } = await validateRecording(createReadStream('session.har'), { name: 'session.har' });
 */
export async function validateRecording(
  source: RecordingSource,
  options: ValidateRecordingOptions = {},
): Promise<RecordingResult> {
  const group = options.name ?? 'recording';
  const separator = (position: string) =>
    position.startsWith('/') ? `${group}#${position}` : `${group}:${position.replace(/^line /, '')}`;
  const exchanges: ReportedExchange[] = [];
  const problems: InputProblem[] = [];
  for await (const item of readExchanges(source, options)) {
    if ('problem' in item) {
      problems.push(
        item.position
          ? { group, position: item.position, message: item.problem }
          : { group, message: item.problem },
      );
      continue;
    }
    if ('skipped' in item) {
      exchanges.push({
        id: separator(item.position),
        group,
        label: '',
        ok: true,
        skipped: item.skipped,
        violations: [],
        notes: [],
      });
      continue;
    }
    const checked = validateExchange(item.exchange, options);
    const reported: ReportedExchange = {
      id: separator(item.position),
      group,
      label: labelOf(item.exchange),
      ok: checked.ok,
      violations: checked.violations,
      notes: checked.notes,
    };
    if (checked.skipped) reported.skipped = checked.skipped;
    if (checked.cut) reported.cut = checked.cut;
    exchanges.push(reported);
  }
  if (exchanges.length > 0 && exchanges.every((e) => e.skipped) && problems.length === 0) {
    problems.push({ group, message: 'no exchange of the images API found: nothing was checked' });
  } else if (exchanges.length === 0 && problems.length === 0) {
    problems.push({ group, message: 'the recording holds no exchanges: nothing was checked' });
  }
  return { exchanges, problems };
}
