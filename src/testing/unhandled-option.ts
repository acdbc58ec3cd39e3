import type { SetupServer } from 'msw/node';

type ListenOptions = NonNullable<Parameters<SetupServer['listen']>[0]>;

/**
 * `server.listen()`'s option for requests no handler answers, for msw 2 and msw 3 alike: msw 3
 * names it `onUnhandledFrame`, msw 2 `onUnhandledRequest`, and each ignores the other's name, so
 * both are sent (the types are msw 3's, hence the cast).
 */
export function unhandledOption(strategy: 'error' | 'warn' | 'bypass'): ListenOptions {
  return { onUnhandledFrame: strategy, onUnhandledRequest: strategy } as ListenOptions;
}
