import { redactText } from '../check/redact.ts';
import type { CheckReport, ReportedExchange } from '../check/report/report.ts';
import { type CheckViolation, validateExchange } from '../check/validate.ts';
import { labelOf } from '../check/validate-recording.ts';
import { openApiDocument } from '../contract/document.gen.ts';
import type {
  ImageModelEndpointsResponse,
  ImageModelListItem,
  ImagePricingEntry,
} from '../contract/types.ts';
import { Catalog, toListItem } from '../models/catalog.ts';
import { type ExchangeRequest, type RecordedExchange, toExchangeResponse } from '../recording/exchange.ts';
import { type CostEstimate, estimateCost } from './cost.ts';
import { buildVerifySuite, contractEnum, selectCases, type VerifyCase } from './suite.ts';

export interface VerifyOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:4010/api/v1` or `https://openrouter.ai/api/v1`. */
  baseUrl: string;
  /** Key sent as `Authorization: Bearer <key>`; never printed. Default: a placeholder key, for local targets. */
  apiKey?: string;
  /** Most suite requests to send (catalog discovery not counted). @default 200 */
  maxRequests?: number;
  /** Seed of the selection when the suite is cut, and of the prompts. @default 0 */
  seed?: number;
  /** Only these models. Default: every model the target lists. */
  models?: readonly string[];
  /** Build and select the suite from `catalog` and send nothing. @default false */
  dryRun?: boolean;
  /** Local catalog: the models of a dry run, and token rules for cost estimates. @default the built-in one */
  catalog?: Catalog;
  /** Refuse to start (before any generation request) when the estimate is above this, in USD. Only for non-local targets. @default 1 */
  maxCostUsd?: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** Per-request limit in milliseconds. @default 120000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Progress lines and the cost estimate. @default nothing */
  log?: (line: string) => void;
}

export interface VerifyRun {
  report: CheckReport;
  /** Cases in the full suite. */
  total: number;
  /** The selected cases, in the order sent (or, on a dry run, that would be sent). */
  selected: VerifyCase[];
  estimate?: CostEstimate;
  /** Requests actually sent, discovery included. */
  sent: number;
}

const PLACEHOLDER_KEY = 'sk-or-v1-openrouter-images-mock-verify';

