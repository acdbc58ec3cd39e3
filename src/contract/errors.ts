import { redactText, redactValue } from '../secrets/redact.ts';
import type { ErrorResponse } from './types.ts';
import type { Violation } from './violations.ts';

/** The service's own wording for each documented status, used when nothing more precise fits. */
export const DEFAULT_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid request parameters',
  401: 'Missing Authentication header',
  402: 'Insufficient credits. Add more using https://openrouter.ai/credits',
  403: 'Forbidden',
  404: 'Resource not found',
  405: 'Method not allowed',
  408: 'Request timed out',
  413: 'Request payload too large',
  429: 'Rate limit exceeded',
  500: 'Internal Server Error',
  502: 'Provider returned error',
  503: 'No available provider could serve this request',
  524: 'Request timed out. Please try again later.',
  529: 'Provider returned error',
};

/**
 * An error answer in the service's shape, on its way to becoming a Response. Its message and
 * metadata are redacted as they are made: an error may echo what the client sent (a header, a URL).
 */
export class ImagesApiError extends Error {
  readonly status: number;
  readonly metadata: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message = DEFAULT_ERROR_MESSAGES[status] ?? 'Error',
    metadata?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    // An answer, not a bug: no stack trace (capturing one per refused request costs 4–7% CPU).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(redactText(message));
    Error.stackTraceLimit = limit;
    this.name = 'ImagesApiError';
    this.status = status;
    this.metadata = metadata && redactValue(metadata);
    this.headers = headers;
  }

  /** `{ error: { code, message, metadata? } }`, with `code` the HTTP status as a number. */
  toBody(): ErrorResponse {
    const error: ErrorResponse['error'] = { code: this.status, message: this.message };
    if (this.metadata) error.metadata = this.metadata;
    return { error };
  }
}

/** A 400 that lists every violation; the message joins them so the first one a person reads names the field. */
export function invalidRequest(violations: readonly Violation[]): ImagesApiError {
  return refusalError({ status: 400, violations });
}

/**
 * The error answer for a refused request (rules return refusals as data; this is where one becomes
 * the service's error body): the message joins the violations unless one is given.
 */
export function refusalError(refusal: {
  status: number;
  violations: readonly Violation[];
  message?: string;
}): ImagesApiError {
  const message = refusal.message ?? refusal.violations.map((v) => v.message).join('; ');
  return new ImagesApiError(refusal.status, message || DEFAULT_ERROR_MESSAGES[refusal.status], {
    violations: refusal.violations,
  });
}
