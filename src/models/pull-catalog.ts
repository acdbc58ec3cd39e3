import type {
  ImageEndpoint,
  ImageModelEndpointsResponse,
  ImageModelListItem,
  ImageModelsListResponse,
  SchemaName,
} from '../contract/types.ts';
import { validateSchema } from '../contract/validators.ts';
import { Catalog, type CatalogModel } from './catalog.ts';
import { describeInferredRule, inferMockRules } from './infer.ts';

export interface PullCatalogOptions {
  /** Base URL of a server speaking the contract, e.g. `https://openrouter.ai/api/v1`. */
  from: string;
  /** Sent as `Authorization: Bearer …`; the models routes need none. */
  apiKey?: string;
  /** Per request. @default 10_000 */
  timeoutMs?: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** Only these model ids (each must be listed). Default: every listed model. */
  models?: readonly string[];
  /** Write `replaceDefaults: false`, so the models join the built-in ones. @default false */
  merge?: boolean;
  /** Called as each model's endpoints are read (or fail). */
  onModel?: (progress: { id: string; done: number; total: number; ok: boolean }) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/** A catalog file as `catalog pull` writes it; `parseCatalogFile` and `serve --catalog` read it. */
export interface PulledCatalogFile {
  $comment: string;
  source: string;
  pulled: string;
  replaceDefaults: boolean;
  models: CatalogModel[];
}

export type PullResult = { ok: true; file: PulledCatalogFile } | { ok: false; problem: string };

type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Why a fetch threw, in a few words: `connect ECONNREFUSED 127.0.0.1:9`, `no answer within 10 s`. */
function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${seconds(timeoutMs)}`;
  }
  const cause = (error as { cause?: { message?: string; code?: string } } | undefined)?.cause;
  return cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
}

/** GETs a JSON answer and checks it against one schema of the contract; the first problem otherwise. */
async function readJson<T>(
  url: string,
  schema: SchemaName,
  options: { headers: Record<string, string>; timeoutMs: number; tolerate?: (pointer: string) => boolean },
): Promise<Read<T>> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return { ok: false, problem: `cannot read ${url}: ${fetchFailure(error, options.timeoutMs)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (status < 200 || status > 299) return { ok: false, problem: `${url} answered ${status}` };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `${url} answered something other than JSON: ${reason}` };
  }
  if (status < 200 || status > 299) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    return {
      ok: false,
      problem: `${url} answered ${status}${typeof message === 'string' ? ` (${message})` : ''}`,
    };
  }
  const problems = validateSchema(schema, body).filter((v) => !options.tolerate?.(v.pointer));
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return { ok: false, problem: `${url} does not follow the contract: ${first.message}${more}` };
  }
  return { ok: true, value: body as T };
}

/**
 * The endpoints URL of a listed model: its `endpoints` path resolved against the base URL's origin
 * (a path elsewhere is refused: the key would follow it), or `{base}/images/models/{id}/endpoints`.
 */
function endpointsUrlOf(item: ImageModelListItem, base: string): Read<string> {
  const origin = new URL(base).origin;
  if (typeof item.endpoints !== 'string' || item.endpoints === '') {
    const path = item.id.split('/').map(encodeURIComponent).join('/');
    return { ok: true, value: `${base}/images/models/${path}/endpoints` };
  }
  const url = new URL(item.endpoints, origin);
  if (url.origin !== origin) {
    return { ok: false, problem: `${item.id}: its endpoints path ${item.endpoints} leaves ${origin}` };
  }
  return { ok: true, value: url.href };
}

/** The model as the catalog file states it: served facts, then the inferred mock block in full. */
function catalogEntry(
  item: ImageModelListItem,
  endpoints: ImageEndpoint[],
  url: string,
  read: string,
): CatalogModel {
  const { rules, reasons } = inferMockRules({ endpoints });
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    created: item.created,
    architecture: item.architecture,
    endpoints,
    mock: {
      provenance: {
        sources: [{ url, read, what: 'served parameters, pricing' }],
        assumed: reasons.map(describeInferredRule),
      },
      ...rules,
    },
  };
}

/**
 * Reads `GET {from}/images/models` and each model's endpoints, checks every answer against the
 * contract, and builds a catalog file whose `mock` blocks are inferred and written out in full.
 * Never throws for what the server answers: the first problem comes back as one line.
 */
export async function pullCatalog(options: PullCatalogOptions): Promise<PullResult> {
  const base = options.from.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const pulled = (options.now ?? (() => new Date()))();

  const listUrl = `${base}/images/models`;
  const list = await readJson<ImageModelsListResponse>(listUrl, 'ImageModelsListResponse', {
    headers,
    timeoutMs,
    // A list without endpoints paths still tells where they are: {base}/images/models/{id}/endpoints.
    tolerate: (pointer) => /^\/data\/\d+\/endpoints$/.test(pointer),
  });
  if (!list.ok) return list;
  const listed = list.value.data;
  if (listed.length === 0) return { ok: false, problem: `${listUrl} lists no models` };
  const missing = options.models?.find((id) => !listed.some((item) => item.id === id));
  if (missing !== undefined) {
    return { ok: false, problem: `${missing} is not among the ${listed.length} models of ${listUrl}` };
  }
  const selected = options.models ? listed.filter((item) => options.models?.includes(item.id)) : listed;

  // Each model's endpoints, a few at a time; the first failure stops new requests.
  const results: Read<CatalogModel>[] = [];
  let next = 0;
  let done = 0;
  let failed = false;
  const readOne = async (item: ImageModelListItem): Promise<Read<CatalogModel>> => {
    const url = endpointsUrlOf(item, base);
    if (!url.ok) return url;
    const answer = await readJson<ImageModelEndpointsResponse>(url.value, 'ImageModelEndpointsResponse', {
      headers,
      timeoutMs,
    });
    if (!answer.ok) return { ok: false, problem: `${item.id}: ${answer.problem}` };
    if (answer.value.id !== item.id) {
      return { ok: false, problem: `${item.id}: ${url.value} answers for ${answer.value.id}` };
    }
    const read = pulled.toISOString().slice(0, 10);
    return { ok: true, value: catalogEntry(item, answer.value.endpoints, url.value, read) };
  };
  const worker = async () => {
    while (!failed && next < selected.length) {
      const index = next++;
      const item = selected[index] as ImageModelListItem;
      const result = await readOne(item);
      results[index] = result;
      if (!result.ok) failed = true;
      options.onModel?.({ id: item.id, done: ++done, total: selected.length, ok: result.ok });
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, selected.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  const problem = results.find((r) => r !== undefined && !r.ok);
  if (problem && !problem.ok) return problem;
  const models = results.flatMap((r) => (r?.ok ? [r.value] : []));

  // What the contract's schemas cannot say (an id that is not author/slug, …) fails here, not at load.
  try {
    new Catalog({ models, replaceDefaults: true });
  } catch (error) {
    return {
      ok: false,
      problem: String(error instanceof Error ? error.message : error).replace(/^\[[^\]]+\] /, ''),
    };
  }
  return {
    ok: true,
    file: {
      $comment:
        `Pulled from ${base} by \`openrouter-images-mock catalog pull\`: each model as its models routes serve it, ` +
        'plus a `mock` block (never served) inferred from the served parameters and pricing. ' +
        '`mock.provenance.assumed` lists every inferred value with the rule used: edit a value to override it ' +
        '(a value left out is inferred again when the file is loaded).',
      source: base,
      pulled: pulled.toISOString(),
      replaceDefaults: !options.merge,
      models,
    },
  };
}
