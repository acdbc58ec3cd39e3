import type { RuleMatch } from '../../contract/control-types.ts';

/** What a rule can match on, read from a valid `POST /images` request. */
export interface RequestFacts {
  model: string;
  prompt: string;
  /** The bearer key, in full (never stored or shown: only its end is compared). */
  key: string;
}

/** Whether a request is one a rule answers: every field the match gives must hold. */
export function matches(match: RuleMatch | undefined, facts: RequestFacts): boolean {
  if (!match) return true;
  if (match.model !== undefined && match.model !== facts.model) return false;
  if (match.prompt !== undefined && !facts.prompt.includes(match.prompt)) return false;
  if (match.key !== undefined && !facts.key.endsWith(match.key)) return false;
  return true;
}
