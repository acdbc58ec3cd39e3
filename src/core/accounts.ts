import { ImagesApiError } from '../contract/errors.ts';

/** A credit balance per API key that each answer's `usage.cost` draws down until 402. */
export interface CreditsOptions {
  /** Starting balance of every key, in dollars. */
  balance: number;
  /** Starting balances of particular keys. */
  keys?: Record<string, number>;
}

/** A request budget per API key and window; beyond it, 429 with the rate-limit headers. */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  requests: number;
  /** Window length in milliseconds. @default 60_000 */
  windowMs?: number;
}

interface Window {
  start: number;
  count: number;
}

/** The stateful simulations of one mock: credits and rate limits per key. Off unless configured. */
export class Accounts {
  readonly #credits: CreditsOptions | undefined;
  readonly #rateLimit: Required<RateLimitOptions> | undefined;
  readonly #now: () => number;
  readonly #balances = new Map<string, number>();
  readonly #windows = new Map<string, Window>();
  /** Balances set at run time (the control API) by key suffix, oldest first; '' means every key. */
  readonly #set = new Map<string, number>();

  constructor(
    credits: CreditsOptions | undefined,
    rateLimit: RateLimitOptions | undefined,
    now: () => number,
  ) {
    this.#credits = credits;
    this.#rateLimit = rateLimit ? { windowMs: 60_000, ...rateLimit } : undefined;
    this.#now = now;
  }

  /** Counts the request against the key's window; throws the service's 429 when it is spent. */
  admit(key: string): Record<string, string> {
    const limit = this.#rateLimit;
    if (!limit) return {};
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now >= window.start + limit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    const reset = window.start + limit.windowMs;
    const headers = {
      'x-ratelimit-limit': String(limit.requests),
      'x-ratelimit-remaining': String(Math.max(0, limit.requests - window.count - 1)),
      'x-ratelimit-reset': String(reset),
    };
    if (window.count >= limit.requests) {
      throw new ImagesApiError(429, 'Rate limit exceeded', undefined, {
        ...headers,
        'x-ratelimit-remaining': '0',
        'retry-after': String(Math.max(1, Math.ceil((reset - now) / 1000))),
      });
    }
    window.count++;
    return headers;
  }

  /** The key's balance in dollars, or undefined when credits are not simulated. */
  balance(key: string): number | undefined {
    const drawn = this.#balances.get(key);
    if (drawn !== undefined) return drawn;
    const set = [...this.#set].findLast(([suffix]) => key.endsWith(suffix));
    if (set) return set[1];
    const credits = this.#credits;
    if (!credits) return undefined;
    return credits.keys?.[key] ?? credits.balance;
  }

  /**
   * Keys ending in `suffix` (every key, without it) start again from `balance`; turns the credit
   * simulation on for them when it was off. Until `reset()`.
   */
  setBalance(balance: number, suffix = ''): void {
    // Deleted first: a Map keeps a key where it was first set, and the newest setting must come last.
    this.#set.delete(suffix);
    this.#set.set(suffix, balance);
    for (const key of this.#balances.keys()) if (key.endsWith(suffix)) this.#balances.delete(key);
  }

  /** Throws the service's 402 when the key cannot pay `cost`. */
  assertCanPay(key: string, cost: number): void {
    const balance = this.balance(key) ?? Number.POSITIVE_INFINITY;
    if (balance < cost) {
      throw new ImagesApiError(402, 'Insufficient credits. Add more using https://openrouter.ai/credits', {
        balance: Math.max(0, Math.round(balance * 1e9) / 1e9),
        required: cost,
      });
    }
  }

  /** Draws `cost` from the key's balance. */
  charge(key: string, cost: number): void {
    const balance = this.balance(key);
    if (balance !== undefined) this.#balances.set(key, Math.round((balance - cost) * 1e9) / 1e9);
  }

  /** Back to the starting balances (the options', not those set since) and empty windows. */
  reset(): void {
    this.#balances.clear();
    this.#windows.clear();
    this.#set.clear();
  }
}
