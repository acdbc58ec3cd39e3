import { createReadStream, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { catalogFromJson } from '../check/catalog-file.ts';
import { formatReport, type ReporterName } from '../check/report/format.ts';
import { type CheckReport, exitCodeOf } from '../check/report/report.ts';
import type { CheckProfile } from '../check/validate.ts';
import { validateRecording } from '../check/validate-recording.ts';
import type { Catalog } from '../models/catalog.ts';
import type { RecordingFormat } from '../recording/read.ts';
import { parseCommand } from './args.ts';
import { prepareOutput, writeOutput } from './output.ts';
import { UsageError } from './usage-error.ts';

export const VALIDATE_HELP = `Usage: openrouter-images-mock validate [options] <file...>

Checks recorded exchanges against the contract: request schemas, JSON answers, error bodies
and SSE streams event by event, and each answer against what its request explicitly asked for.
Reads HAR 1.2 (.har) and JSONL of {"request":…,"response":…} (.jsonl, .ndjson); other names are
sniffed. Files are streamed.

Options:
  --reporter <name>   human, json or junit                          (default human)
  --output <file>     write the report there instead of stdout
  --profile <name>    contract: the contract and what requests asked for; the catalog's per-model
                      rules and the mock's defaults only give notes (real traffic)
                      mock: also the mock's own rules and defaults (recordings of this mock)
                                                                    (default contract)
  --catalog <file>    models for the per-model rules: {"models":[…]} (default: the built-in catalog)
  --allow-cuts        an answer recorded cut short (connection closed mid-body) passes with a note
                      instead of failing: for recordings of the mock's own fault scenarios
  --verbose           also list the exchanges that passed
  --no-color          no ANSI colours (also: NO_COLOR=1)
  -h, --help          show this help

Exit code: 0 no violation, 1 violations (an answer cut short is one, unless --allow-cuts), 2 unusable
input (a corrupt file, a bad line, no exchanges).
`;

const REPORTERS: readonly ReporterName[] = ['human', 'json', 'junit'];
const PROFILES: readonly CheckProfile[] = ['contract', 'mock'];

/** The `--profile` value, checked. */
export function profileOf(value: string | undefined): CheckProfile {
  const profile = (value ?? 'contract') as CheckProfile;
  if (!PROFILES.includes(profile))
    throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}, got "${value}"`);
  return profile;
}

/** The `--reporter` value, checked. */
export function reporterOf(value: string | undefined): ReporterName {
  const reporter = (value ?? 'human') as ReporterName;
  if (!REPORTERS.includes(reporter))
    throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')}, got "${value}"`);
  return reporter;
}

/** Colours only for a terminal, and never with NO_COLOR. */
export function colorFor(noColor: boolean | undefined, output: string | undefined): boolean {
  if (noColor || output || process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

/** Prints (or writes) the report and returns the exit code it implies. */
export function emitReport(
  report: CheckReport,
  reporter: ReporterName,
  options: { output?: string | undefined; color: boolean; verbose?: boolean | undefined },
): number {
  const text = formatReport(report, reporter, { color: options.color, verbose: options.verbose ?? false });
  if (options.output) {
    writeOutput(options.output, text);
    if (reporter !== 'human') process.stdout.write(formatReport(report, 'human', { color: false }));
  } else process.stdout.write(text);
  return exitCodeOf(report);
}

/** Reads `--catalog`, or undefined for the built-in one. */
export function catalogOption(path: string | undefined): Catalog | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --catalog ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return catalogFromJson(text, path);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function formatOf(file: string): RecordingFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.har') return 'har';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

const OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  catalog: { type: 'string' },
  profile: { type: 'string' },
  'allow-cuts': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `validate`: checks recorded files; resolves with the exit code. */
export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, true);
  if (values.help) {
    process.stdout.write(VALIDATE_HELP);
    return 0;
  }
  const reporter = reporterOf(values.reporter);
  if (positionals.length === 0) throw new UsageError('validate needs at least one file; try validate --help');
  const catalog = catalogOption(values.catalog);
  const profile = profileOf(values.profile);
  prepareOutput(values.output);

  const report: CheckReport = { tool: 'validate', exchanges: [], problems: [] };
  for (const file of positionals) {
    const group =
      positionals.filter((f) => basename(f) === basename(file)).length > 1 ? file : basename(file);
    const stream = createReadStream(file);
    const opened = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      stream.once('open', () => resolve(undefined));
      stream.once('error', (error) => resolve(error));
    });
    if (opened) {
      report.problems.push({ group, message: `cannot read ${file}: ${opened.code ?? opened.message}` });
      continue;
    }
    const format = formatOf(file);
    const result = await validateRecording(stream, {
      name: group,
      ...(format ? { format } : {}),
      ...(catalog ? { catalog } : {}),
      profile,
      allowCuts: values['allow-cuts'] ?? false,
    });
    stream.destroy();
    report.exchanges.push(...result.exchanges);
    report.problems.push(...result.problems);
  }
  return emitReport(report, reporter, {
    output: values.output,
    color: colorFor(values['no-color'], values.output),
    verbose: values.verbose,
  });
}
