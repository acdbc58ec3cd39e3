import { ImagesApiError, refusalError } from '../contract/errors.ts';
import type {
  ImageGenerationResponse,
  ImageGenerationUsage,
  ImageStreamEvent,
  SchemaName,
} from '../contract/types.ts';
import { validateSchema } from '../contract/validators.ts';
import {
  type AnswerHandler,
  answerHeader,
  jsonAnswer,
  type MockAnswer,
  type MockRequest,
  textAnswer,
} from '../http/answer.ts';
import { fromWebRequest, toWebResponse } from '../http/web.ts';
import { said, TAG } from '../message.ts';
import { assessRequestText } from '../models/assess.ts';
import { Catalog, type CatalogOptions, toEndpointsResponse, toListItem } from '../models/catalog.ts';
import { GENERIC_MODEL_HEADER, genericModelHeaderValue } from '../models/generic.ts';
import { DEFAULT_LIMITS, type GenerationLimits, type GenerationPlan } from '../models/plan.ts';
import { usageFor } from '../models/usage.ts';
import { mergeScenarios, namedScenario, type Scenario, scenarioFromPrefer } from '../scenarios/scenario.ts';
import { redactText } from '../secrets/redact.ts';
import { Accounts, type CreditsOptions, type RateLimitOptions } from './accounts.ts';
import { authenticate } from './auth.ts';
import { type ControlState, createControl, type MockControl } from './control/control.ts';
import { errorAnswer } from './error-answer.ts';
import { imageBase64, prepareSynthesis, type SynthesizedImage, synthesizeImage } from './images.ts';
import { boundEntry, Journal, type RecordedRequest } from './journal.ts';
import { latencyMs, sleep } from './sleep.ts';
import { streamAnswer } from './stream.ts';

/** Where OpenRouter serves the API; the handlers answer here unless told otherwise. */
export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

export interface ImagesMockOptions extends CatalogOptions {
  /**
   * Base URL of the API. The mock answers `POST {baseUrl}/images` and the two model routes.
   * @default 'https://openrouter.ai/api/v1'
   */
  baseUrl?: string;
  /** API keys to accept. Default: any well-formed bearer token. */
  apiKeys?: readonly string[];
  /**
   * Seed of requests that send none. A number keeps every answer reproducible; `'random'` draws
   * a new one per request, for demos. @default 0
   */
  seed?: number | 'random';
  /** Caps on what one request may allocate. @default 16 MiP per image, 64 MiP per answer */
  limits?: Partial<GenerationLimits>;
  /** Partial images before each completed image of a streamed raster answer. @default 2 */
  partialImages?: number;
  /** Milliseconds between stream events; 0 sends them as fast as the client reads. @default 0 */
  interval?: number;
  /**
   * A scenario for every request (a name from the catalog, or a `Scenario`); a request's
   * `Prefer` header and code-level overrides take precedence.
   */
  scenario?: string | Scenario;
  /** Simulate a credit balance per API key, drawn down by each answer's cost (402 when spent). */
  credits?: CreditsOptions;
  /** Simulate a rate limit per API key (429 with `Retry-After` and `X-RateLimit-*`). */
  rateLimit?: RateLimitOptions;
  /** Clock for `created`, in milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Check every answer against the contract before it leaves, and throw on a break (a mock bug,
   * or a user catalog that breaks the contract). @default true
   */
  checkResponses?: boolean;
  /** Receives the mock's own failures (never bad input). @default console.error */
  onError?: (error: unknown) => void;
  /** How many requests the journal keeps (oldest dropped first); 0 keeps none. @default 1000 */
  journalLimit?: number;
  /** Called with each request's journal entry once its answer's head is ready (for request logs). */
  onAnswered?: (entry: RecordedRequest) => void;
  /**
   * Called with each image answered (`bytes` shared, read-only): in a JSON answer before
   * `onAnswered`, in a stream once its completed event is sent. The server's gallery keeps them.
   */
  onImage?: (entry: RecordedRequest, index: number, bytes: Uint8Array, mediaType: string) => void;
}

/** The one resolver behind the MSW handlers and the standalone server. */
export interface ImagesMock {
  /**
   * Answers a Web-standard request as the service would. Never rejects for bad input.
   * `scenario` (from code) overrides the options' scenario and the request's `Prefer` header.
   */
  handle(request: Request, scenario?: Scenario): Promise<Response>;
  readonly catalog: Catalog;
  /** Credits and rate-limit windows of this mock (meaningful when those options are set). */
  readonly accounts: Accounts;
  /** Path prefix the routes live under, e.g. `/api/v1`. */
  readonly basePath: string;
  /** The request journal: what clients sent (keys redacted), the verdict, and the answer. */
  readonly journal: Journal;
  /** Steer it at run time: scenarios and responses for the next requests, credits, reset (what the server's control routes call). */
  readonly control: MockControl;
}

