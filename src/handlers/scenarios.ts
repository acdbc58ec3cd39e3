import { type HttpHandler, http } from 'msw';
import {
  createImagesResolver,
  DEFAULT_BASE_URL,
  type ImagesMockOptions,
  type ImagesResolver,
} from '../core/mock.ts';
import { ERROR_SCENARIOS, FAULT_SCENARIOS, type ScenarioName } from '../scenarios/catalog.ts';
import { namedScenario, type Scenario, type ScenarioOptions } from '../scenarios/scenario.ts';

export interface ScenarioHandlerOptions extends ScenarioOptions {
  /** Answer only the next request this way, then fall back to the other handlers. @default false */
  once?: boolean;
  /** Base URL the handler answers. @default 'https://openrouter.ai/api/v1' */
  baseUrl?: string;
  /** Options of the mock that synthesizes the images of stream scenarios. @default {} */
  mock?: ImagesMockOptions;
}

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const mocks = new WeakMap<ImagesMockOptions, ImagesResolver>();
const defaultMockOptions: ImagesMockOptions = {};

/** Where a scenario handler keeps its scenario, so `mock.use(handler)` can apply it to its own mock. */
export const SCENARIO = Symbol.for('openrouter-images-mock.scenario');

/** An MSW handler that also carries its scenario (see `SCENARIO`). */
export type ScenarioHttpHandler = HttpHandler & { [SCENARIO]: { scenario: Scenario; once: boolean } };

/** An MSW handler for `POST {baseUrl}/images` that answers with `scenario`, once or always. */
export function scenarioHandler(
  scenario: Scenario,
  options: ScenarioHandlerOptions = {},
): ScenarioHttpHandler {
  const mockOptions = options.mock ?? defaultMockOptions;
  let mock = mocks.get(mockOptions);
  if (!mock) {
    // Without `control`: the mock stays here, so nobody could steer it.
    mock = createImagesResolver({ ...mockOptions, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    mocks.set(mockOptions, mock);
  }
  const base = (options.baseUrl ?? mockOptions.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const resolved = mock;
  const once = options.once ?? false;
  const handler = http.post(`${base}/images`, ({ request }) => resolved.handle(request, scenario), { once });
  return Object.assign(handler, { [SCENARIO]: { scenario, once } });
}

/**
 * One factory per scenario of the catalog, for `server.use(...)` in a test:
 *
 * @example
 * server.use(scenarios.rateLimited({ retryAfter: 2, once: true }));
 * server.use(scenarios.streamDrop({ after: 2 }));
 * server.use(scenarios.custom({ latency: 200, maxImages: 1 }));
 */
export const scenarios = Object.fromEntries(
  [...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)].map((name) => [
    camelCase(name),
    (options: ScenarioHandlerOptions = {}) => scenarioHandler(namedScenario(name, options), options),
  ]),
) as {
  [Name in ScenarioName as CamelCase<Name>]: (options?: ScenarioHandlerOptions) => ScenarioHttpHandler;
} & {
  /** Any combination of scenario fields. */
  custom: (scenario: Scenario, options?: ScenarioHandlerOptions) => ScenarioHttpHandler;
};
scenarios.custom = (scenario, options) => scenarioHandler(scenario, options);