/** True for loopback hosts (127.0.0.0/8, localhost, ::1): no cost and no confirmation there. */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/**
 * Sends a generated suite to a live server that claims to implement the endpoint, and checks
 * every answer: positive requests for each parameter and enum value the target's catalog
 * (`GET /images/models`) allows must be served in the contract's shape; negative ones must be
 * refused with the documented status and error body.
 *
 * @example
 * const { report } = await runVerify({ baseUrl: server.baseUrl });
 * console.log(formatReport(report, 'human'));
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyRun> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const group = `verify ${redactText(base)}`;
  const report: CheckReport = { tool: 'verify', exchanges: [], problems: [] };
  const log = options.log ?? (() => {});
  const doFetch = options.fetch ?? globalThis.fetch;
  const key = options.apiKey ?? PLACEHOLDER_KEY;
  const local = isLocalUrl(base);
  const localCatalog = options.catalog ?? new Catalog();
  const timeoutMs = options.timeoutMs ?? 120_000;
  let sent = 0;

  const send = async (request: ExchangeRequest, raw?: string): Promise<RecordedExchange> => {
    sent++;
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (raw !== undefined) init.body = raw;
    const response = await doFetch(request.url, init);
    return { request, response: await toExchangeResponse(response) };
  };
  const requestOf = (testCase: Pick<VerifyCase, 'method' | 'path' | 'auth' | 'body'>) => {
    const headers: Record<string, string> = {};
    if (testCase.auth === 'key') headers.authorization = `Bearer ${key}`;
    if (testCase.auth === 'malformed') headers.authorization = 'Basic dmVyaWZ5OnZlcmlmeQ==';
    const request: ExchangeRequest = { method: testCase.method, url: `${base}${testCase.path}`, headers };
    let raw: string | undefined;
    if (testCase.body !== undefined) {
      headers['content-type'] = 'application/json';
      raw = typeof testCase.body === 'string' ? testCase.body : JSON.stringify(testCase.body);
      request.body = testCase.body;
      if ((testCase.body as { stream?: unknown }).stream === true) headers.accept = 'text/event-stream';
    }
    return { request, raw };
  };
  const unreachable = (what: string, error: unknown) => {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    report.problems.push({ group, message: `${what}: ${redactText(cause)}` });
  };

  // 1. The catalog: what the target says it serves (or, on a dry run, the local one). A catalog
  // that cannot be read is a break like any other, reported, and the suite falls back to the
  // local catalog's models so the generation route is still probed.
  let models: ImageModelListItem[];
  let fallback = false;
  const pricing = new Map<string, readonly ImagePricingEntry[]>();
  const localModels = () =>
    localCatalog.list().map((model) => toListItem(model, new URL(`${base}/`).pathname.replace(/\/$/, '')));
  if (options.dryRun) {
    models = localModels();
    for (const model of localCatalog.list()) pricing.set(model.id, model.endpoints[0]?.pricing ?? []);
  } else {
    const { request } = requestOf({ method: 'GET', path: '/images/models', auth: 'key' });
    let checked: ReturnType<typeof checkCatalog> | undefined;
    try {
      const exchange = await send(request);
      checked = checkCatalog(exchange);
      report.exchanges.push(
        reported(group, 'catalog GET /images/models', exchange, checked, "the target's model catalog"),
      );
    } catch (error) {
      report.exchanges.push(noAnswer(group, 'catalog GET /images/models', request, error));
    }
    if (checked?.usable) models = checked.models;
    else {
      fallback = true;
      models = localModels();
      for (const model of localCatalog.list()) pricing.set(model.id, model.endpoints[0]?.pricing ?? []);
      log(`The target's model catalog is unusable: probing POST /images with the local catalog's models`);
    }
  }
  if (options.models?.length) {
    const unknown = options.models.filter((id) => !models.some((m) => m.id === id));
    for (const id of unknown)
      report.problems.push({ group, message: `model ${id} is not in the target's catalog` });
    models = models.filter((m) => options.models?.includes(m.id));
  }

  // 2. Pricing, from each model's endpoints route (free reads).
  if (!options.dryRun && !fallback) {
    for (const model of models) {
      const [author, slug] = model.id.split('/');
      const path = `/images/models/${encodeURIComponent(author ?? '')}/${encodeURIComponent(slug ?? '')}/endpoints`;
      let exchange: RecordedExchange;
      try {
        exchange = await send(requestOf({ method: 'GET', path, auth: 'key' }).request);
      } catch (error) {
        unreachable(`cannot reach ${base}${path}`, error);
        return { report, total: 0, selected: [], sent };
      }
      const checked = validateExchange(exchange);
      report.exchanges.push(
        reported(
          group,
          `catalog ${model.id} endpoints`,
          exchange,
          { ...checked, expectStatus: 200 },
          "the model's endpoints and pricing",
        ),
      );
      const body = exchange.response.body as ImageModelEndpointsResponse | undefined;
      if (checked.ok && exchange.response.status === 200)
        pricing.set(model.id, body?.endpoints[0]?.pricing ?? []);
    }
  }

  // 3. The suite, cut to --max-requests, and what it may cost. Without the target's catalog only
  // the baselines of the local models and the contract's own example are positive cases.
  const suite = fallback
    ? fallbackSuite(models, options.seed ?? 0)
    : buildVerifySuite(models, { seed: options.seed ?? 0 });
  const selected = selectCases(suite, options.maxRequests ?? 200, options.seed ?? 0);
  const estimate = estimateCost(
    selected,
    (id) => pricing.get(id),
    (id) => localCatalog.get(id),
  );
  if (!local || options.dryRun) {
    const unpriced = estimate.unpriced.length
      ? ` (${estimate.unpriced.length} more without a price in the catalog)`
      : '';
    log(
      `Estimated cost: $${estimate.usd.toFixed(4)} for ${estimate.priced} generation requests${unpriced}; refused requests are not charged.`,
    );
  }
  if (options.dryRun) return { report, total: suite.length, selected, estimate, sent };
  const maxCost = options.maxCostUsd ?? 1;
  if (
    !local &&
    (estimate.usd > maxCost || (estimate.unpriced.length > 0 && options.maxCostUsd === undefined))
  ) {
    report.problems.push({
      group,
      message:
        estimate.usd > maxCost
          ? `the estimated cost $${estimate.usd.toFixed(4)} is above --max-cost $${maxCost}: nothing was generated (lower --max-requests, pick --model, or raise --max-cost)`
          : `${estimate.unpriced.length} requests have no price estimate: pass --max-cost to accept that`,
    });
    return { report, total: suite.length, selected, estimate, sent };
  }
  log(`Sending ${selected.length} of ${suite.length} requests to ${redactText(base)}`);

  // 4. Send and check, a few at a time; the report keeps the suite's order.
  const results: ReportedExchange[] = new Array(selected.length);
  let nextIndex = 0;
  const worker = async () => {
    for (let i = nextIndex++; i < selected.length; i = nextIndex++) {
      const testCase = selected[i] as VerifyCase;
      const { request, raw } = requestOf(testCase);
      try {
        const exchange = await send(request, raw);
        const result = checkCase(group, testCase, exchange);
        if (fallback && testCase.kind === 'positive') {
          result.notes.push("the target's catalog was unusable: this case comes from the local catalog");
        }
        results[i] = result;
      } catch (error) {
        results[i] = noAnswer(group, testCase.id, request, error, testCase.description);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  report.exchanges.push(...results);
  // Nothing answered at all: nothing is listening there, and the run says it could not run.
  if (report.exchanges.every((e) => e.violations.some((v) => v.rule === 'answer'))) {
    const cause = report.exchanges[0]?.violations[0]?.message.replace(/^no answer: /, '') ?? 'no answer';
    report.exchanges.length = 0;
    report.problems.push({ group, message: `cannot reach ${redactText(base)}/images/models: ${cause}` });
  }
  return { report, total: suite.length, selected, estimate, sent };
}

/** A case the target never answered (refused connection, reset, timeout). */
function noAnswer(
  group: string,
  id: string,
  request: ExchangeRequest,
  error: unknown,
  description?: string,
): ReportedExchange {
  const cause =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  const out: ReportedExchange = {
    id,
    group,
    label: redactText(`${request.method} ${request.url} → no answer`),
    ok: false,
    violations: [
      { side: 'response', pointer: '', rule: 'answer', message: `no answer: ${redactText(cause)}` },
    ],
    notes: [],
  };
  if (description) out.description = description;
  return out;
}

