import type { HttpHandler } from 'msw';
import { http } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { ImagesApiError } from '../contract/errors.ts';
import type { ImageGenerationRequest } from '../contract/types.ts';
import { errorResponse } from '../core/error-answer.ts';
import type { RecordedRequest } from '../core/journal.ts';
import { createImagesMock, DEFAULT_BASE_URL, type ImagesMock, type ImagesMockOptions } from '../core/mock.ts';
import { handlersFor } from '../handlers/index.ts';
import { SCENARIO, type ScenarioHttpHandler } from '../handlers/scenarios.ts';
import { said } from '../message.ts';
import { type CatalogFileOption, withCatalogFile } from '../models/catalog-file-option.ts';
import { isErrorScenario, isFaultScenario, type ScenarioName } from '../scenarios/catalog.ts';
import { namedScenario, type Scenario } from '../scenarios/scenario.ts';
import type { AnswerOverride } from './respond-with.ts';
import { unhandledOption } from './unhandled-option.ts';

export interface ImagesMockHandleOptions extends ImagesMockOptions, CatalogFileOption {
  /**
   * Fail the test when the client sent a request the contract rejects, naming the violation.
   * A test that sends bad requests on purpose calls `mock.allowInvalidRequests()`. @default false
   */
  strict?: boolean;
  /** Other MSW handlers to install beside the mock's (for other APIs your client calls). */
  handlers?: HttpHandler[];
  /** What MSW does with a request no handler answers. @default 'error' */
  onUnhandledRequest?: 'error' | 'warn' | 'bypass';
}

/** What `mock.use(...)` takes: `respondWith(...)`, `scenarios.*(...)`, a scenario name, or a `Scenario`. */
export type Override = AnswerOverride | ScenarioHttpHandler | ScenarioName | Scenario;

/** The test-suite handle: lifecycle, what the client sent, and control of the answers. */
export interface ImagesMockHandle {
  /** Every request since the last reset: parsed body, headers without the key, verdict, answer. */
  readonly requests: RecordedRequest[];
  /** The most recent request, if any. */
  readonly lastRequest: RecordedRequest | undefined;
  /** `POST /images` bodies since the last reset, in order. */
  readonly imageRequests: ImageGenerationRequest[];
  /** Change the answers, for the rest of the test (or the next request with `once`). */
  use(...overrides: Override[]): void;
  /** This test sends requests the contract rejects on purpose: strict mode lets it pass. */
  allowInvalidRequests(): void;
  listen(): void;
  /** Drops overrides, the journal and simulated state; returns the strict-mode failure, if any. */
  reset(): Error | undefined;
  close(): void;
  readonly mock: ImagesMock;
  readonly server: SetupServer;
}

interface ActiveOverride {
  once: boolean;
  scenarioFor(body: ImageGenerationRequest): Scenario | Promise<Scenario>;
}

function toActive(override: Override): ActiveOverride {
  if (typeof override === 'string') {
    if (!isErrorScenario(override) && !isFaultScenario(override)) {
      throw new Error(said(`mock.use: unknown scenario "${override}"`));
    }
    const scenario = namedScenario(override);
    return { once: false, scenarioFor: () => scenario };
  }
  if (SCENARIO in override) {
    const { scenario, once } = (override as ScenarioHttpHandler)[SCENARIO];
    return { once, scenarioFor: () => scenario };
  }
  if ('scenarioFor' in override && typeof override.scenarioFor === 'function') {
    const answer = override as AnswerOverride;
    if (answer.violations && answer.violations.length > 0) {
      throw new Error(
        `${said(
          `mock.use: the answer breaks the contract: ${answer.violations.map((v) => v.message).join('; ')}`,
        )} (pass { check: false } to respondWith to send it anyway)`,
      );
    }
    return answer;
  }
  const scenario = override as Scenario;
  return { once: false, scenarioFor: () => scenario };
}

/**
 * A mock for one test file, without any test framework: call `listen()` before the tests,
 * `reset()` after each (it returns the strict-mode failure to throw), `close()` at the end.
 * `useImagesMock` from `openrouter-images-mock/vitest` does exactly that.
 */
export function createImagesMockHandle(options: ImagesMockHandleOptions = {}): ImagesMockHandle {
  const failures: Error[] = [];
  const mock = createImagesMock({
    ...withCatalogFile(options),
    onError: (error) => {
      failures.push(error instanceof Error ? error : new Error(String(error)));
      options.onError?.(error);
    },
  });
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  let overrides: ActiveOverride[] = [];
  let allowInvalid = false;

  // Overrides answer POST /images through the same mock, so the journal and catalog still apply.
  const overrideHandler = http.post(`${base}/images`, async ({ request }) => {
    const active = overrides[0];
    if (!active) return undefined;
    if (active.once) overrides = overrides.slice(1);
    let body: ImageGenerationRequest;
    try {
      body = (await request.clone().json()) as ImageGenerationRequest;
    } catch {
      return mock.handle(request);
    }
    let scenario: Scenario;
    try {
      scenario = await active.scenarioFor(body);
    } catch (error) {
      // A fixture that cannot be used fails the test (reset() reports it) and answers 500.
      failures.push(error instanceof Error ? error : new Error(String(error)));
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(new ImagesApiError(500, 'Internal Server Error', { mock_error: message }));
    }
    return mock.handle(request, scenario);
  });
  const server = setupServer(overrideHandler, ...handlersFor(mock, base), ...(options.handlers ?? []));

  const posts = () => mock.journal.list().filter((r) => r.method === 'POST' && /^\/images\/?$/.test(r.path));

  return {
    mock,
    server,
    get requests() {
      return mock.journal.list();
    },
    get lastRequest() {
      return mock.journal.list().at(-1);
    },
    get imageRequests() {
      return posts().map((r) => r.body as ImageGenerationRequest);
    },
    use(...list) {
      // The newest override wins, as with msw's server.use().
      overrides = [...list.map(toActive).reverse(), ...overrides];
    },
    allowInvalidRequests() {
      allowInvalid = true;
    },
    listen() {
      server.listen(unhandledOption(options.onUnhandledRequest ?? 'error'));
    },
    reset() {
      const problems = [...failures.map((f) => f.message)];
      if (options.strict && !allowInvalid) {
        for (const request of mock.journal.list()) {
          // A model the catalog does not list is the mock's gap, not the client's fault.
          if (!request.verdict.valid && request.verdict.refusedBy !== 'unknown-model') {
            const detail = request.verdict.violations
              .map((v) => `${v.message} (${v.pointer || '/'})`)
              .join('; ');
            problems.push(
              `${request.method} ${request.path}: the client sent a request the contract rejects: ${detail}`,
            );
          }
        }
      }
      failures.length = 0;
      overrides = [];
      allowInvalid = false;
      mock.control.reset(); // journal, control rules, credits and rate limits
      return problems.length > 0 ? new Error(said(`${problems.join('\n')}`)) : undefined;
    },
    close() {
      server.close();
    },
  };
}
