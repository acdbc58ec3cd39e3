import type { ImagesApiError } from '../contract/errors.ts';
import { type MockAnswer, textAnswer } from '../http/answer.ts';
import { toWebResponse } from '../http/web.ts';

// The service's error, rendered: the contract keeps it as data (status, body, headers); this is
// where it becomes an answer on the wire.

/** `{"error":{…}}` as a JSON answer with the error's status and headers. */
export function errorAnswer(error: ImagesApiError): MockAnswer {
  return textAnswer(JSON.stringify(error.toBody()), error.status, {
    'content-type': 'application/json',
    ...error.headers,
  });
}

/** The same, as a Web `Response` (MSW, proxy and replay handlers). */
export function errorResponse(error: ImagesApiError): Response {
  return toWebResponse(errorAnswer(error));
}
