import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from './suggest.ts';
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
    throw new UsageError(reword(error, options), { seeHelp: true });
  }
}

/** node:util's messages say how its parser works; these say what to type instead. */
function reword(error: unknown, options: Options): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error);
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  const flag = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = flag.replace(/=.*$/, '');
      // Long names only: every one-letter flag is one edit from every other.
      const suggestion = name.startsWith('--')
        ? closest(
            name,
            Object.keys(options).map((known) => `--${known}`),
          )
        : undefined;
      return `unknown option ${name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(text)) return `${flag} takes no value`;
      if (/ambiguous/.test(text)) return `${flag} needs a value (one that starts with a dash: ${flag}=-…)`;
      return `${flag} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}": this command takes options only`;
    default:
      return text.split('\n')[0] ?? text;
  }
}
