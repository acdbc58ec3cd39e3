import type { CheckViolation } from '../validate.ts';

/** One checked exchange in a report. */
export interface ReportedExchange {
  /** Stable id: `file.har#/log/entries/3`, `file.jsonl:4`, or a verify case id. */
  id: string;
  /** Which file (validate) or suite (verify) it belongs to; reports group by it. */
  group: string;
  /** `POST https://openrouter.ai/api/v1/images → 200`, credentials redacted. */
  label: string;
  /** What a verify case checks, in a few words. */
  description?: string;
  ok: boolean;
  /** Set when the exchange was not checked, with the reason. */
  skipped?: string;
  /** Set when the recorded answer was cut short, e.g. `after 1 event` (a failure unless cuts are allowed). */
  cut?: string;
  violations: CheckViolation[];
  notes: string[];
}

/** Input that could not be used: a corrupt file, a bad JSONL line, an unreachable target. */
export interface InputProblem {
  group: string;
  position?: string;
  message: string;
}

/** Everything a reporter prints; the same for `validate` and `verify`. */
export interface CheckReport {
  /** `validate` or `verify`. */
  tool: string;
  exchanges: ReportedExchange[];
  problems: InputProblem[];
}

export interface ReportSummary {
  checked: number;
  passed: number;
  failed: number;
  skipped: number;
  violations: number;
  problems: number;
}

export function summarize(report: CheckReport): ReportSummary {
  let checked = 0;
  let failed = 0;
  let skipped = 0;
  let violations = 0;
  for (const exchange of report.exchanges) {
    if (exchange.skipped) {
      skipped++;
      continue;
    }
    checked++;
    if (!exchange.ok) failed++;
    violations += exchange.violations.length;
  }
  return { checked, passed: checked - failed, failed, skipped, violations, problems: report.problems.length };
}

/** 2 when some input was unusable (results are incomplete), 1 on any violation, else 0. */
export function exitCodeOf(report: CheckReport): 0 | 1 | 2 {
  const summary = summarize(report);
  if (summary.problems > 0) return 2;
  return summary.failed > 0 ? 1 : 0;
}

/** Groups in first-seen order. */
export function groupsOf(report: CheckReport): string[] {
  return [...new Set([...report.exchanges.map((e) => e.group), ...report.problems.map((p) => p.group)])];
}
