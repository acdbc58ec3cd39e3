import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe } from 'vitest';
import { createImageHandlers } from '../../src/index.ts';
import { sdkContract } from './sdk-contract.ts';

const server = setupServer(...createImageHandlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

describe('@openrouter/sdk through the MSW handlers', () => {
  sdkContract(() => 'https://openrouter.ai/api/v1');
});
