import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict argument parsing for every command: a mistake becomes one `UsageError` line (exit 2). */
export function parseCommand<const O extends Options, const P extends boolean = false>(
  argv: string[],
  options: O,
  allowPositionals?: P,
) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: (allowPositionals ?? false) as P,
      options,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
