import { setFlagsFromString } from 'node:v8';

/** V8 flags that size the young generation: a user who sets one has chosen; leave it alone. */
const YOUNG_GENERATION_FLAGS = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/**
 * Keeps V8's young generation at its initial size (1 MiB semi-spaces) in the `serve` process.
 *
 * By default V8 doubles the semi-spaces under allocation pressure up to 16 MiB each (32 MiB of
 * new space in `getHeapSpaceStatistics`, more RSS with the pages it touches on the way), and a
 * busy server allocates enough to get there. Requests here produce short-lived garbage only, so a
 * small young generation costs no throughput: in `npm run bench:server -- --quick --only
 * error-400,png-1k-fresh,soak --soak 20` the soak's RSS fell by about a third with req/s unchanged.
 *
 * `--max-semi-space-size` would say the same, but it is read once when the heap is set up, so
 * `setFlagsFromString` cannot change it later and a portable `#!/usr/bin/env node` shebang cannot
 * pass it. The growth factor is read each time V8 considers growing the young generation, so
 * setting it at startup takes effect (checked on Node 20 and 24: new space stays at 2 MiB where
 * it reaches 32 MiB by default). Node warns that changing V8 flags after startup may do nothing
 * or misbehave; this one is a plain number V8 multiplies by, and 1 is its neutral value.
 *
 * CLI only: a library must not change V8 flags of the process it is imported into. Skipped when
 * the user sized the young generation through `node` flags or `NODE_OPTIONS`.
 */
export function keepYoungGenerationSmall(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (YOUNG_GENERATION_FLAGS.test(given)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
}
