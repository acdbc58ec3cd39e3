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

/* Contract checks: recorded and live traffic, drift between documents */
export { catalogFromJson } from './check/catalog-file.ts';
export { type DocumentChange, diffDocuments } from './drift/diff.ts';
export { type OpenApiDocument, parseOpenApi } from './drift/load.ts';
export {
  type RecordedExchange,
  type ExchangeRequest,
  type ExchangeResponse,
  toExchangeRequest,
  toExchangeResponse,
} from './recording/exchange.ts';
export {
  type ImagesContractMatcherOptions,
  imagesContractMatchers,
  type MatcherResult,
} from './check/matchers.ts';
export {
  type ReadOptions,
  type RecordingFormat,
  type RecordingItem,
  type RecordingSource,
  readExchanges,
} from './recording/read.ts';
export { redactHeaders, redactText } from './check/redact.ts';
export { formatReport, type HumanReportOptions, type ReporterName } from './check/report/format.ts';
export {
  type CheckReport,
  exitCodeOf,
  type InputProblem,
  type ReportedExchange,
  type ReportSummary,
  summarize,
} from './check/report/report.ts';
export {
  type CheckOptions,
  type CheckResult,
  type CheckSide,
  type CheckViolation,
  type ExchangeCheckResult,
  type OperationId,
  type RequestCheckResult,
  type ResponseCheckOptions,
  validateExchange,
  validateRequest,
  validateResponse,
} from './check/validate.ts';
export {
  type RecordingResult,
  type ValidateRecordingOptions,
  validateRecording,
} from './check/validate-recording.ts';
export { type CostEstimate, estimateCost } from './verify/cost.ts';
export { isLocalUrl, runVerify, type VerifyOptions, type VerifyRun } from './verify/run.ts';
export {
  buildVerifySuite,
  selectCases,
  type VerifyCase,
  type VerifySuiteOptions,
} from './verify/suite.ts';
/* The resolver behind every use: (Request) => Promise<Response> */
export { createImagesMock, DEFAULT_BASE_URL, type ImagesMock, type ImagesMockOptions } from './core/mock.ts';
export { Accounts, type CreditsOptions, type RateLimitOptions } from './core/accounts.ts';

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
export { validateControlSchema } from './contract/control-validators.ts';
export { controlDocument } from './contract/control-document.gen.ts';

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
export {
  completeCatalogModel,
  describeInferredRule,
  type InferredMock,
  type InferredRule,
  inferMockRules,
  type ServedModel,
} from './models/infer.ts';
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