const ROUTES = {
  images: /^\/images\/?$/,
  models: /^\/images\/models\/?$/,
  endpoints: /^\/images\/models\/([^/]+)\/([^/]+)\/endpoints\/?$/,
};

/**
 * The JSON text of an images answer. Base64 and media types need no escaping, so the (large)
 * image strings are joined in as they are rather than walked again by JSON.stringify.
 */
function imagesJson(answer: ImageGenerationResponse): string {
  const images = answer.data.map(
    (image) =>
      `{"b64_json":"${image.b64_json}"${image.media_type === undefined ? '' : `,"media_type":${JSON.stringify(image.media_type)}`}}`,
  );
  const usage = answer.usage === undefined ? '' : `,"usage":${JSON.stringify(answer.usage)}`;
  return `{"created":${JSON.stringify(answer.created)},"data":[${images.join(',')}]${usage}}`;
}

/** A path segment decoded, or undefined when its percent-encoding is malformed (`%ZZ`, `%E0%A4%A`). */
function decodedSegment(segment: string | undefined): string | undefined {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return undefined;
  }
}

/** An answer's shape, decided once per request: its scenario, images and usage. */
interface Shaped {
  scenario: Scenario;
  count: number;
  usage: ImageGenerationUsage;
  created: number;
  check: boolean;
  imageAt: (index: number) => SynthesizedImage;
  partialAt: (index: number, step: number, of: number) => SynthesizedImage;
}

/** A mock without `control` (see `createImagesResolver`). */
export type ImagesResolver = Omit<ImagesMock, 'control'>;

/** Creates the resolver. See `ImagesMockOptions` for every default. */
export function createImagesMock(options: ImagesMockOptions = {}): ImagesMock {
  return createMock(options, createControl);
}

/**
 * The same resolver without `control`, for the MSW handlers: they never hand their mock out, so
 * nobody could steer it (no rule is ever added), and a page's bundle of the handlers then leaves
 * the control API and its validators out.
 */
export function createImagesResolver(options: ImagesMockOptions = {}): ImagesResolver {
  return createMock(options);
}

