import type { ImageGenerationRequest } from '../contract/types.ts';
import type { ImagesMockHandle } from '../testing/handle.ts';

interface MatcherContext {
  isNot: boolean;
  equals(a: unknown, b: unknown, customTesters?: unknown[], strictCheck?: boolean): boolean;
  utils: {
    diff(a: unknown, b: unknown, options?: unknown): string | null | undefined;
    printExpected(value: unknown): string;
    printReceived(value: unknown): string;
  };
}

/** Partial deep match: every field of `expected` (recursively) is in `actual`; arrays match whole. */
function contains(ctx: MatcherContext, actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    return ctx.equals(actual, expected);
  }
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([key, value]) =>
    contains(ctx, (actual as Record<string, unknown>)[key], value),
  );
}

/** The part of `actual` that `expected` talks about, so a diff shows only what matters. */
function project(actual: unknown, expected: unknown): unknown {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return actual;
  if (actual === null || typeof actual !== 'object') return actual;
  return Object.fromEntries(
    Object.keys(expected).map((key) => [
      key,
      project((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
    ]),
  );
}

/** Deep-partial of a request body: what `toHaveReceivedImageRequest` takes. */
export type ImageRequestMatch = { [K in keyof ImageGenerationRequest]?: unknown };

export const imagesMockMatchers = {
  /**
   * Passes when the client sent at least one `POST /images` whose body contains `expected`
   * (a partial match, recursive for nested objects).
   */
  toHaveReceivedImageRequest(
    this: MatcherContext,
    received: ImagesMockHandle,
    expected: ImageRequestMatch = {},
  ) {
    const bodies = received.imageRequests;
    const pass = bodies.some((body) => contains(this, body, expected));
    const closest = bodies.at(-1);
    return {
      pass,
      message: () => {
        if (this.isNot)
          return `expected no image request matching ${this.utils.printExpected(expected)}, but one was sent`;
        if (bodies.length === 0) {
          return `expected an image request matching ${this.utils.printExpected(expected)}, but the client sent no POST /images`;
        }
        const diff = this.utils.diff(expected, project(closest, expected), { expand: false }) ?? '';
        return `expected an image request matching the expected fields; ${bodies.length} request(s) sent, the last one differs:\n\n${diff}`;
      },
    };
  },
};
