import type {
  AddResponsesRequest,
  AddScenarioRequest,
  CreditsRequest,
  RequestsQuery,
} from '../../contract/control-types.ts';
import { refusalError } from '../../contract/errors.ts';
import type { ImageGenerationUsage } from '../../contract/types.ts';
import type { GenerationLimits } from '../../models/plan.ts';
import { mergeScenarios, type Scenario } from '../../scenarios/scenario.ts';
import type { Accounts } from '../accounts.ts';
import type { Journal, RecordedRequest } from '../journal.ts';
import {
  type Checked,
  creditsInput,
  type RequestsFilter,
  type ResponsesInput,
  requestsFilter,
  responsesInput,
  type ScenarioInput,
  scenarioInput,
} from './inputs.ts';
import type { RequestFacts } from './match.ts';
import { type Rule, RuleIds, RuleStore } from './rules.ts';

/** A scenario rule as listed: the scenario as given, its match, and the uses it has left. */
export type ScenarioRuleView = Omit<Rule<unknown>, 'value'> & { scenario: AddScenarioRequest['scenario'] };

/** A response rule as listed: its images summarized (the bytes are not repeated). */
export type ResponsesRuleView = Omit<Rule<unknown>, 'value'> & {
  images: { media_type: string; bytes: number }[];
  usage?: Record<string, unknown>;
  created?: number;
  check: boolean;
};

/**
 * Steers a running mock: what the next requests get, credits, a reset. The server's control routes
 * (`/__mock/scenarios`, `/__mock/responses`, `/__mock/credits`, `/__mock/reset`) call exactly
 * these. Inputs are the control document's bodies (openapi/mock-control.yaml); one that breaks it
 * throws an `ImagesApiError` (400) whose `metadata.violations` name each field.
 */
export interface MockControl {
  /** The next `times` matching valid requests (all, without `times`) follow the scenario; the newest rule wins. */
  addScenario(input: AddScenarioRequest): ScenarioRuleView;
  /** The active scenario rules, oldest first, with the uses each has left. */
  listScenarios(): ScenarioRuleView[];
  /** Removes one scenario rule; false when there is none with this id. */
  removeScenario(id: string): boolean;
  clearScenarios(): void;
  /** The next `times` matching valid requests are answered with these images (checked against the contract unless `check: false`). */
  addResponses(input: AddResponsesRequest): Promise<ResponsesRuleView>;
  listResponses(): ResponsesRuleView[];
  removeResponses(id: string): boolean;
  clearResponses(): void;
  /** Keys ending in `key` (every key, without it) start again from `balance` dollars; turns credits on. */
  setCredits(input: CreditsRequest): CreditsRequest;
  /** The journal, filtered (`GET /__mock/requests?limit=&model=&status=&since=`). */
  listRequests(query?: RequestsQuery | Record<string, string>): RecordedRequest[];
  /** Back to the start: journal emptied, every rule removed, credits and rate limits as the options set them. */
  reset(): void;
}

/** The mock's side of the control: the rules a valid request follows, and which they were. */
export interface ControlState {
  control: MockControl;
  /** Counts a use of the newest matching scenario rule and of the newest matching response rule. */
  rulesFor(facts: RequestFacts): { scenario: Scenario; ids: string[] } | undefined;
}

function orThrow<T>(result: Checked<T>): T {
  if (!result.ok) throw refusalError({ status: 400, violations: result.violations });
  return result.value;
}

/** What every rule lists after its id and what it does. */
function ruleView<T>(rule: Rule<T>): Omit<Rule<T>, 'value' | 'id'> {
  const { value: _value, id: _id, ...view } = rule;
  return view;
}

// Id first, then what the rule does: the order people read a listing in.
const scenarioView = (rule: Rule<ScenarioInput>): ScenarioRuleView => ({
  id: rule.id,
  scenario: rule.value.spec,
  ...ruleView(rule),
});

function responsesView(rule: Rule<ResponsesInput>): ResponsesRuleView {
  const { images, usage, created, check } = rule.value;
  return {
    id: rule.id,
    images: images.map((image) => ({ media_type: image.mediaType, bytes: image.bytes.byteLength })),
    ...(usage ? { usage } : {}),
    ...(created === undefined ? {} : { created }),
    check,
    ...ruleView(rule),
  };
}

function responsesScenario(input: ResponsesInput): Scenario {
  const scenario: Scenario = { images: input.images };
  if (input.usage) scenario.usage = input.usage as Partial<ImageGenerationUsage>;
  if (input.created !== undefined) scenario.created = input.created;
  if (!input.check) scenario.checkResponse = false;
  return scenario;
}

function keep(entry: RecordedRequest, filter: RequestsFilter): boolean {
  if (filter.afterId !== undefined && entry.id <= filter.afterId) return false;
  if (filter.fromTime !== undefined && Date.parse(entry.time) < filter.fromTime) return false;
  if (filter.model !== undefined && (entry.body as { model?: unknown } | undefined)?.model !== filter.model)
    return false;
  if (filter.status && !(entry.response && filter.status(entry.response.status))) return false;
  return true;
}

/** The control of one mock, over its journal, accounts and limits. */
export function createControl(parts: {
  journal: Journal;
  accounts: Accounts;
  limits: GenerationLimits;
}): ControlState {
  const ids = new RuleIds();
  const scenarios = new RuleStore<ScenarioInput>('scenario', ids);
  const responses = new RuleStore<ResponsesInput>('responses', ids);

  const control: MockControl = {
    addScenario(input) {
      const value = orThrow(scenarioInput(input));
      return scenarioView(scenarios.add(value, value));
    },
    listScenarios: () => scenarios.list().map(scenarioView),
    removeScenario: (id) => scenarios.remove(id),
    clearScenarios: () => scenarios.clear(),
    async addResponses(input) {
      const value = orThrow(await responsesInput(input, parts.limits));
      return responsesView(responses.add(value, value));
    },
    listResponses: () => responses.list().map(responsesView),
    removeResponses: (id) => responses.remove(id),
    clearResponses: () => responses.clear(),
    setCredits(input) {
      const value = orThrow(creditsInput(input));
      parts.accounts.setBalance(value.balance, value.key);
      return value;
    },
    listRequests(query = {}) {
      const filter = orThrow(requestsFilter(query));
      const kept = parts.journal.list().filter((entry) => keep(entry, filter));
      return filter.limit === undefined ? kept : kept.slice(-filter.limit);
    },
    reset() {
      parts.journal.clear();
      scenarios.clear();
      responses.clear();
      parts.accounts.reset();
    },
  };

  return {
    control,
    rulesFor(facts) {
      const scenario = scenarios.take(facts);
      const answer = responses.take(facts);
      if (!scenario && !answer) return undefined;
      return {
        // A scenario says how (faults, pacing), a response rule says what: both apply.
        scenario: mergeScenarios(scenario?.value.scenario, answer && responsesScenario(answer.value)),
        ids: [scenario?.id, answer?.id].filter((id): id is string => id !== undefined),
      };
    },
  };
}
