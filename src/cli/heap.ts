import { setFlagsFromString } from 'node:v8';

/** V8 flags that size the heap: a user who sets one has chosen; leave it alone. */
const HEAP_FLAGS =
  /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor|--max[-_]old[-_]space[-_]size|--max[-_]heap[-_]size|--heap[-_]growing[-_]percent/;

/**
 * Keeps the `serve` process's V8 heap small: the young generation at its initial size (1 MiB
 * semi-spaces) and the old generation growing by 3 % between collections instead of V8's
 * default factor (up to 2x for a fast-allocating program like a busy server).
 *
 * Young generation: by default V8 doubles the semi-spaces under allocation pressure up to 16 MiB
 * each (32 MiB of new space, more RSS with the pages it touches), and a busy server allocates
 * enough to get there. Requests here produce short-lived garbage only, so a small young
 * generation costs no throughput.
 *
 * Old generation: V8 lets the old space grow to a multiple of what survived the last full
 * collection before it collects again, and the pages it commits on the way stay resident after
 * the heap shrinks; so do the native buffers of dead objects that were promoted, until a full
 * collection frees them. Why 3 %, and the RSS each setting gave: docs/decisions/0004 ("The heap
 * settings of `serve` and the synthesis cache").
 *
 * `--max-semi-space-size` or `--max-old-space-size` would be read once, when the heap is set up,
 * so `setFlagsFromString` cannot change them later and a portable `#!/usr/bin/env node` shebang
 * cannot pass them. The growth factor and the growing percent are read each time V8 sizes the
 * next step, so setting them at startup takes effect (new space stays at 2 MiB where it reaches
 * 32 MiB by default). Node warns that changing V8 flags after startup may do nothing or
 * misbehave; these are plain numbers V8 multiplies by.
 *
 * CLI only: a library must not change V8 flags of the process it is imported into. Skipped when
 * the user sized the heap through `node` flags or `NODE_OPTIONS`.
 */
export function keepHeapSmall(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (HEAP_FLAGS.test(given)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=3');
}
