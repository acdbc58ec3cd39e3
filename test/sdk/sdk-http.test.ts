import { afterAll, beforeAll, describe } from 'vitest';
import { type ServingCli, startServe } from '../cli/spawn-cli.ts';
import { sdkContract } from './sdk-contract.ts';

let serving: ServingCli;
beforeAll(async () => {
  serving = await startServe(['--host', '127.0.0.1']);
});
afterAll(async () => {
  await serving?.stop();
});

describe('@openrouter/sdk over real HTTP against `openrouter-images-mock serve` on 127.0.0.1', () => {
  sdkContract(() => serving.baseUrl);
});
