/* MSW handlers */
export { createImageHandlers, handlersFor, type ImageHandlersOptions } from './handlers/index.ts';

/* Scenarios: faults, errors and stream behaviour, by name or in code */
export { type ScenarioHandlerOptions, scenarioHandler, scenarios } from './handlers/scenarios.ts';
export {
  ERROR_SCENARIOS,
  type ErrorScenario,
  type ErrorScenarioName,
  FAULT_SCENARIOS,
  type FaultScenarioName,
  type ScenarioName,
} from './scenarios/catalog.ts';
export {
  type Latency,
  namedScenario,
  type Scenario,
  type ScenarioOptions,
  scenarioFromPrefer,
} from './scenarios/scenario.ts';

/* The resolver behind every use: (Request) => Promise<Response> */
export { createImagesMock, DEFAULT_BASE_URL, type ImagesMock, type ImagesMockOptions } from './core/mock.ts';
export { Accounts, type CreditsOptions, type RateLimitOptions } from './core/accounts.ts';

/* Model catalog */
export {
  Catalog,
  type CatalogModel,
  type CatalogOptions,
  defaultModels,
  type MockRules,
  type SizingRules,
  type TokenRules,
} from './models/catalog.ts';
export { DEFAULT_LIMITS, type GenerationLimits } from './models/plan.ts';
export { type PixelSize, resolvePixelSize } from './models/sizes.ts';

/* Contract: validation as data, the service's errors, generated types */
export {
  validateErrorBody,
  validateRequestBody,
  validateSchema,
  validateStreamEvent,
} from './contract/validators.ts';
export type { Violation } from './contract/violations.ts';
export { ImagesApiError } from './contract/errors.ts';
export { openApiDocument } from './contract/document.gen.ts';
export type { components, operations, paths } from './contract/openapi.gen.ts';
export type * from './contract/types.ts';
