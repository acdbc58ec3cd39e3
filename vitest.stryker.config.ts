import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests `npm run mutate` runs against each mutant: the fast, in-process ones that exercise the
// rule and state modules (unit tests, handlers through MSW, the checks). Not the CLI, HTTP server,
// browser, package or README tests, nor those that synthesize every model's images: each mutant
// would spawn processes or encode large images for nothing a faster test does not already notice.
// Nor test/check/recordings.test.ts: it records its fixtures afresh when imported, outside any
// test, which makes every mutant that recording reaches "static" (run against every test).
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      'src/check/validate.test.ts',
      'src/contract/**/*.test.ts',
      'src/core/**/*.test.ts',
      'src/models/**/*.test.ts',
      'test/check/{cuts,matchers}.test.ts',
      'test/contract/*.test.ts',
      'test/handlers/{errors,leniency,models}.test.ts',
      'test/rules/**/*.test.ts',
      'test/scenarios/{edges,errors,faults}.test.ts',
      'test/vitest/*.test.ts',
    ],
    testTimeout: 20_000,
  },
});
