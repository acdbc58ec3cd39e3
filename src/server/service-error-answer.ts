import { ImagesApiError } from '../contract/errors.ts';
import type { ErrorAnswer } from './node/error-answer.ts';

/**
 * The answers the node:http adapter gives on its own (413, 408, 400, 500, 501) in the service's
 * error shape, `{"error":{"code","message"}}`, as every other error of the mock: a client of the
 * mock server parses them as it parses the service's.
 */
export function serviceErrorAnswer(status: number, message: string): ErrorAnswer {
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(new ImagesApiError(status, message).toBody()),
  };
}
