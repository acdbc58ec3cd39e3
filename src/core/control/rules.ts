import type { RuleMatch } from '../../contract/control-types.ts';
import { matches, type RequestFacts } from './match.ts';

/** One control rule: what it answers with, which requests, and how many more times. */
export interface Rule<T> {
  id: string;
  value: T;
  match?: RuleMatch;
  /** As added; null answers every matching request until removed. */
  times: number | null;
  /** Uses left; null when unlimited. A rule is gone once this reaches 0. */
  remaining: number | null;
  /** When it was added (ISO 8601). */
  added: string;
}

/** Where rules of every kind draw their ids, so an id names one rule whatever its kind. */
export class RuleIds {
  #next = 1;
  next(kind: string): string {
    return `${kind}-${this.#next++}`;
  }
}

/** The active rules of one kind, oldest first; the newest matching rule answers a request. */
export class RuleStore<T> {
  readonly #kind: string;
  readonly #ids: RuleIds;
  #rules: Rule<T>[] = [];

  constructor(kind: string, ids: RuleIds) {
    this.#kind = kind;
    this.#ids = ids;
  }

  add(value: T, options: { times?: number | undefined; match?: RuleMatch | undefined }): Rule<T> {
    const times = options.times ?? null;
    const rule: Rule<T> = {
      id: this.#ids.next(this.#kind),
      value,
      ...(options.match ? { match: options.match } : {}),
      times,
      remaining: times,
      added: new Date().toISOString(),
    };
    this.#rules.push(rule);
    return { ...rule };
  }

  /** The active rules, oldest first (copies: uses left as of now). */
  list(): Rule<T>[] {
    return this.#rules.map((rule) => ({ ...rule }));
  }

  /** Removes one rule; false when no active rule of this kind has the id. */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.id !== id);
    return this.#rules.length < before;
  }

  clear(): void {
    this.#rules = [];
  }

  /** The newest rule matching the request, with one use counted (and dropped when spent). */
  take(facts: RequestFacts): Rule<T> | undefined {
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const rule = this.#rules[i] as Rule<T>;
      if (!matches(rule.match, facts)) continue;
      if (rule.remaining !== null) {
        rule.remaining--;
        if (rule.remaining <= 0) this.#rules.splice(i, 1);
      }
      return rule;
    }
    return undefined;
  }
}
