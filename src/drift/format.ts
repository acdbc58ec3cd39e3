import type { DocumentChange } from './diff.ts';

export interface DiffReport {
  before: string;
  after: string;
  changes: DocumentChange[];
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Breaking changes first, then the others, one per line. */
export function formatDiffHuman(report: DiffReport, options: { color?: boolean } = {}): string {
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const breaking = report.changes.filter((c) => c.severity === 'breaking');
  const other = report.changes.filter((c) => c.severity !== 'breaking');
  const lines = [`${report.before} → ${report.after}`];
  const list = (title: string, changes: DocumentChange[], mark: string) => {
    if (!changes.length) return;
    lines.push('', paint(1, `${title} (${changes.length}):`));
    for (const c of changes)
      lines.push(`  ${mark} [${c.side}] ${c.location}: ${c.message} ${paint(2, `(${c.kind})`)}`);
  };
  list('Breaking changes', breaking, paint(31, '✗'));
  list('Non-breaking changes', other, paint(2, '·'));
  lines.push(
    '',
    breaking.length
      ? paint(31, `${breaking.length} breaking, ${other.length} non-breaking changes`)
      : paint(
          32,
          report.changes.length ? `no breaking changes (${other.length} non-breaking)` : 'no changes',
        ),
  );
  return `${lines.join('\n')}\n`;
}

export function formatDiffJson(report: DiffReport): string {
  const breaking = report.changes.filter((c) => c.severity === 'breaking').length;
  return `${JSON.stringify({ ...report, summary: { breaking, nonBreaking: report.changes.length - breaking } }, null, 2)}\n`;
}

/** JUnit: each change a test case; breaking ones fail. */
export function formatDiffJunit(report: DiffReport): string {
  const breaking = report.changes.filter((c) => c.severity === 'breaking');
  const name = `${report.before} → ${report.after}`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="openrouter-images-mock diff" tests="${report.changes.length}" failures="${breaking.length}">`,
    `  <testsuite name="${xml(name)}" tests="${report.changes.length}" failures="${breaking.length}">`,
  ];
  for (const c of report.changes) {
    const open = `    <testcase classname="${xml(c.side)}" name="${xml(`${c.location}: ${c.kind}`)}"`;
    if (c.severity === 'breaking')
      out.push(
        `${open}>`,
        `      <failure message="${xml(c.message)}" type="breaking-change"/>`,
        '    </testcase>',
      );
    else out.push(`${open}/>`);
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
