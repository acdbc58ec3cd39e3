import { redactText, redactValue } from '../redact.ts';
import type { CheckViolation } from '../validate.ts';
import { type CheckReport, groupsOf, summarize } from './report.ts';

/** Reporters `validate` and `verify` offer. */
export type ReporterName = 'human' | 'json' | 'junit';

export interface HumanReportOptions {
  /** ANSI colours. @default false */
  color?: boolean;
  /** Also list the exchanges that passed. @default false */
  verbose?: boolean;
}

const LONGEST = 160;

/** `1 violation`, `2 violations`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A value for a report line: quoted, redacted, and cut after LONGEST characters. */
const show = (value: unknown) => {
  const text = redactText(typeof value === 'string' ? `'${value}'` : JSON.stringify(value));
  return text.length > LONGEST ? `${text.slice(0, LONGEST)}…` : text;
};

/** A violation for a machine report: long values cut, so a base64 image never floods it. */
export function compactViolation(v: CheckViolation): CheckViolation {
  const out = { ...v };
  for (const key of ['expected', 'actual'] as const) {
    if (out[key] === undefined) continue;
    const text = typeof out[key] === 'string' ? (out[key] as string) : JSON.stringify(out[key]);
    if (text.length > 1000) out[key] = `${text.slice(0, 1000)}…`;
  }
  return out;
}

/** `request /n maximum: n must be <= 10 (expected 10, actual 11)`, credentials redacted. */
export function describeViolation(v: CheckViolation): string {
  const where = `${v.side}${v.event === undefined ? '' : ` event ${v.event}`} ${v.pointer || '/'}`;
  const values = [
    v.expected === undefined ? '' : `expected ${show(v.expected)}`,
    v.actual === undefined ? '' : `actual ${show(v.actual)}`,
  ].filter(Boolean);
  return `${where} [${v.rule}] ${redactText(v.message)}${values.length ? ` (${values.join(', ')})` : ''}`;
}

/** The report for people: violations grouped by file (or suite) and exchange, then a summary line. */
export function formatHuman(report: CheckReport, options: HumanReportOptions = {}): string {
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const red = (t: string) => paint(31, t);
  const green = (t: string) => paint(32, t);
  const yellow = (t: string) => paint(33, t);
  const dim = (t: string) => paint(2, t);
  const bold = (t: string) => paint(1, t);
  const lines: string[] = [];
  for (const group of groupsOf(report)) {
    const exchanges = report.exchanges.filter((e) => e.group === group);
    const problems = report.problems.filter((p) => p.group === group);
    const failed = exchanges.filter((e) => !e.ok);
    const passed = exchanges.filter((e) => e.ok && !e.skipped).length;
    const skipped = exchanges.filter((e) => e.skipped).length;
    lines.push(
      `${bold(redactText(group))} ${dim(`${passed} passed, ${failed.length} failed${skipped ? `, ${skipped} skipped` : ''}`)}`,
    );
    for (const problem of problems) {
      lines.push(
        `  ${yellow('!')} ${problem.position ? `${problem.position}: ` : ''}${redactText(problem.message)}`,
      );
    }
    for (const exchange of exchanges) {
      if (exchange.ok && !options.verbose) continue;
      const mark = exchange.skipped ? dim('-') : exchange.ok ? green('✓') : red('✗');
      const about = exchange.description ? ` ${dim(`(${exchange.description})`)}` : '';
      lines.push(`  ${mark} ${exchange.id}  ${redactText(exchange.label)}${about}`);
      if (exchange.skipped) lines.push(`      ${dim(redactText(exchange.skipped))}`);
      for (const side of ['request', 'response'] as const) {
        for (const v of exchange.violations.filter((x) => x.side === side)) {
          lines.push(`      ${red(side)} ${describeViolation(v).slice(side.length + 1)}`);
        }
      }
      if (!exchange.ok || options.verbose)
        for (const note of exchange.notes) lines.push(`      ${dim(`note: ${redactText(note)}`)}`);
    }
  }
  const s = summarize(report);
  const parts = [
    `${count(s.checked, 'exchange')} checked`,
    s.failed ? red(`${s.failed} failed (${count(s.violations, 'violation')})`) : green('no violations'),
  ];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.problems) parts.push(yellow(count(s.problems, 'input problem')));
  lines.push('', parts.join(', '));
  return `${lines.join('\n')}\n`;
}

/** The report as JSON for machines: summary, every exchange with its violations, input problems. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(
    redactValue({
      tool: report.tool,
      summary: summarize(report),
      exchanges: report.exchanges.map((e) => ({ ...e, violations: e.violations.map(compactViolation) })),
      problems: report.problems,
    }),
    null,
    2,
  )}\n`;
}

const xml = (text: string) =>
  redactText(text)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * JUnit XML as CI systems read it: one `<testsuite>` per file (or suite), one `<testcase>` per
 * exchange; violations are `<failure>`, unusable input is `<error>`, skipped exchanges `<skipped>`.
 */
export function formatJunit(report: CheckReport): string {
  const s = summarize(report);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="openrouter-images-mock ${xml(report.tool)}" tests="${s.checked + s.skipped + s.problems}" failures="${s.failed}" errors="${s.problems}" skipped="${s.skipped}">`,
  ];
  for (const group of groupsOf(report)) {
    const exchanges = report.exchanges.filter((e) => e.group === group);
    const problems = report.problems.filter((p) => p.group === group);
    const failures = exchanges.filter((e) => !e.ok).length;
    const skipped = exchanges.filter((e) => e.skipped).length;
    out.push(
      `  <testsuite name="${xml(group)}" tests="${exchanges.length + problems.length}" failures="${failures}" errors="${problems.length}" skipped="${skipped}">`,
    );
    for (const exchange of exchanges) {
      const name = `${exchange.id} ${exchange.label}`;
      const open = `    <testcase classname="${xml(group)}" name="${xml(name)}"`;
      if (exchange.skipped) {
        out.push(`${open}>`, `      <skipped message="${xml(exchange.skipped)}"/>`, '    </testcase>');
      } else if (exchange.ok) {
        out.push(`${open}/>`);
      } else {
        const first = exchange.violations[0];
        const message = `${count(exchange.violations.length, 'violation')}${first ? `: ${first.message}` : ''}`;
        const body = [
          ...exchange.violations.map(describeViolation),
          ...exchange.notes.map((n) => `note: ${n}`),
        ].join('\n');
        out.push(
          `${open}>`,
          `      <failure message="${xml(message)}" type="contract-violation">${xml(body)}</failure>`,
          '    </testcase>',
        );
      }
    }
    for (const problem of problems) {
      const name = `input ${problem.position ?? ''}`.trim();
      out.push(
        `    <testcase classname="${xml(group)}" name="${xml(name)}">`,
        `      <error message="${xml(problem.message)}" type="unusable-input"/>`,
        '    </testcase>',
      );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** The report in the named format. */
export function formatReport(
  report: CheckReport,
  reporter: ReporterName,
  options: HumanReportOptions = {},
): string {
  if (reporter === 'json') return formatJson(report);
  if (reporter === 'junit') return formatJunit(report);
  return formatHuman(report, options);
}
