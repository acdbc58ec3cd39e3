// The README is part of the product: what it shows must be what runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_SCENARIOS, FAULT_SCENARIOS } from '../src/scenarios/catalog.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('embeds each example file word for word', () => {
    const markers = [...readme.matchAll(/<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(markers.length).toBeGreaterThan(0);
    for (const [, path, shown] of markers) {
      expect(shown, path).toBe(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'));
    }
  });

  it('lists every scenario of the catalog in its table, and no other', () => {
    const table = readme.slice(readme.indexOf('| scenario | `Prefer` header |'));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` \| `scenario=/gm)].map((m) => m[1]);
    expect(rows).toEqual([...Object.keys(ERROR_SCENARIOS), ...Object.keys(FAULT_SCENARIOS)]);
    for (const [name, scenario] of Object.entries(ERROR_SCENARIOS)) {
      expect(table).toContain(`| \`${name}\` | \`scenario=${name}\``);
      expect(table).toContain(scenario.message);
    }
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npx openrouter-images-mock serve');
    expect(readme).toContain('npm ci && npm test');
  });
});
