import { describe, expect, it } from 'vitest';
import { MIN_NODE, nodeVersionProblem, runningNodeVersion } from './node-version.ts';

describe('nodeVersionProblem', () => {
  it('accepts 22.12 and later', () => {
    for (const version of ['22.12.0', '22.13.1', '23.0.0', '24.21.0', '100.0.0'])
      expect(nodeVersionProblem(version), version).toBeUndefined();
  });

  it('refuses older versions in one sentence that names both', () => {
    expect(nodeVersionProblem('20.20.2')).toBe(
      'openrouter-images-mock needs Node >= 22.12 (this is 20.20.2)',
    );
    for (const version of ['22.11.0', '21.7.3', '18.20.4'])
      expect(nodeVersionProblem(version)).toBe(
        `openrouter-images-mock needs Node >= ${MIN_NODE} (this is ${version})`,
      );
  });

  it('leaves hosts that are not Node alone', () => {
    expect(nodeVersionProblem(undefined)).toBeUndefined();
    expect(runningNodeVersion()).toBe(process.versions.node);
  });
});
