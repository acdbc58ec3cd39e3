import { ImagesApiError } from '../../contract/errors.ts';
import type { MockControl } from '../../core/control/control.ts';
import { errorAnswer } from '../../core/error-answer.ts';
import { type AnswerHandler, jsonAnswer, type MockAnswer, type MockRequest } from '../../http/answer.ts';
import { INSPECTION_PREFIX } from '../inspection.ts';
import { type ControlAccess, refuseControl } from './access.ts';

const NO_CONTENT: MockAnswer = { status: 204, headers: [], body: null };

/** `/scenarios`, `/scenarios/{id}`, `/responses`, `/responses/{id}`, `/credits`, `/reset`. */
const ROUTE = /^\/(?:(scenarios|responses)(?:\/([^/]+))?|(credits)|(reset))\/?$/;

/** The JSON body of a control request; absent or empty reads as `undefined` (the schema names it). */
async function jsonBody(request: MockRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ImagesApiError(400, `Request body is not valid JSON: ${detail}`, {
      violations: [{ pointer: '', rule: 'json', message: `body is not valid JSON: ${detail}` }],
    });
  }
}

function methodNotAllowed(method: string, pathname: string, allow: string): never {
  throw new ImagesApiError(405, `Method ${method} is not allowed on ${pathname}`, undefined, { allow });
}

/**
 * The control routes in front of `handler` (the inspection routes and the API), each a call of
 * `control`: the same operations the library offers on `mock.control`. Other paths pass through.
 */
export function withControl(
  handler: AnswerHandler,
  control: MockControl,
  access: ControlAccess,
): AnswerHandler {
  return async (request) => {
    const pathname = request.pathname;
    if (!pathname.startsWith(`${INSPECTION_PREFIX}/`)) return handler(request);
    const route = ROUTE.exec(pathname.slice(INSPECTION_PREFIX.length));
    if (!route) return handler(request);
    try {
      const refusal = refuseControl(request, access);
      if (refusal) return errorAnswer(refusal);
      return await answer(request, control, route);
    } catch (error) {
      if (error instanceof ImagesApiError) return errorAnswer(error);
      throw error;
    }
  };
}

async function answer(
  request: MockRequest,
  control: MockControl,
  route: RegExpExecArray,
): Promise<MockAnswer> {
  const method = request.method.toUpperCase();
  const [, kind, rawId, credits, reset] = route;
  if (reset) {
    if (method !== 'POST') methodNotAllowed(method, request.pathname, 'POST');
    control.reset();
    return NO_CONTENT;
  }
  if (credits) {
    if (method !== 'PUT') methodNotAllowed(method, request.pathname, 'PUT');
    return jsonAnswer(control.setCredits((await jsonBody(request)) as never));
  }
  const scenarios = kind === 'scenarios';
  if (rawId !== undefined) {
    if (method !== 'DELETE') methodNotAllowed(method, request.pathname, 'DELETE');
    let id = rawId;
    try {
      id = decodeURIComponent(rawId);
    } catch {} // a malformed escape is no rule's id either
    const removed = scenarios ? control.removeScenario(id) : control.removeResponses(id);
    if (!removed)
      throw new ImagesApiError(
        404,
        `No active ${scenarios ? 'scenario' : 'response'} rule has the id ${JSON.stringify(id)}`,
      );
    return NO_CONTENT;
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return jsonAnswer({ data: scenarios ? control.listScenarios() : control.listResponses() });
    case 'POST': {
      const body = (await jsonBody(request)) as never;
      const rule = scenarios ? control.addScenario(body) : await control.addResponses(body);
      return jsonAnswer(rule, 201, {
        location: `${INSPECTION_PREFIX}/${kind}/${encodeURIComponent(rule.id)}`,
      });
    }
    case 'DELETE':
      if (scenarios) control.clearScenarios();
      else control.clearResponses();
      return NO_CONTENT;
    default:
      methodNotAllowed(method, request.pathname, 'GET, HEAD, POST, DELETE');
  }
}
