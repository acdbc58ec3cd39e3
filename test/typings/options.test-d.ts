import { describe, expect, expectTypeOf, it } from 'vitest';
import { createImageHandlers, type ImagesMockOptions } from '../../src/index.ts';
import type {
  ErrorAnswer,
  ListenOptions,
  MockServerOptions,
  NodeListenerOptions,
} from '../../src/server/index.ts';
import { type RespondWithSpec, respondWith, useImagesMock } from '../../src/vitest/index.ts';

describe('options and overrides are typed from the contract', () => {
  it('accepts what the contract allows', () => {
    expectTypeOf(createImageHandlers).parameter(0).toEqualTypeOf<ImagesMockOptions | undefined>();
    expectTypeOf<RespondWithSpec['usage']>().toExtend<
      | { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; cost?: number | null }
      | undefined
    >();
    respondWith({ usage: { cost: 0.04, prompt_tokens: 3 }, created: 1 });
    respondWith((request) => {
      expectTypeOf(request.model).toBeString();
      expectTypeOf(request.aspect_ratio).toEqualTypeOf<
        | '1:1'
        | '1:2'
        | '1:4'
        | '1:8'
        | '2:1'
        | '2:3'
        | '2.35:1'
        | '3:2'
        | '3:4'
        | '4:1'
        | '4:3'
        | '4:5'
        | '5:2'
        | '5:4'
        | '8:1'
        | '9:16'
        | '16:9'
        | '9:19.5'
        | '19.5:9'
        | '9:20'
        | '20:9'
        | '9:21'
        | '21:9'
        | 'auto'
        | undefined
      >();
      return {};
    });
  });

  it('makes a typo in a field a compile error', () => {
    // @ts-expect-error prompt_tokenz is not a usage field
    respondWith({ usage: { prompt_tokenz: 1 } });
    // @ts-expect-error usage.cost is a number
    respondWith({ usage: { cost: 'free' } });
    // @ts-expect-error maxPixelsPerImag is not a limit
    createImageHandlers({ limits: { maxPixelsPerImag: 1 } });
    // @ts-expect-error partialImage is not an option
    createImageHandlers({ partialImage: 3 });
    const mock = useImagesMock();
    // @ts-expect-error rate-limitd is not a scenario
    mock.use('rate-limitd');
    // @ts-expect-error maxImage is not a scenario field
    mock.use({ maxImage: 1 });
  });

  it('types the matcher against the request body', () => {
    const mock = useImagesMock();
    expectTypeOf(expect(mock).toHaveReceivedImageRequest).toBeFunction();
    // @ts-expect-error modle is not a request field
    expect(mock).toHaveReceivedImageRequest({ modle: 'openai/gpt-image-1' });
  });
});

describe('the server options', () => {
  it("errorAnswer makes the node:http adapter's own error answers; the mock server's are the service's", () => {
    type Maker = (status: number, message: string) => ErrorAnswer;
    expectTypeOf<ErrorAnswer>().toEqualTypeOf<{
      headers?: Record<string, string>;
      body: string | Uint8Array;
    }>();
    expectTypeOf<NodeListenerOptions['errorAnswer']>().toEqualTypeOf<Maker | undefined>();
    expectTypeOf<ListenOptions['errorAnswer']>().toEqualTypeOf<Maker | undefined>();
    expectTypeOf<MockServerOptions>().not.toHaveProperty('errorAnswer');
  });
});
