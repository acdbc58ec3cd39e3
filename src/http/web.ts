import type { MockAnswer, MockRequest } from './answer.ts';
import { pathnameOf } from './url-path.ts';

/** A Web `Request` as the resolver reads it (MSW, `mock.handle`). */
export function fromWebRequest(request: Request): MockRequest {
  return {
    method: request.method,
    url: request.url,
    pathname: pathnameOf(request.url),
    signal: request.signal,
    header: (name) => request.headers.get(name),
    headerEntries: () => request.headers,
    text: () => request.text(),
    toRequest: () => request,
  };
}

/** An answer as a Web `Response`; status 0 becomes `Response.error()`. */
export function toWebResponse(answer: MockAnswer): Response {
  if (answer.status === 0) return Response.error();
  const init: ResponseInit = { status: answer.status, headers: answer.headers };
  if (answer.statusText !== undefined) init.statusText = answer.statusText;
  return new Response(answer.body as BodyInit | null, init);
}

/** A Web `Response` (from a handler given by a user, a proxy or a replay) as an answer. */
export function fromWebResponse(response: Response): MockAnswer {
  const answer: MockAnswer = { status: response.status, headers: [...response.headers], body: response.body };
  if (response.statusText) answer.statusText = response.statusText;
  return answer;
}