/** The suite when the target's catalog is unusable: the contract's example, each local model's baseline, the refusals. */
function fallbackSuite(models: readonly ImageModelListItem[], seed: number): VerifyCase[] {
  const full = buildVerifySuite(models, { seed });
  const example = (
    openApiDocument.paths['/images'].post.requestBody.content['application/json'] as { example?: unknown }
  ).example;
  const cases = full.filter((c) => (c.kind === 'negative' ? c.essential : c.id.endsWith(' baseline')));
  if (example && typeof example === 'object') {
    cases.unshift({
      id: 'the contract example',
      kind: 'positive',
      description: "the request body the contract's document gives as its example",
      method: 'POST',
      path: '/images',
      auth: 'key',
      body: example,
      expectStatus: 200,
      model: (example as { model?: string }).model,
      essential: true,
    } as VerifyCase);
  }
  return cases;
}

function reported(
  group: string,
  id: string,
  exchange: RecordedExchange,
  checked: { ok: boolean; violations: CheckViolation[]; notes: string[]; expectStatus?: number },
  description?: string,
): ReportedExchange {
  const violations = [...checked.violations];
  if (checked.expectStatus !== undefined && exchange.response.status !== checked.expectStatus) {
    violations.unshift({
      side: 'response',
      pointer: '',
      rule: 'expected-status',
      message: `expected status ${checked.expectStatus}, got ${exchange.response.status}`,
      expected: checked.expectStatus,
      actual: exchange.response.status,
    });
  }
  const out: ReportedExchange = {
    id,
    group,
    label: labelOf(exchange),
    ok: violations.length === 0,
    violations,
    notes: checked.notes,
  };
  if (description) out.description = description;
  return out;
}

/** The models list: checked against its schema, and every advertised value against the contract's enums. */
function checkCatalog(exchange: RecordedExchange) {
  const checked = validateExchange(exchange);
  const violations = [...checked.violations];
  const body = exchange.response.body as { data?: ImageModelListItem[] } | undefined;
  const usable = exchange.response.status === 200 && checked.ok;
  const models = usable ? (body?.data ?? []) : [];
  models.forEach((model, i) => {
    for (const [param, capability] of Object.entries(model.supported_parameters)) {
      const known = contractEnum(param);
      if (capability.type !== 'enum' || !known) continue;
      capability.values.forEach((value, j) => {
        if (known.includes(value)) return;
        violations.push({
          side: 'response',
          pointer: `/data/${i}/supported_parameters/${param}/values/${j}`,
          rule: 'contract-enum',
          message: `${model.id} advertises ${param} '${value}', which the contract does not know`,
          expected: known,
          actual: value,
        });
      });
    }
  });
  if (usable && models.length === 0) {
    violations.push({
      side: 'response',
      pointer: '/data',
      rule: 'models',
      message: 'the catalog lists no model',
    });
  }
  return {
    ok: violations.length === 0,
    violations,
    notes: checked.notes,
    expectStatus: 200,
    usable: usable && models.length > 0,
    models,
  };
}

function checkCase(group: string, testCase: VerifyCase, exchange: RecordedExchange): ReportedExchange {
  const checked = validateExchange(exchange);
  let violations = checked.violations;
  const notes = [...checked.notes];
  if (testCase.kind === 'negative' && exchange.response.status !== testCase.expectStatus) {
    // The expected-status violation says it; the request side would only repeat why.
    violations = violations.filter((v) => v.side === 'response');
  }
  const out = reported(
    group,
    testCase.id,
    exchange,
    { ok: true, violations, notes, expectStatus: testCase.expectStatus },
    testCase.description,
  );
  const first = out.violations[0];
  if (first?.rule === 'expected-status' && testCase.kind === 'negative') {
    const what =
      exchange.response.status < 400
        ? 'the target accepted what the contract refuses'
        : 'refused with the wrong status';
    first.message = `${first.message}: ${what} (${testCase.description})`;
  } else if (first?.rule === 'expected-status' && exchange.response.status >= 400) {
    const error = (exchange.response.body as { error?: { message?: unknown } } | undefined)?.error;
    if (typeof error?.message === 'string') first.message = `${first.message}: ${error.message}`;
  }
  return out;
}
