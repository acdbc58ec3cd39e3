import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportedExchange } from '../../src/check/report/report.ts';
import { createImagesMock } from '../../src/core/mock.ts';
import { defaultModels, toListItem } from '../../src/models/catalog.ts';
import { listen, type RunningServer } from '../../src/server/listen.ts';
import { type MockServer, startMockServer } from '../../src/server/mock-server.ts';
import { runVerify } from '../../src/verify/run.ts';
import { buildVerifySuite, selectCases } from '../../src/verify/suite.ts';
import { runCli } from '../cli/spawn-cli.ts';

const failing = (exchanges: ReportedExchange[]) => exchanges.filter((e) => !e.ok);

describe('verify against the standalone mock', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends the whole suite and every answer conforms', async () => {
    // The default --max-requests (200) is smaller than the suite of the whole default catalog.
    const run = await runVerify({ baseUrl: server.baseUrl, maxRequests: 100_000 });
    expect(run.report.problems).toEqual([]);
    expect(run.selected).toHaveLength(run.total);
    expect(run.report.exchanges.length).toBe(run.total + 1 + defaultModels.length); // + catalog reads
    // Every parameter and enum value of every model, and every refusal, was exercised.
    const ids = run.report.exchanges.map((e) => e.id);
    expect(ids).toContain('openai/gpt-image-1 quality=high');
    expect(ids).toContain('bytedance-seed/seedream-4.5 aspect_ratio=21:9');
    expect(ids).toContain('recraft/recraft-v3-svg stream=true');
    expect(ids).toContain('refuses n=11');
    expect(ids).toContain('google/gemini-2.5-flash-image refuses n=2');
    expect(failing(run.report.exchanges)).toEqual([]);
  });

  it('--max-requests and --seed choose a reproducible subset, baselines first', async () => {
    const maxRequests = defaultModels.length + 6;
    const run = await runVerify({ baseUrl: server.baseUrl, maxRequests, seed: 5 });
    expect(run.selected).toHaveLength(maxRequests);
    expect(run.sent).toBe(maxRequests + 1 + defaultModels.length);
    const again = await runVerify({ baseUrl: server.baseUrl, maxRequests, seed: 5, dryRun: true });
    expect(again.selected.map((c) => c.id)).toEqual(run.selected.map((c) => c.id));
    // Baselines first: one per model, then the seeded draw.
    const baselines = run.selected.slice(0, defaultModels.length);
    expect(baselines.every((c) => c.id.endsWith(' baseline'))).toBe(true);
    expect(run.selected.filter((c) => c.id.endsWith(' baseline'))).toHaveLength(defaultModels.length);
  });
});

