// The control API's bodies, checked (against openapi/mock-control.yaml, then the rules a schema
// cannot state) and turned into what the mock runs. Results are data: the violations, or the value.
import type {
  AddResponsesRequest,
  AddScenarioRequest,
  CreditsRequest,
  RequestsQuery,
  RuleMatch,
} from '../../contract/control-types.ts';
import { validateControlSchema } from '../../contract/control-validators.ts';
import { FORMAT_NAMES } from '../../contract/media-types.ts';
import type { Violation } from '../../contract/violations.ts';
import { fromBase64 } from '../../http/base64.ts';
import type { GenerationLimits } from '../../models/plan.ts';
import { ERROR_SCENARIOS, errorScenarioForStatus } from '../../scenarios/catalog.ts';
import { type ProvidedImage, type Scenario, scenarioFromFields } from '../../scenarios/scenario.ts';
import { answerViolations, sniffMediaType, synthesizedImage } from '../provided-images.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

const refused = <T>(violations: Violation[]): Checked<T> => ({ ok: false, violations });

const violation = (pointer: string, rule: string, message: string, extra: Partial<Violation> = {}) => ({
  pointer,
  rule,
  message,
  ...extra,
});

/** Which requests a rule answers and how often: shared by every kind of rule. */
export interface RuleOptions {
  times?: number;
  match?: RuleMatch;
}

export interface ScenarioInput extends RuleOptions {
  /** The scenario as the caller gave it (what the rule lists). */
  spec: AddScenarioRequest['scenario'];
  scenario: Scenario;
}

/** A `POST /__mock/scenarios` body, or the violations that name what is wrong with it. */
export function scenarioInput(body: unknown): Checked<ScenarioInput> {
  const violations = validateControlSchema('AddScenarioRequest', body);
  if (violations.length > 0) return refused(violations);
  const request = body as AddScenarioRequest;
  const spec = request.scenario;
  const fields = typeof spec === 'string' ? { name: spec } : spec;
  if (fields.code !== undefined && fields.code !== 200 && !errorScenarioForStatus(fields.code)) {
    const statuses = [...new Set(Object.values(ERROR_SCENARIOS).map((s) => s.status))];
    violations.push(
      violation(
        '/scenario/code',
        'scenario-status',
        `scenario.code ${fields.code} is not the status of a scenario`,
        {
          expected: [200, ...statuses],
          actual: fields.code,
        },
      ),
    );
  }
  const latency = fields.latency;
  if (typeof latency === 'object' && latency.max < latency.min) {
    violations.push(
      violation(
        '/scenario/latency/max',
        'latency-range',
        'scenario.latency.max must be >= scenario.latency.min',
        {
          expected: latency.min,
          actual: latency.max,
        },
      ),
    );
  }
  if (violations.length > 0) return refused(violations);
  const { name, ...modifiers } = fields;
  const scenario = scenarioFromFields({ ...modifiers, names: name === undefined ? [] : [name].flat() }) ?? {};
  return { ok: true, value: { spec, scenario, ...ruleOptions(request) } };
}

export interface ResponsesInput extends RuleOptions {
  images: ProvidedImage[];
  usage?: Record<string, unknown>;
  created?: number;
  check: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A `POST /__mock/responses` body, or the violations that name what is wrong with it. Sizes are
 * checked before anything is decoded or drawn: pixels against the mock's limits (the server's
 * `maxBodyBytes` has already bounded the body). With `check` (the default) the answer must keep
 * the contract: bytes of a known format, a `media_type` that matches them, a valid `usage`.
 */
