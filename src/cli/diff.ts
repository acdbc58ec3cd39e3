import { readFileSync } from 'node:fs';
import { diffDocuments } from '../drift/diff.ts';
import { type DiffReport, formatDiffHuman, formatDiffJson, formatDiffJunit } from '../drift/format.ts';
import { parseOpenApi } from '../drift/load.ts';
import { parseCommand } from './args.ts';
import { prepareOutput, writeOutput } from './output.ts';
import { UsageError } from './usage-error.ts';
import { colorFor, reporterOf } from './validate.ts';

export const DIFF_HELP = `Usage: openrouter-images-mock diff [options] <old> <new>

Compares two versions of the endpoint's OpenAPI document (JSON or YAML, 3.0 or 3.1) and lists
breaking and non-breaking changes from a client's point of view: paths, operations, parameters,
fields added or removed, required flags, types, enum values, ranges, media types, status codes.
Request side: accepting less is breaking. Response side: sending what a client has not seen
(new enum values, types, nulls, success statuses; required fields dropped) is breaking.

Options:
  --reporter <name>   human, json or junit                 (default human)
  --output <file>     write the report there instead of stdout
  --no-color          no ANSI colours
  -h, --help          show this help

Exit code: 0 no breaking change, 1 breaking changes, 2 unusable input.
`;

function load(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return parseOpenApi(text, file);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `diff`: compares two documents; resolves with the exit code. */
export async function diff(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, true);
  if (values.help) {
    process.stdout.write(DIFF_HELP);
    return 0;
  }
  const reporter = reporterOf(values.reporter);
  if (positionals.length !== 2)
    throw new UsageError('diff needs two files, <old> and <new>; try diff --help');
  const [before = '', after = ''] = positionals;
  prepareOutput(values.output);
  const report: DiffReport = { before, after, changes: diffDocuments(load(before), load(after)) };
  const text =
    reporter === 'json'
      ? formatDiffJson(report)
      : reporter === 'junit'
        ? formatDiffJunit(report)
        : formatDiffHuman(report, { color: colorFor(values['no-color'], values.output) });
  if (values.output) {
    writeOutput(values.output, text);
    if (reporter !== 'human') process.stdout.write(formatDiffHuman(report));
  } else process.stdout.write(text);
  return report.changes.some((c) => c.severity === 'breaking') ? 1 : 0;
}
