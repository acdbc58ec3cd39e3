// Short names for the generated types of the control document (openapi/mock-control.yaml).
import type { components } from './control.gen.ts';

type Schemas = components['schemas'];

export type ControlSchemaName = keyof Schemas;
export type AddScenarioRequest = Schemas['AddScenarioRequest'];
export type ScenarioFields = Schemas['ScenarioFields'];
export type ScenarioRule = Schemas['ScenarioRule'];
export type AddResponsesRequest = Schemas['AddResponsesRequest'];
export type ResponseImage = Schemas['ResponseImage'];
export type SynthesizeOptions = Schemas['SynthesizeOptions'];
export type ResponsesRule = Schemas['ResponsesRule'];
export type RuleMatch = Schemas['Match'];
export type CreditsRequest = Schemas['CreditsRequest'];
export type RequestsQuery = Schemas['RequestsQuery'];
