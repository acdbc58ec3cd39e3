// First: on an old Node, one clear error before anything else loads.
import '../require-node.ts';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  createImagesMockHandle,
  type ImagesMockHandle,
  type ImagesMockHandleOptions,
} from '../testing/handle.ts';
import { type ImagesContractMatcherOptions, imagesContractMatchers } from '../check/matchers.ts';
import { type ImageRequestMatch, imagesMockMatchers } from './matchers.ts';

/* Lifecycle in one line */
export {
  respondWith,
  type RespondWithSpec,
  type ImageSource,
  type OverrideOptions,
} from '../testing/respond-with.ts';
export { scenarios } from '../handlers/scenarios.ts';
export type { ImagesMockHandle, ImagesMockHandleOptions, Override } from '../testing/handle.ts';
export type { RecordedRequest } from '../core/journal.ts';
export { imagesMockMatchers, type ImageRequestMatch } from './matchers.ts';
export { imagesContractMatchers, type ImagesContractMatcherOptions } from '../check/matchers.ts';

let extended = false;

/**
 * Sets up the images mock for the current test file: starts MSW before the tests, resets the
 * answers, the journal and simulated state after each test (failing it in strict mode when the
 * client broke the contract), and stops MSW at the end.
 *
 * @example
 * const mock = useImagesMock({ strict: true });
 * test('sends the model', async () => {
 *   await myClient.generate('a fox');
 *   expect(mock).toHaveReceivedImageRequest({ model: 'openai/gpt-image-1' });
 * });
 */
export function useImagesMock(options: ImagesMockHandleOptions = {}): ImagesMockHandle {
  if (!extended) {
    expect.extend(imagesMockMatchers);
    expect.extend(imagesContractMatchers);
    extended = true;
  }
  const handle = createImagesMockHandle(options);
  beforeAll(() => handle.listen());
  afterEach(() => {
    const failure = handle.reset();
    if (failure) throw failure;
  });
  afterAll(() => handle.close());
  return handle;
}

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** The client sent a `POST /images` whose body contains these fields (partial, recursive). */
    toHaveReceivedImageRequest: (expected?: ImageRequestMatch) => R;
    /** The answer (a fetch Response, a recorded response or an exchange) keeps the contract. */
    toMatchImagesContract: (options?: ImagesContractMatcherOptions) => Promise<void>;
  }
}
