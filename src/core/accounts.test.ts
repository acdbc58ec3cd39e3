import { describe, expect, it } from 'vitest';
import { createImagesMock, ImagesApiError } from '../index.ts';
import { Accounts } from './accounts.ts';

/** The error a call throws; fails the test when it does not throw one. */
function refusalOf(call: () => unknown): ImagesApiError {
  try {
    call();
  } catch (error) {
    if (error instanceof ImagesApiError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

/** A clock the test moves by hand. */
function clock(start: number) {
  const time = { now: start };
  return Object.assign(() => time.now, { set: (ms: number) => (time.now = ms) });
}

describe('rate limit: a budget of requests per key and window, then 429', () => {
  it('admits every request and sends no rate-limit headers when no limit is set', () => {
    const accounts = new Accounts(undefined, undefined, () => 0);
    for (let i = 0; i < 100; i++) expect(accounts.admit('key')).toEqual({});
  });

  it('counts X-RateLimit-Remaining down from the limit, one per request, to 0', () => {
    const accounts = new Accounts(undefined, { requests: 3, windowMs: 10_000 }, () => 1_000);
    const answers = [accounts.admit('key'), accounts.admit('key'), accounts.admit('key')];
    expect(answers).toEqual([
      { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': '11000' },
      { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '11000' },
      { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '11000' },
    ]);
  });

  it('answers the request past the budget with 429, Retry-After and nothing remaining', () => {
    const now = clock(1_000);
    const accounts = new Accounts(undefined, { requests: 2, windowMs: 10_000 }, now);
    accounts.admit('key');
    accounts.admit('key');
    now.set(3_500);
    const refused = refusalOf(() => accounts.admit('key'));
    expect(refused.status).toBe(429);
    expect(refused.message).toBe('Rate limit exceeded');
    // 7.5 s to the window's end: Retry-After rounds up to whole seconds.
    expect(refused.headers).toEqual({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '11000',
      'retry-after': '8',
    });
    now.set(10_999);
    expect(refusalOf(() => accounts.admit('key')).headers['retry-after']).toBe('1');
  });

  it('opens a fresh window exactly when the last one ends, not a millisecond earlier', () => {
    const now = clock(0);
    const accounts = new Accounts(undefined, { requests: 1, windowMs: 5_000 }, now);
    accounts.admit('key');
    now.set(4_999);
    expect(refusalOf(() => accounts.admit('key')).status).toBe(429);
    now.set(5_000);
    expect(accounts.admit('key')).toEqual({
      'x-ratelimit-limit': '1',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '10000',
    });
  });

  it('uses a one-minute window when none is given', () => {
    const accounts = new Accounts(undefined, { requests: 5 }, () => 42);
    expect(accounts.admit('key')['x-ratelimit-reset']).toBe('60042');
  });

  it('gives each key its own budget', () => {
    const accounts = new Accounts(undefined, { requests: 1 }, () => 0);
    accounts.admit('first');
    expect(refusalOf(() => accounts.admit('first')).status).toBe(429);
    expect(accounts.admit('second')['x-ratelimit-remaining']).toBe('0');
  });
});

describe('credits: a balance per key that each answer draws down until 402', () => {
  it('counts nothing and refuses nothing when credits are not simulated', () => {
    const accounts = new Accounts(undefined, undefined, () => 0);
    accounts.charge('key', 1_000);
    expect(accounts.balance('key')).toBeUndefined();
    expect(() => accounts.assertCanPay('key', 1_000_000)).not.toThrow();
  });

  it('a key with exactly the cost left is served, and then has nothing left', () => {
    // 0.3 − 0.1 − 0.1 is 0.09999999999999998 in floating point: the balance is kept to the nano-dollar.
    const accounts = new Accounts({ balance: 0.3 }, undefined, () => 0);
    for (let i = 0; i < 3; i++) {
      expect(() => accounts.assertCanPay('key', 0.1)).not.toThrow();
      accounts.charge('key', 0.1);
    }
    expect(accounts.balance('key')).toBe(0);
    const refused = refusalOf(() => accounts.assertCanPay('key', 0.1));
    expect(refused.status).toBe(402);
    expect(refused.message).toBe('Insufficient credits. Add more using https://openrouter.ai/credits');
    expect(refused.metadata).toEqual({ balance: 0, required: 0.1 });
  });

  it('says how much a key has left when it cannot pay, never less than nothing', () => {
    const accounts = new Accounts({ balance: 0.05 }, undefined, () => 0);
    expect(refusalOf(() => accounts.assertCanPay('key', 0.1)).metadata).toEqual({
      balance: 0.05,
      required: 0.1,
    });
    accounts.setBalance(-2);
    expect(refusalOf(() => accounts.assertCanPay('key', 0.1)).metadata).toEqual({
      balance: 0,
      required: 0.1,
    });
    accounts.setBalance(0.1 + 0.2);
    expect(refusalOf(() => accounts.assertCanPay('key', 1)).metadata).toEqual({ balance: 0.3, required: 1 });
  });

  it('starts every key at the balance, and named keys at their own', () => {
    const accounts = new Accounts({ balance: 1, keys: { rich: 50 } }, undefined, () => 0);
    expect(accounts.balance('rich')).toBe(50);
    expect(accounts.balance('anyone')).toBe(1);
    accounts.charge('anyone', 0.25);
    expect(accounts.balance('anyone')).toBe(0.75);
    expect(accounts.balance('rich')).toBe(50);
  });

  it('a balance set for a key suffix applies to the keys ending in it, from their next request', () => {
    const accounts = new Accounts({ balance: 1 }, undefined, () => 0);
    accounts.charge('team-a-123', 0.5);
    accounts.charge('team-b-999', 0.5);
    accounts.setBalance(3, '123');
    expect(accounts.balance('team-a-123')).toBe(3);
    expect(accounts.balance('123-team')).toBe(1);
    expect(accounts.balance('team-b-999')).toBe(0.5);
  });

  it('a balance set without a suffix applies to every key; a later, narrower one wins for its keys', () => {
    const accounts = new Accounts({ balance: 1 }, undefined, () => 0);
    accounts.charge('key-x', 0.5);
    accounts.setBalance(5);
    accounts.setBalance(7, '-x');
    expect(accounts.balance('key-x')).toBe(7);
    expect(accounts.balance('key-y')).toBe(5);
    accounts.setBalance(9);
    expect(accounts.balance('key-x')).toBe(9);
    expect(accounts.balance('key-y')).toBe(9);
  });

  it('setting a balance turns credits on for those keys when they were off', () => {
    const accounts = new Accounts(undefined, undefined, () => 0);
    accounts.setBalance(0.2, '-test');
    expect(accounts.balance('sk-test')).toBe(0.2);
    expect(accounts.balance('sk-live')).toBeUndefined();
    expect(refusalOf(() => accounts.assertCanPay('sk-test', 0.3)).status).toBe(402);
  });
});

describe('reset: back to the start, for the next test', () => {
  it('refills every balance to the options’ and forgets balances set since', () => {
    const accounts = new Accounts({ balance: 1 }, undefined, () => 0);
    accounts.charge('key', 0.75);
    accounts.setBalance(10, '-x');
    accounts.reset();
    expect(accounts.balance('key')).toBe(1);
    expect(accounts.balance('key-x')).toBe(1);
  });

  it('empties every rate-limit window', () => {
    const accounts = new Accounts(undefined, { requests: 1 }, () => 0);
    accounts.admit('key');
    accounts.reset();
    expect(accounts.admit('key')['x-ratelimit-remaining']).toBe('0');
  });

  it('credits set at run time alone end with the reset', () => {
    const accounts = new Accounts(undefined, undefined, () => 0);
    accounts.setBalance(0);
    accounts.reset();
    expect(accounts.balance('key')).toBeUndefined();
  });
});

describe('through the mock: statuses and headers a client sees', () => {
  const request = (key: string) =>
    new Request('https://openrouter.ai/api/v1/images', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'black-forest-labs/flux.2-pro', prompt: 'x', size: '64x64' }),
    });
  const costs = (cost: number) => ({ usage: { cost } });

  it('serves until the budget is spent, and control.reset() refills credits and windows', async () => {
    const mock = createImagesMock({
      credits: { balance: 1 },
      rateLimit: { requests: 2, windowMs: 60_000 },
      now: () => 0,
    });
    const first = await mock.handle(request('k'), costs(0.6));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    const poor = await mock.handle(request('k'), costs(0.6));
    expect(poor.status).toBe(402);
    expect(await poor.json()).toMatchObject({ error: { code: 402, metadata: { balance: 0.4 } } });
    const limited = await mock.handle(request('k'), costs(0.1));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');

    mock.control.reset();
    const again = await mock.handle(request('k'), costs(1));
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('1');
  });
});
