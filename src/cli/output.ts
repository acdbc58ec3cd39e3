import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.ts';

/**
 * Makes `--output <file>` writable before any work is done (verify may spend money first):
 * creates its missing parent folders, and refuses a folder or an uncreatable path (exit 2).
 */
export function prepareOutput(path: string | undefined): void {
  if (path === undefined) return;
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
  } catch (error) {
    throw new UsageError(
      `--output ${path}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // Not there yet: it is written at the end.
  }
  if (isFolder) throw new UsageError(`--output ${path} is a folder; name a file`);
}

/** Writes the report; a failure now (disk full, permissions) is one line, not a stack trace. */
export function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new Error(`--output ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
