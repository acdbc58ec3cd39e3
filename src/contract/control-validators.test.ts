import { describe, expect, it } from 'vitest';
import { validateControlSchema } from './control-validators.ts';

const messages = (name: Parameters<typeof validateControlSchema>[0], value: unknown) =>
  validateControlSchema(name, value).map((v) => v.message);

describe('validateControlSchema', () => {
  it('accepts a name or fields', () => {
    expect(messages('AddScenarioRequest', { scenario: 'rate-limited', times: 2 })).toEqual([]);
    expect(
      messages('AddScenarioRequest', {
        scenario: { name: ['keep-alive', 'split-frames'], latency: { min: 1, max: 5 }, retryAfter: 2 },
        match: { model: 'openai/gpt-image-1', prompt: 'fox', key: 'abcd' },
      }),
    ).toEqual([]);
  });

  it('names an unknown scenario, and only the branch of the value’s type speaks', () => {
    const [message, ...rest] = messages('AddScenarioRequest', { scenario: 'nope' });
    expect(rest).toEqual([]);
    expect(message).toMatch(/^scenario must be one of: invalid-image, .*, got "nope"$/);
    expect(messages('AddScenarioRequest', { scenario: { name: ['slow', 'x'] } })).toEqual([
      expect.stringMatching(/^scenario\.name\[1\] must be one of: .*, got "x"$/),
    ]);
  });

  it('says which types would do when no branch takes the value’s', () => {
    expect(messages('AddScenarioRequest', { scenario: 3 })).toEqual(['scenario must be string or object']);
    expect(messages('AddScenarioRequest', { scenario: { latency: 1.5 } })).toEqual([
      'scenario.latency must be integer or object',
    ]);
    expect(messages('AddScenarioRequest', { scenario: { latency: -5 } })).toEqual([
      'scenario.latency must be >= 0',
    ]);
  });

  it('names every broken field', () => {
    expect(messages('AddScenarioRequest', { scenario: 'slow', times: 0, match: { modl: 'a' } })).toEqual([
      'times must be >= 1',
      'match.modl is not allowed',
    ]);
    expect(messages('AddResponsesRequest', { images: [{ synthesize: { width: 0, height: 2 } }] })).toEqual([
      'images[0].synthesize.format is required',
      'images[0].synthesize.width must be >= 1',
    ]);
    expect(messages('CreditsRequest', { balance: -1 })).toEqual(['balance must be >= 0']);
  });
});
