import { createReadStream } from 'node:fs';
import { validateExchange } from '../check/validate.ts';
import { DroppedConnection } from '../core/drop.ts';
import { boundEntry } from '../core/journal.ts';
import { answerHandlerOf, createImagesMock, type ImagesMock, type ImagesMockOptions } from '../core/mock.ts';
import type { AnswerHandler } from '../http/answer.ts';
import { MisuseError, TAG } from '../message.ts';
import { type CatalogFileOption, withCatalogFile } from '../models/catalog-file-option.ts';
import type { RecordedExchange } from '../recording/exchange.ts';
import { recorderFor } from '../recording/har-writer.ts';
import { readExchanges } from '../recording/read.ts';
import { isLoopbackHost } from './control/access.ts';
import { withControl } from './control/routes.ts';
import { withCors } from './cors.ts';
import { createGallery, type Gallery, type GalleryOptions } from './gallery/gallery.ts';
import { withInspection } from './inspection.ts';
import { type ListenOptions, listenAnswers, type RunningServer } from './listen.ts';
import { type FetchHandler, isWebMethod, viaWebHandler } from './node/web-handler.ts';
import { createProxyHandler } from './proxy.ts';
import { type ExchangeListener, withRecording } from './recording.ts';
import { createReplayHandler } from './replay.ts';
import { formatContractLine, formatRequestLine, type LogFormat } from './request-log.ts';
import { serviceErrorAnswer } from './service-error-answer.ts';
import { streamEnds } from './stream-ends.ts';
import { packageVersion } from './version.ts';

export interface MockServerOptions
  extends Omit<ImagesMockOptions, 'baseUrl'>,
    // The mock's own error answers are the service's: not an option.
    Omit<ListenOptions, 'errorAnswer'>,
    CatalogFileOption {
  /** Path the API lives under. @default '/api/v1' */
  basePath?: string;
  /** Answer CORS preflights and let browser apps on other origins read answers. @default true */
  cors?: boolean;
  /** One line per request (method, path, status, model, ms; never a key), or `false`. @default false */
  log?: LogFormat | false;
  /** Where log lines go. @default process.stdout */
  logLine?: (line: string) => void;
  /** Colour the status of pretty log lines (ANSI: 2xx green, 4xx yellow, 5xx red). @default false */
  logColor?: boolean;
  /**
   * Forward every request to this upstream (e.g. `https://openrouter.ai/api/v1`) instead of
   * answering from the mock; each exchange is checked against the contract and violations logged.
   */
  proxy?: string;
  /** Record every exchange (proxied or mocked) to this file, credentials redacted: HAR 1.2, or JSONL for `.jsonl`. */
  record?: string;
  /** Answer from the exchanges recorded in this HAR or JSONL file instead of the mock. */
  replay?: string;
  /** Called with each exchange once complete, and how it fares against the contract (proxy, replay). */
  onExchange?: (exchange: RecordedExchange, violations: string[]) => void;
  /**
   * Serve the control routes (`/__mock/scenarios`, `/__mock/responses`, `/__mock/credits`,
   * `/__mock/reset`); `false` answers them 404, as do `proxy` and `replay`. @default true
   */
  control?: boolean;
  /**
   * Bearer token the control routes require (401 without it). Bound beyond loopback, they need one:
   * without it they answer 401 to every request.
   */
  controlToken?: string;
  /**
   * The gallery at `GET /__mock/` and the images it keeps (the last 200, at most 64 MiB, unless
   * told otherwise), or `false` for neither.
   */
  gallery?: GalleryOptions | false;
}

export interface MockServer extends RunningServer {
  /** The base URL clients use, e.g. `http://127.0.0.1:4010/api/v1`. */
  baseUrl: string;
  mock: ImagesMock;
}

