// The "done when": every scenario of the catalog, one per test, against ONE running
// server, chosen through the control API alone: no restart, no Prefer header.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCENARIOS, FAULT_SCENARIOS, type FaultScenarioName } from '../../src/scenarios/catalog.ts';
import { type ServingCli, startServe } from '../cli/spawn-cli.ts';
import { KEY } from '../helpers.ts';
import { type ParsedStream, readSse } from '../sse.ts';

let serving: ServingCli;
let root: string;
beforeAll(async () => {
  serving = await startServe(['--quiet']);
  root = serving.baseUrl.replace(/\/api\/v1$/, '');
});
afterAll(async () => {
  await serving?.stop();
});
afterEach(async () => {
  expect((await fetch(`${root}/__mock/reset`, { method: 'POST' })).status).toBe(204);
});

/** Sets the scenario for the next request only, through the control API. */
async function nextRequestGets(scenario: string): Promise<string> {
  const response = await fetch(`${root}/__mock/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, times: 1 }),
  });
  const rule = (await response.json()) as { id: string };
  expect(response.status).toBe(201);
  return rule.id;
}

function generate(body: Record<string, unknown> = {}) {
  return fetch(`${serving.baseUrl}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-image-1', prompt: 'catalog', size: '1024x1024', ...body }),
  });
}

const stream = async () => readSse(await generate({ stream: true }));

interface JournalEntry {
  rules?: string[];
  scenario?: Record<string, unknown>;
  response?: { status: number };
}

async function journal(): Promise<JournalEntry[]> {
  return ((await (await fetch(`${root}/__mock/requests`)).json()) as { data: JournalEntry[] }).data;
}

/** The rule answered the one request, and then expired: the next one is the mock's own. */
async function expectSpent(id: string): Promise<JournalEntry> {
  const [entry] = await journal();
  expect(entry?.rules).toEqual([id]);
  const after = await generate();
  expect(after.status).toBe(200);
  await after.arrayBuffer();
  return entry as JournalEntry;
}

const finished = (parsed: ParsedStream) => {
  expect(parsed.error).toBeUndefined();
  expect(parsed.done).toBe(true);
  expect(parsed.events.at(-1)?.type).toBe('image_generation.completed');
};

describe('every error scenario, chosen through the control API', () => {
  it.each(Object.entries(ERROR_SCENARIOS))('%s', async (name, scenario) => {
    const id = await nextRequestGets(name);
    const response = await generate();
    const body = (await response.json()) as { error: { code: number; message: string; metadata?: unknown } };
    expect(response.status).toBe(scenario.status);
    // Exactly the documented body: metadata where the scenario has it, and none where it has not.
    expect(body).toEqual({
      error: {
        code: scenario.status,
        message: scenario.message,
        ...('metadata' in scenario ? { metadata: scenario.metadata } : {}),
      },
    });
    const retryAfter = 'retryAfter' in scenario ? String(scenario.retryAfter) : null;
    expect(response.headers.get('retry-after')).toBe(retryAfter);
    await expectSpent(id);
  });
});

const FAULTS: Record<FaultScenarioName, () => Promise<void>> = {
  slow: async () => {
    const started = performance.now();
    const response = await generate();
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  },
  'stream-error': async () => {
    const parsed = await stream();
    expect(parsed.events.map((e) => e.type)).toEqual(['image_generation.partial_image', 'error']);
  },
  'stream-drop': async () => {
    const parsed = await stream();
    expect(parsed.events).toHaveLength(1);
    expect(parsed.done).toBe(false);
    expect(parsed.error).toBeInstanceOf(TypeError);
  },
  'keep-alive': async () => {
    const parsed = await stream();
    finished(parsed);
    expect(parsed.comments).toEqual(parsed.events.map(() => 'keep-alive'));
  },
  // Over TCP chunk boundaries are not the server's to keep; the events arrive whole either way.
  'split-frames': async () => {
    finished(await stream());
  },
  'merged-frames': async () => {
    finished(await stream());
  },
  'fewer-images': async () => {
    const response = await generate({ n: 3 });
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(2);
  },
};

describe('every fault scenario, chosen through the control API', () => {
  it('the table below covers the catalog', () => {
    expect(Object.keys(FAULTS).sort()).toEqual(Object.keys(FAULT_SCENARIOS).sort());
  });

  it.each(Object.keys(FAULT_SCENARIOS) as FaultScenarioName[])('%s', async (name) => {
    const id = await nextRequestGets(name);
    await FAULTS[name]();
    const entry = await expectSpent(id);
    expect(entry.scenario).toMatchObject(
      {
        slow: { latency: 1000 },
        'stream-error': { streamErrorAfter: 1 },
        'stream-drop': { dropAfter: 1 },
        'keep-alive': { keepAlive: true },
        'split-frames': { framing: 'split' },
        'merged-frames': { framing: 'merged' },
        'fewer-images': { maxImages: -1 },
      }[name],
    );
  });
});
