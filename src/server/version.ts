import { readFileSync } from 'node:fs';

/** The package's version, read from its package.json (two levels up from src/ and dist/ alike). */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
