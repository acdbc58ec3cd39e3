// The public surface, entry by entry: a change to it must be a deliberate one, made here too.
// Types are checked by test/typings and attw in the packaging test; these are the values.
import { describe, expect, it } from 'vitest';

const entries: Record<string, () => Promise<Record<string, unknown>>> = {
  '.': () => import('../src/index.ts'),
  './check': () => import('../src/checks.ts'),
  './server': () => import('../src/server/index.ts'),
  './testing': () => import('../src/testing/index.ts'),
  './vitest': () => import('../src/vitest/index.ts'),
};

const surface: Record<string, string[]> = {
  // The mock: handlers, the resolver, scenarios, the catalog, the contract's validators and data.
  '.': [
    'Catalog',
    'DEFAULT_BASE_URL',
    'DEFAULT_LIMITS',
    'ERROR_SCENARIOS',
    'FAULT_SCENARIOS',
    'ImagesApiError',
    'createImageHandlers',
    'createImagesMock',
    'defaultModels',
    'handlersFor',
    'inferMockRules',
    'namedScenario',
    'openApiDocument',
    'parseCatalogFile',
    'scenarioFromFields',
    'scenarioFromPrefer',
    'scenarioHandler',
    'scenarios',
    'validateErrorBody',
    'validateRequestBody',
    'validateSchema',
    'validateStreamEvent',
  ],
  // The CI checks.
  './check': [
    'REDACTED',
    'catalogFromJson',
    'diffDocuments',
    'formatReport',
    'imagesContractMatchers',
    'parseOpenApi',
    'readExchanges',
    'redactHeaders',
    'redactText',
    'runVerify',
    'toExchangeRequest',
    'toExchangeResponse',
    'validateExchange',
    'validateRecording',
    'validateRequest',
    'validateResponse',
  ],
  './server': ['DEFAULT_MAX_BODY_BYTES', 'createNodeListener', 'listen', 'startMockServer'],
  './testing': ['createImagesMockHandle', 'respondWith', 'scenarios'],
};

describe('the public surface', () => {
  it.each(Object.keys(surface))('%s exports exactly these values', async (entry) => {
    const names = Object.keys(await (entries[entry] as () => Promise<Record<string, unknown>>)()).sort();
    expect(names).toEqual(surface[entry]);
  });

  it('the package exports map names every entry, and nothing else', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(pkg.exports).sort()).toEqual(
      [...Object.keys(entries), './openapi.yaml', './package.json'].sort(),
    );
  });

  it('the root entry loads none of the CI machinery (a browser bundle of the handlers stays small)', async () => {
    const { execFileSync } = await import('node:child_process');
    // A fresh process: which modules does importing the root pull in?
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
      await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
      console.log(JSON.stringify(seen));`;
    const seen = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    ) as string[];
    // Relative to the project root: the clone itself may live under a folder named like one of these.
    const root = new URL('../', import.meta.url).href;
    const heavy = seen
      .filter((url) => url.startsWith(root))
      .map((url) => url.slice(root.length))
      .filter((path) => /^src\/(check|verify|drift|recording)\/|yaml|stream-json|stream-chain/.test(path));
    expect(heavy).toEqual([]);
  });
});