/** `'api/v1/'` → `'/api/v1'`; `'/'` → `''`. */
export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/**
 * Starts the standalone mock server: the same resolver as the MSW handlers, over real HTTP, with
 * CORS, the inspection endpoints (`/__mock/health`, `/__mock/requests`), the control routes
 * (`/__mock/scenarios`, …: see openapi/mock-control.yaml), the gallery (`/__mock/`) and an optional
 * request log.
 *
 * @example
 * const server = await startMockServer({ port: 0 });
 * // point any client at server.baseUrl, then: await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const basePath = normalizeBasePath(options.basePath ?? '/api/v1');
  const log = options.log ?? false;
  const logLine = options.logLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  const line = {
    color: options.logColor ?? false,
    pacing: { partialImages: options.partialImages ?? 2, interval: options.interval ?? 0 },
  };
  // A stream's line waits for its end, so it can say whether the stream was cut.
  const ends = log
    ? streamEnds((entry, ending) => {
        const cut =
          ending === 'client left' ? 'when the client went away' : ending === 'cut' ? 'mid-body' : undefined;
        logLine(formatRequestLine(entry, log, { ...line, ...(cut === undefined ? {} : { cut }) }));
      })
    : undefined;
  // Made once the mock is, whose journal it shows; the mock reports to it only after that.
  let gallery: Gallery | undefined;
  const mock = createImagesMock({
    ...withCatalogFile(options),
    baseUrl: `http://localhost${basePath}`,
    onAnswered: (entry) => {
      if (log && !ends?.defer(entry)) logLine(formatRequestLine(entry, log, line));
      gallery?.answered(entry);
      options.onAnswered?.(entry);
    },
    onImage:
      options.gallery === false
        ? options.onImage
        : (entry, index, bytes, mediaType) => {
            gallery?.imageAnswered(entry, index, bytes, mediaType);
            options.onImage?.(entry, index, bytes, mediaType);
          },
  });
  if (options.gallery !== false) gallery = createGallery(mock, options.gallery);
  const version = packageVersion();
  // Answered by the mock itself, the API runs on plain requests and answers (no Web objects); a
  // proxy, a replay or a recording works on Web `Request`s and `Response`s.
  let api: AnswerHandler = answerHandlerOf(mock);
  let source: FetchHandler = mock.handle;
  if (options.replay) source = await replayHandler(options.replay, basePath);
  if (options.proxy) source = createProxyHandler(options.proxy, basePath);
  const har = options.record ? recorderFor(options.record, version) : undefined;
  if (har || options.proxy || options.replay || options.onExchange) {
    const check: ExchangeListener = (exchange, started, ms) => {
      har?.add(exchange, started, ms);
      // The mock's own answers are checked as they are made; an upstream's are checked here.
      const external = Boolean(options.proxy || options.replay);
      const found = external ? validateExchange(exchange).violations : [];
      const violations = found.map((v) => `${v.side} ${v.pointer || '/'} [${v.rule}] ${v.message}`);
      if (external) {
        const { request, response } = exchange;
        const error = (response.body as { error?: { message?: unknown } } | undefined)?.error?.message;
        const requestSide = found.filter((v) => v.side === 'request');
        const responseSide = found.filter((v) => v.side === 'response');
        const entry = mock.journal.add({
          method: request.method,
          url: request.url,
          path: new URL(request.url).pathname.slice(basePath.length) || '/',
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          verdict: { valid: requestSide.length === 0, violations: requestSide },
          responseVerdict: { valid: responseSide.length === 0, violations: responseSide },
          response: {
            status: response.status,
            contentType: response.headers['content-type'] ?? null,
            ...(typeof error === 'string' ? { error } : {}),
            ...(response.cut === undefined ? {} : { cut: response.cut }),
          },
          ms,
        });
        boundEntry(entry);
        if (log) logLine(formatRequestLine(entry, log, line));
        gallery?.answered(entry);
      }
      if (violations.length > 0 && log) {
        const { request, response } = exchange;
        logLine(formatContractLine(request.method, request.url, response.status, violations, log));
      }
      options.onExchange?.(exchange, violations);
    };
    const web = viaWebHandler(withRecording(source, check), serviceErrorAnswer);
    // CONNECT, TRACE and TRACK cannot be forwarded, replayed or recorded as Web requests: the mock
    // answers them (405 with Allow on a route, 404 elsewhere), as the service's gateway does.
    const own = api;
    api = (request) => (isWebMethod(request.method) ? web(request) : own(request));
  }
  // Around both ways to the mock (plain, or Web through a recording): a stream is one line, at its end.
  if (ends) api = ends.wrap(api);
  if (options.cors !== false) api = withCors(api);
  let handler = withInspection(api, mock, version);
  // Proxied or replayed answers are not the mock's: rules would change nothing, so there are none.
  if (options.control !== false && !options.proxy && !options.replay) {
    const loopback = isLoopbackHost(options.host ?? '127.0.0.1');
    handler = withControl(handler, mock.control, { token: options.controlToken, loopback });
  }
  if (gallery) handler = gallery.serve(handler);
  // A dropped connection is a scenario the user asked for, not a failure to report.
  const onError = options.onError ?? ((error: unknown) => console.error(TAG, error));
  const server = await listenAnswers(handler, {
    ...options,
    errorAnswer: serviceErrorAnswer,
    onError: (error) => {
      if (!(error instanceof DroppedConnection)) onError(error);
    },
  });
  const close = server.close.bind(server);
  return Object.assign(server, {
    baseUrl: `${server.url}${basePath}`,
    mock,
    close: async () => {
      gallery?.close();
      await close();
      har?.close();
    },
  });
}

/** A handler answering from a recording; throws a one-line error when the file cannot be used. */
async function replayHandler(path: string, basePath: string): Promise<FetchHandler> {
  const exchanges: RecordedExchange[] = [];
  for await (const item of readExchanges(createReadStream(path))) {
    if ('exchange' in item) exchanges.push(item.exchange);
    else if ('problem' in item && item.fatal) throw new MisuseError(`--replay ${path}: ${item.problem}`);
  }
  const first = exchanges[0];
  if (!first) throw new MisuseError(`--replay ${path}: no exchanges to replay`);
  // The recorded base path is the one of the images API's routes in the recording.
  const recordedBase = new URL(first.request.url).pathname.replace(/\/images(?:\/.*)?$/, '');
  return createReplayHandler(exchanges, new URL(recordedBase, first.request.url).href, basePath);
}
