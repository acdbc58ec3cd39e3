import { type HttpHandler, http } from 'msw';
import {
  createImagesResolver,
  DEFAULT_BASE_URL,
  type ImagesMock,
  type ImagesMockOptions,
} from '../core/mock.ts';

export interface ImageHandlersOptions extends ImagesMockOptions {}

/**
 * MSW request handlers that answer OpenRouter's image API as the service would: validated
 * requests, real decodable images, SSE streams and the service's error bodies.
 *
 * Every method on the three routes goes to the mock, so a wrong method gets the service's 405
 * rather than falling through to the network.
 *
 * @example
 * import { setupServer } from 'msw/node';
 * import { createImageHandlers } from 'openrouter-images-mock';
 * const server = setupServer(...createImageHandlers());
 * server.listen();
 *
 * @see https://openrouter.ai/docs/api-reference/images
 */
export function createImageHandlers(options: ImageHandlersOptions = {}): HttpHandler[] {
  // A mock without `control`: nobody could reach it, and a page's bundle stays smaller.
  return handlersFor(createImagesResolver(options), options.baseUrl ?? DEFAULT_BASE_URL);
}

/** The handlers of an existing mock, for callers that also keep the mock (its catalog, say). */
export function handlersFor(
  mock: Pick<ImagesMock, 'handle'>,
  baseUrl: string = DEFAULT_BASE_URL,
): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, '');
  const resolve = ({ request }: { request: Request }) => mock.handle(request);
  return [
    http.all(`${base}/images`, resolve),
    http.all(`${base}/images/models`, resolve),
    http.all(`${base}/images/models/:author/:slug/endpoints`, resolve),
  ];
}
