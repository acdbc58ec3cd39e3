// Values from clients are kept (request journal entries, the violations of an answer) and later
// serialized, compared and printed by recursive code. What is kept is bounded in nesting and in
// size, so a hostile body (100,000 levels deep, or megabytes of strings) can neither overflow the
// stack of whatever walks it nor grow a long-running server's memory with every request it keeps.

/** Deepest nesting kept; the API's own bodies nest five levels at most. */
export const MAX_KEPT_DEPTH = 64;

/** What stands for a cut string's rest, or for values past the budget or the depth. */
const MORE = '…';

interface Budget {
  left: number;
}

/**
 * Whether `value` is no deeper than {@link MAX_KEPT_DEPTH} and no larger than `size`: characters
 * of its strings and keys, plus one per value. Stops as soon as it knows (never walks all of a huge value).
 */
export function fitsWithin(value: unknown, size: number): boolean {
  return fits(value, 0, { left: size });
}

function fits(value: unknown, depth: number, budget: Budget): boolean {
  budget.left -= 1;
  if (typeof value === 'string') budget.left -= value.length;
  else if (value !== null && typeof value === 'object') {
    if (depth >= MAX_KEPT_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const item of value) if (budget.left < 0 || !fits(item, depth + 1, budget)) return false;
    } else {
      for (const key of Object.keys(value)) {
        budget.left -= key.length;
        if (budget.left < 0 || !fits((value as Record<string, unknown>)[key], depth + 1, budget))
          return false;
      }
    }
  }
  return budget.left >= 0;
}

/**
 * `value` itself when it {@link fitsWithin} `size`; else a copy cut to fit: long strings (and keys)
 * shortened, values past the budget or past {@link MAX_KEPT_DEPTH} replaced by `'…'`.
 */
export function bounded(value: unknown, size: number): unknown {
  return fitsWithin(value, size) ? value : cut(value, 0, { left: size });
}

/** A string of at most `size` characters (plus the `…` that says it was cut). */
export function boundedString(text: string, size: number): string {
  return text.length <= size ? text : `${text.slice(0, size)}${MORE}`;
}

function cut(value: unknown, depth: number, budget: Budget): unknown {
  budget.left -= 1;
  if (typeof value === 'string') {
    const kept = boundedString(value, Math.max(0, budget.left));
    budget.left -= kept.length;
    return kept;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_KEPT_DEPTH || budget.left <= 0) return MORE;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (budget.left <= 0) {
        out.push(MORE);
        break;
      }
      out.push(cut(item, depth + 1, budget));
    }
    return out;
  }
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value)) {
    if (budget.left <= 0) {
      entries.push([MORE, MORE]);
      break;
    }
    const name = boundedString(key, Math.max(0, budget.left));
    budget.left -= name.length;
    entries.push([name, cut((value as Record<string, unknown>)[key], depth + 1, budget)]);
  }
  // fromEntries defines own properties: a key named `__proto__` stays data, never a prototype.
  return Object.fromEntries(entries);
}
