import { ImagesApiError } from '../contract/errors.ts';
import type { MockRequest } from '../http/answer.ts';

export interface AuthOptions {
  /** Keys the mock accepts. Default: any well-formed bearer token. */
  apiKeys?: readonly string[] | undefined;
}

// A token is one run of visible ASCII, as RFC 6750's b64token allows and every real key is.
const BEARER = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i;

/** The API key of a request, or the 401 the service answers without a usable one. */
export function authenticate(request: MockRequest, options: AuthOptions): string {
  const header = request.header('authorization');
  if (!header) throw new ImagesApiError(401, 'Missing Authentication header');
  const key = BEARER.exec(header)?.[1];
  if (!key) {
    throw new ImagesApiError(
      401,
      'Malformed Authentication header: expected "Authorization: Bearer <API key>"',
    );
  }
  if (options.apiKeys && !options.apiKeys.includes(key))
    throw new ImagesApiError(401, 'No auth credentials found');
  return key;
}