function createMock(options: ImagesMockOptions): ImagesResolver;
function createMock(options: ImagesMockOptions, withControl: typeof createControl): ImagesMock;
function createMock(
  options: ImagesMockOptions,
  withControl?: typeof createControl,
): ImagesResolver & { control?: MockControl } {
  const catalog = new Catalog(options);
  const basePath = new URL(options.baseUrl ?? DEFAULT_BASE_URL).pathname.replace(/\/+$/, '');
  const limits: GenerationLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const checkResponses = options.checkResponses ?? true;
  const onError = options.onError ?? ((error: unknown) => console.error(TAG, error));
  const baseScenario: Scenario = mergeScenarios(
    { partialImages: options.partialImages ?? 2, interval: options.interval ?? 0 },
    typeof options.scenario === 'string' ? namedScenario(options.scenario) : options.scenario,
  );
  const accounts = new Accounts(options.credits, options.rateLimit, now);
  const journal = new Journal(options.journalLimit ?? 1000);
  const steered = withControl?.({ journal, accounts, limits });
  const rulesFor: ControlState['rulesFor'] = steered?.rulesFor ?? (() => undefined);
  const onImage = options.onImage;

  const checked = <T>(schema: SchemaName, body: T, check = checkResponses): T => {
    if (check) {
      const violations = validateSchema(schema, body);
      if (violations.length > 0) {
        throw new Error(
          said(`answer breaks the contract (${schema}): ${violations.map((v) => v.message).join('; ')}`),
        );
      }
    }
    return body;
  };

  const defaultSeed = () =>
    options.seed === 'random' ? Math.floor(Math.random() * 2 ** 31) : (options.seed ?? 0);

  /** One image request, step by step: assess, admit, shape, then answer as JSON or as a stream. */
  async function generate(
    request: MockRequest,
    entry: RecordedRequest,
    override: Scenario | undefined,
  ): Promise<MockAnswer> {
    const assessment = assess(await request.text(), entry);
    const key = authenticate(request, options);
    const headers = accounts.admit(key);
    if (!assessment.plan) throw refusalError(assessment.refusal ?? { status: 400, violations: [] });
    const plan = assessment.plan;
    if (plan.notes.length > 0) entry.notes = plan.notes;
    if (plan.generic) {
      entry.generic = true;
      headers[GENERIC_MODEL_HEADER] = genericModelHeaderValue(plan.model.id);
    }
    await prepareSynthesis(plan); // loads the jpeg/webp encoder on first use; synthesis is then synchronous
    const shaped = shape(request, entry, plan, key, override);
    accounts.assertCanPay(key, shaped.usage.cost ?? 0);
    await sleep(latencyMs(shaped.scenario.latency, plan.seed), request.signal);
    if (shaped.scenario.error) {
      const { status, message, metadata, retryAfter } = shaped.scenario.error;
      throw new ImagesApiError(
        status,
        message,
        metadata,
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
    }
    entry.response = {
      status: 200,
      contentType: 'application/json',
      images: shaped.count,
      stream: plan.stream,
    };
    return plan.stream
      ? answerStream(entry, plan, key, shaped, headers)
      : answerJson(entry, key, shaped, headers);
  }

  /** The body's verdict, kept in the journal whatever the answer (a 401 included). */
  function assess(text: string, entry: RecordedRequest) {
    const assessment = assessRequestText(text, { catalog, limits, seed: defaultSeed() });
    if (assessment.body !== undefined) entry.body = assessment.body;
    entry.verdict = { valid: assessment.violations.length === 0, violations: assessment.violations };
    if (assessment.refusal) entry.verdict.refusedBy = assessment.refusal.by;
    return assessment;
  }

  /** What this answer looks like: the scenario (options, control rules, Prefer, code), images and usage. */
  function shape(
    request: MockRequest,
    entry: RecordedRequest,
    plan: GenerationPlan,
    key: string,
    override: Scenario | undefined,
  ): Shaped {
    const preferred = scenarioFromPrefer(request.header('prefer'));
    // Control rules count a use only once the request is known to be answered (a bad Prefer is a 400).
    const ruled = rulesFor({ model: plan.model.id, prompt: plan.prompt, key });
    if (ruled) entry.rules = ruled.ids;
    const scenario = mergeScenarios(baseScenario, ruled?.scenario, preferred, override);
    if (override || ruled || request.header('prefer') !== null || options.scenario) entry.scenario = scenario;
    const given = scenario.images;
    // `maxImages` below 0 is `fewer-images` without a count: n - 1, at least 1.
    const count = given
      ? given.length
      : scenario.maxImages === undefined
        ? plan.n
        : Math.min(plan.n, scenario.maxImages >= 0 ? scenario.maxImages : Math.max(1, plan.n - 1));
    return {
      scenario,
      count,
      usage: { ...usageFor(plan, count), ...scenario.usage },
      created: scenario.created ?? Math.floor(now() / 1000),
      check: scenario.checkResponse ?? checkResponses,
      imageAt: (index) => given?.[index] ?? synthesizeImage(plan, index),
      // A test's own image is its own preview; synthesized ones get coarser stages.
      partialAt: (index, step, of) => given?.[index] ?? synthesizeImage(plan, index, { step, of }),
    };
  }

  function answerStream(
    entry: RecordedRequest,
    plan: GenerationPlan,
    key: string,
    shaped: Shaped,
    headers: Record<string, string>,
  ): MockAnswer {
    if (entry.response) entry.response.contentType = 'text/event-stream; charset=utf-8';
    return streamAnswer({
      plan,
      headers,
      count: shaped.count,
      created: shaped.created,
      scenario: shaped.scenario,
      usage: shaped.usage,
      imageAt: shaped.imageAt,
      partialAt: shaped.partialAt,
      partialImages: shaped.scenario.partialImages ?? 2,
      check: (event) => checked<ImageStreamEvent>('ImageStreamEvent', event, shaped.check),
      onUsage: () => accounts.charge(key, shaped.usage.cost ?? 0),
      onDrop: (events) => {
        if (entry.response) entry.response.cut = `after ${events} event${events === 1 ? '' : 's'}`;
      },
      onImage: onImage && ((index, image) => onImage(entry, index, image.bytes, image.mediaType)),
    });
  }

  function answerJson(
    entry: RecordedRequest,
    key: string,
    shaped: Shaped,
    headers: Record<string, string>,
  ): MockAnswer {
    const data: ImageGenerationResponse['data'] = [];
    const images: SynthesizedImage[] = [];
    for (let index = 0; index < shaped.count; index++) {
      const image = shaped.imageAt(index);
      images.push(image);
      data.push({ b64_json: imageBase64(image.bytes), media_type: image.mediaType });
    }
    const body = { created: shaped.created, data, usage: shaped.usage } as ImageGenerationResponse;
    const answer = checked('ImageGenerationResponse', body, shaped.check);
    accounts.charge(key, shaped.usage.cost ?? 0);
    if (onImage)
      for (const [index, image] of images.entries()) onImage(entry, index, image.bytes, image.mediaType);
    return textAnswer(imagesJson(answer), 200, { 'content-type': 'application/json', ...headers });
  }

  async function route(
    request: MockRequest,
    entry: RecordedRequest,
    override: Scenario | undefined,
    inBase: boolean,
  ): Promise<MockAnswer> {
    const method = request.method.toUpperCase();
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method)) {
        throw new ImagesApiError(405, `Method ${method} is not allowed on ${entry.path}`, undefined, {
          allow: methods,
        });
      }
    };
    if (!inBase) throw new ImagesApiError(404, 'Not Found');

    if (ROUTES.images.test(entry.path)) {
      allow('POST');
      return await generate(request, entry, override);
    }
    if (ROUTES.models.test(entry.path)) {
      allow('GET, HEAD');
      const list = { data: catalog.list().map((model) => toListItem(model, basePath)) };
      return jsonAnswer(checked('ImageModelsListResponse', list));
    }
    const endpoints = ROUTES.endpoints.exec(entry.path);
    if (endpoints) {
      allow('GET, HEAD');
      const author = decodedSegment(endpoints[1]);
      const slug = decodedSegment(endpoints[2]);
      if (author === undefined || slug === undefined)
        throw new ImagesApiError(400, 'The model id in the path is not valid percent-encoded UTF-8');
      const id = `${author}/${slug}`;
      const found = catalog.lookup(id);
      if (!found) throw new ImagesApiError(404, `Model ${id} not found`);
      const answer = jsonAnswer(checked('ImageModelEndpointsResponse', toEndpointsResponse(found.model)));
      if (found.generic) {
        entry.generic = true;
        answer.headers.push([GENERIC_MODEL_HEADER, genericModelHeaderValue(id)]);
      }
      return answer;
    }
    throw new ImagesApiError(404, 'Not Found');
  }

  async function answer(
    request: MockRequest,
    entry: RecordedRequest,
    override: Scenario | undefined,
    inBase: boolean,
  ): Promise<MockAnswer> {
    try {
      return await route(request, entry, override, inBase);
    } catch (error) {
      if (error instanceof ImagesApiError) {
        entry.response = { status: error.status, contentType: 'application/json', error: error.message };
        return errorAnswer(error);
      }
      // The client went away (during latency, say): nobody reads this answer, and it is no fault.
      if (request.signal.aborted) return { status: 499, headers: [], body: null };
      // A bug in the mock (or a user catalog that breaks the contract): say so loudly, but answer
      // in the service's shape so the client under test sees a 500, not a transport failure.
      onError(error);
      const message = redactText(error instanceof Error ? error.message : String(error));
      entry.response = { status: 500, contentType: 'application/json', error: message };
      return errorAnswer(new ImagesApiError(500, 'Internal Server Error', { mock_error: message }));
    }
  }

  const resolve = async (request: MockRequest, override?: Scenario): Promise<MockAnswer> => {
    const started = performance.now();
    const pathname = request.pathname;
    const inBase = pathname.startsWith(basePath);
    const entry = journal.open(request, inBase ? pathname.slice(basePath.length) || '/' : pathname);
    const result = await answer(request, entry, override, inBase);
    boundEntry(entry);
    entry.response ??= { status: result.status, contentType: answerHeader(result, 'content-type') };
    entry.ms = Math.round((performance.now() - started) * 10) / 10;
    options.onAnswered?.(entry);
    return result;
  };

  const mock: ImagesResolver & { control?: MockControl } = {
    catalog,
    basePath,
    accounts,
    journal,
    ...(steered && { control: steered.control }),
    async handle(request, override) {
      return toWebResponse(await resolve(fromWebRequest(request), override));
    },
  };
  resolvers.set(mock, resolve);
  return mock;
}

// The plain-data resolver behind each mock, for the standalone server (not part of the public API).
const resolvers = new WeakMap<
  ImagesResolver,
  (request: MockRequest, override?: Scenario) => Promise<MockAnswer>
>();

/** The resolver of `mock` on plain data: what the standalone server calls instead of `handle`. */
export function answerHandlerOf(mock: ImagesResolver): AnswerHandler {
  const resolve = resolvers.get(mock);
  if (!resolve) throw new TypeError(said('not a mock made by createImagesMock'));
  return (request) => resolve(request);
}
