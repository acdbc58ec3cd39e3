// openrouter-images-mock/check (the exports map's entry): the contract checks for CI. Recorded traffic (HAR, JSONL), a
// live server (verify), drift between two versions of the document (diff), and the vitest/jest
// matcher. Node only: they read files and streams that a browser bundle of the mock never needs.
import './require-node.ts';

export { catalogFromJson } from './check/catalog-file.ts';
/* Matchers: expect(response).toMatchImagesContract() */
export {
  type ImagesContractMatcherOptions,
  imagesContractMatchers,
  type MatcherResult,
} from './check/matchers.ts';
export { REDACTED, redactHeaders, redactText } from './check/redact.ts';
/* Reports */
export { formatReport, type HumanReportOptions, type ReporterName } from './check/report/format.ts';
export type { CheckReport, InputProblem, ReportedExchange, ReportSummary } from './check/report/report.ts';
/* Recorded traffic */
export {
  type CheckOptions,
  type CheckProfile,
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
/* Drift between two versions of the document */
export { type DocumentChange, diffDocuments } from './drift/diff.ts';
export { type OpenApiDocument, parseOpenApi } from './drift/load.ts';
export {
  type ExchangeRequest,
  type ExchangeResponse,
  type RecordedExchange,
  toExchangeRequest,
  toExchangeResponse,
} from './recording/exchange.ts';
export {
  type ReadOptions,
  type RecordingFormat,
  type RecordingItem,
  type RecordingSource,
  readExchanges,
} from './recording/read.ts';
export type { CostEstimate } from './verify/cost.ts';
/* A live server */
export { runVerify, type VerifyOptions, type VerifyRun } from './verify/run.ts';
export type { VerifyCase } from './verify/suite.ts';
