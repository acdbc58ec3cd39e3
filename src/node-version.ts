/** The oldest Node the package runs on: msw 3's interceptors and vitest 5 need 22.12. */
export const MIN_NODE = '22.12';

/** Why this Node cannot run the package, in one sentence; undefined when it can. */
export function nodeVersionProblem(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = MIN_NODE.split('.').map(Number);
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `openrouter-images-mock needs Node >= ${MIN_NODE} (this is ${version})`;
}

/** The running Node's version; undefined in a browser, Bun or Deno, which the check leaves alone. */
export function runningNodeVersion(): string | undefined {
  const process = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process;
  const versions = process?.versions;
  if (!versions?.node || versions.bun || versions.deno) return undefined;
  return versions.node;
}