export async function responsesInput(
  body: unknown,
  limits: GenerationLimits,
): Promise<Checked<ResponsesInput>> {
  const violations = validateControlSchema('AddResponsesRequest', body);
  if (violations.length > 0) return refused(violations);
  const request = body as AddResponsesRequest;
  const check = request.check ?? true;
  let pixels = 0;
  request.images.forEach((image, index) => {
    const at = `/images/${index}`;
    if ((image.b64_json === undefined) === (image.synthesize === undefined)) {
      violations.push(
        violation(at, 'one-source', `images[${index}] needs exactly one of b64_json or synthesize`),
      );
    } else if (image.synthesize) {
      if (image.media_type !== undefined)
        violations.push(
          violation(`${at}/media_type`, 'media-type', `images[${index}].media_type goes with b64_json only`),
        );
      const { width, height } = image.synthesize;
      const area = width * height;
      pixels += area;
      if (area > limits.maxPixelsPerImage) {
        violations.push(
          violation(
            `${at}/synthesize`,
            'max-pixels-per-image',
            `images[${index}].synthesize ${width}x${height} (${area} pixels) exceeds the limit of ${limits.maxPixelsPerImage} pixels per image`,
            { expected: limits.maxPixelsPerImage, actual: area },
          ),
        );
      }
    } else if (
      image.b64_json !== undefined &&
      (image.b64_json.length % 4 !== 0 || !BASE64.test(image.b64_json))
    ) {
      violations.push(
        violation(
          `${at}/b64_json`,
          'base64',
          `images[${index}].b64_json is not standard base64 with padding`,
        ),
      );
    }
  });
  if (pixels > limits.maxPixelsPerResponse && violations.length === 0) {
    violations.push(
      violation(
        '/images',
        'max-pixels-per-response',
        `images to synthesize (${pixels} pixels) exceed the limit of ${limits.maxPixelsPerResponse} pixels per response`,
        { expected: limits.maxPixelsPerResponse, actual: pixels },
      ),
    );
  }
  if (violations.length > 0) return refused(violations);

  const images: ProvidedImage[] = [];
  for (const [index, image] of request.images.entries()) {
    if (image.synthesize) {
      images.push(await synthesizedImage(image.synthesize, index));
      continue;
    }
    const bytes = fromBase64(image.b64_json ?? '');
    const sniffed = sniffMediaType(bytes);
    const at = `/images/${index}`;
    if (check && !sniffed) {
      violations.push(
        violation(`${at}/b64_json`, 'image-format', `images[${index}].b64_json is not a ${FORMAT_NAMES}`),
      );
    } else if (check && image.media_type !== undefined && image.media_type !== sniffed) {
      violations.push(
        violation(
          `${at}/media_type`,
          'media-type-matches-bytes',
          `images[${index}].media_type does not match the image bytes`,
          {
            expected: sniffed,
            actual: image.media_type,
          },
        ),
      );
    }
    images.push({ bytes, mediaType: image.media_type ?? sniffed ?? 'application/octet-stream' });
  }
  if (check) violations.push(...answerViolations(request));
  if (violations.length > 0) return refused(violations);
  const value: ResponsesInput = { images, check, ...ruleOptions(request) };
  if (request.usage) value.usage = request.usage;
  if (request.created !== undefined) value.created = request.created;
  return { ok: true, value };
}

/** A `PUT /__mock/credits` body, or the violations that name what is wrong with it. */
export function creditsInput(body: unknown): Checked<CreditsRequest> {
  const violations = validateControlSchema('CreditsRequest', body);
  return violations.length > 0 ? refused(violations) : { ok: true, value: body as CreditsRequest };
}

function ruleOptions(request: { times?: number; match?: RuleMatch }): RuleOptions {
  const options: RuleOptions = {};
  if (request.times !== undefined) options.times = request.times;
  if (request.match !== undefined) options.match = request.match;
  return options;
}

/** What `GET /__mock/requests` keeps, as predicates and a count. */
export interface RequestsFilter {
  limit?: number;
  model?: string;
  status?: (status: number) => boolean;
  /** Requests after this id. */
  afterId?: number;
  /** Requests at or after this time (milliseconds since the epoch). */
  fromTime?: number;
}

/**
 * The query of `GET /__mock/requests` (values as sent: strings, `limit` as a string of digits or a
 * number), or the violations that name what is wrong with it. `since` is an id when it is digits
 * (requests after it) and an ISO 8601 time otherwise (requests at or after it).
 */
export function requestsFilter(query: Record<string, unknown>): Checked<RequestsFilter> {
  const typed = { ...query };
  // A query carries strings; the document states `limit` as the number it means.
  if (typeof typed.limit === 'string' && /^\d+$/.test(typed.limit)) typed.limit = Number(typed.limit);
  const violations = validateControlSchema('RequestsQuery', typed);
  if (violations.length > 0) return refused(violations);
  const { limit, model, status, since } = typed as RequestsQuery;
  const filter: RequestsFilter = {};
  if (limit !== undefined) filter.limit = limit;
  if (model !== undefined) filter.model = model;
  if (status !== undefined) {
    const wanted = status.toLowerCase();
    filter.status = wanted.endsWith('xx')
      ? (code) => Math.floor(code / 100) === Number(wanted[0])
      : (code) => code === Number(wanted);
  }
  if (since !== undefined) {
    const time = Date.parse(since);
    if (/^\d+$/.test(since)) filter.afterId = Number(since);
    else if (/^\d{4}-\d{2}-\d{2}/.test(since) && !Number.isNaN(time)) filter.fromTime = time;
    else
      return refused([
        violation('/since', 'since', 'since must be a request id or an ISO 8601 time', { actual: since }),
      ]);
  }
  return { ok: true, value: filter };
}
