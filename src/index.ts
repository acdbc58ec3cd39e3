// First: on an old Node, one clear error before anything else loads.
import './require-node.ts';
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
  type PreferFields,
  type Scenario,
  type ScenarioOptions,
  scenarioFromFields,
  scenarioFromPrefer,
} from './scenarios/scenario.ts';

/* Contract checks (validate, verify, diff, matchers) live in openrouter-images-mock/check. */

/* The resolver behind every use: (Request) => Promise<Response> */
export { createImagesMock, DEFAULT_BASE_URL, type ImagesMock, type ImagesMockOptions } from './core/mock.ts';
export type { CreditsOptions, RateLimitOptions } from './core/accounts.ts';

/* Control at run time: mock.control, the same operations as the server's /__mock routes */
export type { MockControl, ResponsesRuleView, ScenarioRuleView } from './core/control/control.ts';
export type {
  AddResponsesRequest,
  AddScenarioRequest,
  CreditsRequest,
  RequestsQuery,
  ResponseImage,
  RuleMatch,
  ScenarioFields,
  SynthesizeOptions,
} from './contract/control-types.ts';

/* Model catalog */
export {
  Catalog,
  type CatalogModel,
  type CatalogModelInput,
  type CatalogProvenance,
  type CatalogOptions,
  defaultModels,
  type MockRules,
  type MockRulesInput,
  type SizingRules,
  type TokenRules,
} from './models/catalog.ts';
export { parseCatalogFile } from './models/catalog-file.ts';
export { inferMockRules, type InferredMock, type InferredRule, type ServedModel } from './models/infer.ts';
export { DEFAULT_LIMITS, type GenerationLimits } from './models/plan.ts';
export type { PixelSize } from './models/sizes.ts';

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
