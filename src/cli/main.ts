#!/usr/bin/env node
// First: on an old Node, one clear line before anything else loads.
import './require-node.ts';
import { readFileSync } from 'node:fs';
import { CATALOG_HELP, catalog } from './catalog.ts';
import { DIFF_HELP, diff } from './diff.ts';
import { SERVE_HELP, serve } from './serve.ts';
import { asksForJson, jsonEvent } from './serve-voice.ts';
import { UsageError } from './usage-error.ts';
import { VALIDATE_HELP, validate } from './validate.ts';
import { VERIFY_HELP, verify } from './verify.ts';

const HELP = `Usage: openrouter-images-mock <command> [options]

Commands:
  serve        start the mock server (see: openrouter-images-mock serve --help)
  validate     check recorded exchanges (HAR, JSONL) against the contract
  verify       send a generated suite to a live server and check every answer
  diff         compare two versions of the OpenAPI document; exit 1 on breaking changes
  catalog pull write a catalog file from a live server's models routes, with inferred mock rules

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(rest);
      return;
    case 'validate':
      process.exitCode = await validate(rest);
      return;
    case 'verify':
      process.exitCode = await verify(rest);
      return;
    case 'diff':
      process.exitCode = await diff(rest);
      return;
    case 'catalog':
      process.exitCode = await catalog(rest);
      return;
    case '-v':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(
        command === undefined
          ? HELP
          : [HELP, SERVE_HELP, VALIDATE_HELP, VERIFY_HELP, DIFF_HELP, CATALOG_HELP].join('\n'),
      );
      return;
    default:
      throw new UsageError(`unknown command "${command}"; try --help`);
  }
}

/** The library's own errors carry its name already; the CLI prints it once, in front. */
const withoutPrefix = (message: string) => message.replaceAll(/\[openrouter-images-mock\] ?/g, '');

const argv = process.argv.slice(2);
// `serve --log json` says everything in JSON lines, its failure to start too.
const json = argv[0] === 'serve' && asksForJson(argv.slice(1));

main(argv).catch((error: unknown) => {
  const usage = error instanceof UsageError;
  const help = usage && error.seeHelp ? `; see openrouter-images-mock ${argv[0]} --help` : '';
  const message = `${withoutPrefix(error instanceof Error ? error.message : String(error))}${help}`;
  const exitCode = usage ? 2 : 1;
  process.stderr.write(
    json ? jsonEvent('error', { message, exitCode }) : `openrouter-images-mock: ${message}\n`,
  );
  process.exit(exitCode);
});
