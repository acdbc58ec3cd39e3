import {
  type ExchangeRequest,
  type ExchangeResponse,
  type RecordedExchange,
  toExchangeRequest,
  toExchangeResponse,
} from '../recording/exchange.ts';
import { describeViolation } from './report/format.ts';
import {
  type CheckOptions,
  type CheckResult,
  type OperationId,
  operationOf,
  validateExchange,
  validateResponse,
} from './validate.ts';

export interface ImagesContractMatcherOptions extends CheckOptions {
  /** The request the response answers (a fetch `Request` or a recorded one): enables the cross checks. */
  request?: Request | ExchangeRequest;
  /** The operation answered, when neither the request nor the response URL tells. @default 'createImages' */
  operation?: OperationId;
}

/** What a matcher returns, as `expect.extend` in Vitest and Jest expects it. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

const isExchange = (value: unknown): value is RecordedExchange =>
  typeof value === 'object' && value !== null && 'request' in value && 'response' in value;

const isExchangeResponse = (value: unknown): value is ExchangeResponse =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { status?: unknown }).status === 'number' &&
  typeof (value as { headers?: unknown }).headers === 'object' &&
  !(value instanceof Response);

async function check(
  received: unknown,
  options: ImagesContractMatcherOptions,
): Promise<CheckResult | string> {
  if (typeof Response !== 'undefined' && received instanceof Response) {
    if (received.bodyUsed)
      return 'the response body was already read: pass the response before reading it (the matcher reads a clone)';
    const response = await toExchangeResponse(received);
    const request =
      options.request instanceof Request ? await toExchangeRequest(options.request) : options.request;
    const operation =
      options.operation ??
      (received.url
        ? operationOf(
            request?.method ?? (/\/images\/?$/.test(new URL(received.url).pathname) ? 'POST' : 'GET'),
            received.url,
          )
        : undefined);
    return validateResponse(response, {
      ...(options.catalog ? { catalog: options.catalog } : {}),
      ...(request ? { request } : {}),
      ...(operation ? { operation } : {}),
    });
  }
  if (isExchange(received)) {
    const result = validateExchange(received, options);
    return result.skipped ? `not an exchange of the contract: ${result.skipped}` : result;
  }
  if (isExchangeResponse(received)) {
    const request =
      options.request instanceof Request ? await toExchangeRequest(options.request) : options.request;
    return validateResponse(received, {
      ...(options.catalog ? { catalog: options.catalog } : {}),
      ...(options.operation ? { operation: options.operation } : {}),
      ...(request ? { request } : {}),
    });
  }
  return 'expected a fetch Response, a recorded response {status, headers, body} or an exchange {request, response}';
}

/**
 * Matchers for `expect.extend(...)` (Vitest, Jest): `await expect(response).toMatchImagesContract()`
 * passes when the answer (a fetch `Response`, a recorded response, or a `{request, response}`
 * exchange) conforms to the contract, and fails listing every violation otherwise.
 *
 * @example
 * import { expect } from 'vitest';
 * import { imagesContractMatchers } from 'openrouter-images-mock';
 * expect.extend(imagesContractMatchers);
 * const response = await fetch(`${baseUrl}/images`, { method: 'POST', headers, body });
 * await expect(response).toMatchImagesContract();
 */
export const imagesContractMatchers = {
  async toMatchImagesContract(
    received: unknown,
    options: ImagesContractMatcherOptions = {},
  ): Promise<MatcherResult> {
    const result = await check(received, options);
    if (typeof result === 'string') return { pass: false, message: () => `toMatchImagesContract: ${result}` };
    if (result.ok)
      return {
        pass: true,
        message: () => 'expected the answer to break the images contract, but it conforms',
      };
    const lines = result.violations.map((v) => `  - ${describeViolation(v)}`);
    return {
      pass: false,
      message: () =>
        `expected the answer to conform to the images contract; ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    };
  },
};