describe('verify against a deliberately broken server', () => {
  let broken: RunningServer;
  beforeAll(async () => {
    const mock = createImagesMock({ baseUrl: 'http://localhost/api/v1' });
    broken = await listen(
      async (request) => {
        const path = new URL(request.url).pathname;
        let body: Record<string, unknown> | undefined;
        try {
          body = (await request.clone().json()) as Record<string, unknown>;
        } catch {}
        // Break 1: an unknown model is answered 404 instead of 400.
        if (body?.model === 'nobody/no-such-model')
          return Response.json({ error: { code: 404, message: 'no such model' } }, { status: 404 });
        // Break 2: the gateway clamps n instead of refusing it.
        if (body?.model === 'google/gemini-2.5-flash-image' && typeof body.n === 'number' && body.n > 1) {
          const init = { method: 'POST', headers: request.headers, body: JSON.stringify({ ...body, n: 1 }) };
          return mock.handle(new Request(request.url, init));
        }
        const response = await mock.handle(request);
        // Break 3: 401 with a string code.
        if (response.status === 401)
          return Response.json({ error: { code: '401', message: 'no key' } }, { status: 401 });
        // Break 4: the catalog advertises a ratio the contract does not know.
        if (path.endsWith('/images/models')) {
          const list = (await response.json()) as {
            data: { id: string; supported_parameters: Record<string, { values?: string[] }> }[];
          };
          list.data[0]?.supported_parameters.aspect_ratio?.values?.push('7:3');
          return Response.json(list);
        }
        // Break 5: Recraft's JSON answers lose `created`.
        if (
          body?.model === 'recraft/recraft-v3-svg' &&
          response.headers.get('content-type') === 'application/json' &&
          response.ok
        ) {
          const json = (await response.json()) as Record<string, unknown>;
          delete json.created;
          return Response.json(json);
        }
        // Break 6: GPT Image streams stop before data: [DONE].
        if (body?.model === 'openai/gpt-image-1' && body.stream === true && response.ok) {
          const text = await response.text();
          return new Response(text.replace('data: [DONE]\n\n', ''), {
            headers: { 'content-type': 'text/event-stream' },
          });
        }
        return response;
      },
      { port: 0 },
    );
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('reports each break, and nothing else', async () => {
    const run = await runVerify({ baseUrl: `${broken.url}/api/v1`, maxRequests: 100_000 });
    const byId = new Map(run.report.exchanges.map((e) => [e.id, e]));
    const rules = (id: string) => byId.get(id)?.violations.map((v) => `${v.rule} ${v.pointer}`.trim());
    expect(rules('refuses an unknown model')).toEqual(['expected-status']);
    expect(byId.get('refuses an unknown model')?.violations[0]?.message).toMatch(
      /expected status 400, got 404: refused with the wrong status/,
    );
    expect(rules('google/gemini-2.5-flash-image refuses n=2')).toEqual(['expected-status']);
    expect(byId.get('google/gemini-2.5-flash-image refuses n=2')?.violations[0]?.message).toMatch(
      /accepted what the contract refuses/,
    );
    expect(rules('refuses a request without Authorization')).toEqual(['type /error/code']);
    expect(rules('refuses a malformed Authorization')).toEqual(['type /error/code']);
    expect(rules('catalog GET /images/models')).toEqual([
      'contract-enum /data/0/supported_parameters/aspect_ratio/values/18',
    ]);
    expect(rules('recraft/recraft-v3-svg baseline')).toEqual(['required /created']);
    expect(rules('openai/gpt-image-1 stream=true')).toEqual(['done-sentinel']);
    const expectedBreaks = [
      'refuses an unknown model',
      'google/gemini-2.5-flash-image refuses n=2',
      'refuses a request without Authorization',
      'refuses a malformed Authorization',
      'catalog GET /images/models',
      'openai/gpt-image-1 stream=true',
    ];
    const others = failing(run.report.exchanges)
      .filter((e) => !expectedBreaks.includes(e.id))
      .filter(
        (e) =>
          !(e.id.startsWith('recraft/recraft-v3-svg') && e.violations.every((v) => v.pointer === '/created')),
      );
    expect(others.map((e) => e.id)).toEqual([]);
  });
});

describe('verify: bounds and cost', () => {
  const mock = createImagesMock({ baseUrl: 'https://images.example.test/api/v1' });

  it('prints a cost estimate before any generation request to a non-local host, and stops above --max-cost', async () => {
    const sent: string[] = [];
    const lines: { line: string; postsSoFar: number }[] = [];
    const run = await runVerify({
      baseUrl: 'https://images.example.test/api/v1',
      apiKey: 'sk-or-v1-secret-key-for-the-test-000000',
      maxCostUsd: 0.05,
      fetch: async (input, init) => {
        sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
        return mock.handle(new Request(String(input), init));
      },
      log: (line) => lines.push({ line, postsSoFar: sent.filter((s) => s.startsWith('POST')).length }),
    });
    expect(lines[0]?.line).toMatch(/^Estimated cost: \$\d+\.\d{4} for \d+ generation requests/);
    expect(lines[0]?.postsSoFar).toBe(0);
    expect(sent.every((s) => s.startsWith('GET'))).toBe(true);
    expect(run.report.problems[0]?.message).toMatch(
      /estimated cost \$[\d.]+ is above --max-cost \$0.05: nothing was generated/,
    );
    expect(run.estimate?.usd).toBeGreaterThan(0.05);
  });

  it('seeded selection is reproducible and differs between seeds', () => {
    const suite = buildVerifySuite(defaultModels.map((m) => toListItem(m, '/api/v1')));
    const ids = (seed: number) => selectCases(suite, 20, seed).map((c) => c.id);
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(2));
    expect(selectCases(suite, 1000, 1)).toHaveLength(suite.length);
  });

  it('--dry-run prints the requests and their count and sends nothing', async () => {
    let received = 0;
    const counter = createServer((_req, res) => {
      received++;
      res.end();
    });
    await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    const port = (counter.address() as { port: number }).port;
    try {
      const result = await runCli([
        'verify',
        '--base-url',
        `http://127.0.0.1:${port}/api/v1`,
        '--dry-run',
        '--max-requests',
        '15',
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^POST \/images \{"model":/m);
      expect(result.stdout).toMatch(/15 of \d+ requests selected \(seed 0\); nothing sent\./);
      expect(
        result.stdout
          .trim()
          .split('\n')
          .filter((l) => /→ expect \d{3}/.test(l)),
      ).toHaveLength(15);
      expect(received).toBe(0);
    } finally {
      counter.close();
    }
  });

  it('refuses a non-local target without a key, before sending anything', async () => {
    const result = await runCli([
      'verify',
      '--base-url',
      'https://images.example.test/api/v1',
      '--api-key-env',
      'NO_SUCH_VARIABLE_SET',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a local host: set NO_SUCH_VARIABLE_SET to its API key');
  });
});

describe('verify never stops at a bad catalog', () => {
  const mock = createImagesMock({ baseUrl: 'http://placeholder/api/v1' });
  const servers: RunningServer[] = [];
  /** A target whose catalog route answers `catalog`, and whose POST /images may be broken too. */
  const target = async (catalog: () => Response, breakImages = false) => {
    const server = await listen(
      async (request) => {
        const path = new URL(request.url).pathname;
        if (path.endsWith('/images/models')) return catalog();
        const response = await mock.handle(request);
        if (breakImages && response.status === 200 && path.endsWith('/images')) {
          const json = (await response.json()) as Record<string, unknown>;
          return Response.json({ ...json, created: 'now' });
        }
        return response;
      },
      { port: 0 },
    );
    servers.push(server);
    return `${server.url}/api/v1`;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('an empty catalog is a violation, and POST /images is still probed with the local models', async () => {
    const run = await runVerify({ baseUrl: await target(() => Response.json({ data: [] })) });
    expect(run.report.problems).toEqual([]);
    const byId = new Map(run.report.exchanges.map((e) => [e.id, e]));
    expect(byId.get('catalog GET /images/models')?.violations.map((v) => v.rule)).toEqual(['models']);
    expect(byId.get('the contract example')?.ok).toBe(true);
    expect(byId.get('openai/gpt-image-1 baseline')?.ok).toBe(true);
    expect(byId.get('refuses n=11')?.ok).toBe(true);
    expect(failing(run.report.exchanges).map((e) => e.id)).toEqual(['catalog GET /images/models']);
  });

  it('a target broken in both places exits 1 naming each break', async () => {
    const base = await target(() => new Response('<html>oops</html>', { status: 500 }), true);
    const result = await runCli(['verify', '--base-url', base, '--reporter', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      exchanges: { id: string; ok: boolean; violations: { rule: string; pointer: string }[] }[];
    };
    const broken = report.exchanges.filter((e) => !e.ok);
    expect(broken.find((e) => e.id === 'catalog GET /images/models')?.violations.map((v) => v.rule)).toEqual([
      'expected-status',
      'json',
    ]);
    expect(broken.find((e) => e.id === 'the contract example')?.violations).toEqual([
      expect.objectContaining({ rule: 'type', pointer: '/created' }),
    ]);
    expect(broken.filter((e) => e.id.endsWith(' baseline')).length).toBeGreaterThan(0);
  });

  it('nothing listening still exits 2: it could not run at all', async () => {
    const server = await listen(async () => new Response('x'), { port: 0 });
    const base = `${server.url}/api/v1`;
    await server.close();
    const result = await runCli(['verify', '--base-url', base]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('cannot reach');
  });
});
