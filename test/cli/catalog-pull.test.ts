// `catalog pull` against local servers only: a mock serving made-up models the built-in catalog
// does not know (with no mock block: the source infers too), and a bare node:http server that
// answers wrongly on purpose. The pulled file is then served by `serve --catalog`.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagePricingEntry, SupportedParameters } from '../../src/contract/types.ts';
import type { CatalogModelInput } from '../../src/models/catalog.ts';
import { describeInferredRule, inferMockRules } from '../../src/models/infer.ts';
import type { PulledCatalogFile } from '../../src/models/pull-catalog.ts';
import { type MockServer, startMockServer } from '../../src/server/mock-server.ts';
import { createImagesMockHandle } from '../../src/testing/handle.ts';
import { acmeEndpoint, acmeModel, price as basePrice, enumOf } from '../catalog-builders.ts';
import { postImages } from '../helpers.ts';
import { decodeBase64Image, parseSvg } from '../synth/decode.ts';
import { runCli, type ServingCli, startServe } from './spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'orim-pull-'));
const price = (unit: ImagePricingEntry['unit'], billable?: ImagePricingEntry['billable']) =>
  basePrice(unit, billable, 0.02);
const made = (
  id: string,
  supported_parameters: SupportedParameters,
  pricing: ImagePricingEntry[],
  supports_streaming = false,
): CatalogModelInput =>
  acmeModel(id, acmeEndpoint(supported_parameters, pricing, supports_streaming), {
    description: 'A made-up model with unusual capabilities.',
  });

/** What each made-up model should answer a bare request with, by the inference rules. */
const MODELS = [
  {
    model: made(
      'acme/painter-1',
      {
        resolution: enumOf('512', '2K'),
        aspect_ratio: enumOf('auto', '3:2', '2:3'),
        output_format: enumOf('webp', 'jpeg'),
      },
      [price('megapixel')],
    ),
    // No 1K, no 1:1, no png: 512 (nearest 1K, ties to the smaller) at 3:2, webp.
    expected: { mediaType: 'image/webp', width: 624, height: 416 },
  },
  {
    model: made(
      'acme/streamer-2',
      { quality: enumOf('auto', 'low', 'high'), output_format: enumOf('jpeg', 'png') },
      [price('token', 'input_text'), price('token')],
      true,
    ),
    expected: { mediaType: 'image/png', width: 1024, height: 1024 },
  },
  {
    model: made('acme/vector-3', { aspect_ratio: enumOf('16:9', '4:3'), output_format: enumOf('svg') }, [
      price('image'),
    ]),
    expected: { mediaType: 'image/svg+xml', width: 1360, height: 768 },
  },
];

let source: MockServer;
let bare: Server;
let bareBase = '';
beforeAll(async () => {
  source = await startMockServer({
    port: 0,
    host: '127.0.0.1',
    models: MODELS.map((m) => m.model),
    replaceDefaults: true,
  });
  // Wrong on purpose: a list that breaks the contract, an endpoints route that is gone, HTML.
  const ghost = {
    id: 'acme/ghost-1',
    name: 'Acme Ghost',
    description: 'Listed, but its endpoints route is gone.',
    created: 1767225600,
    architecture: { input_modalities: ['text'], output_modalities: ['image'] },
    supported_parameters: {},
    supports_streaming: false,
    endpoints: '/gone/api/v1/images/models/acme/ghost-1/endpoints',
  };
  const { supported_parameters: _, ...broken } = ghost;
  bare = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/broken/api/v1/images/models') json(200, { data: [broken] });
    else if (req.url === '/gone/api/v1/images/models') json(200, { data: [ghost] });
    else if (req.url === '/html/api/v1/images/models') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    } else json(404, { error: { code: 404, message: 'Model acme/ghost-1 not found' } });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  bareBase = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await source?.close();
  await new Promise((resolve) => bare?.close(resolve));
});

describe('catalog pull from a live server, then serve --catalog', () => {
  const out = join(dir, 'catalog.json');
  let serving: ServingCli | undefined;
  afterAll(async () => {
    await serving?.stop();
  });

  it('writes every model with its inferred mock block in full, and a summary line', async () => {
    const result = await runCli(['catalog', 'pull', '--from', source.baseUrl, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote 3 models to ${out}\n`);
    const file = JSON.parse(readFileSync(out, 'utf8')) as PulledCatalogFile;
    expect(file).toMatchObject({ source: source.baseUrl, replaceDefaults: true });
    expect(new Date(file.pulled).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(file.models.map((m) => m.id)).toEqual(MODELS.map((m) => m.model.id));
    // In full: every field the rules infer from the served endpoints, each with its reason.
    for (const [i, pulled] of file.models.entries()) {
      const { rules, reasons } = inferMockRules(MODELS[i]!.model);
      const { provenance, ...written } = pulled.mock;
      expect(written, pulled.id).toEqual(rules);
      expect(provenance?.assumed, pulled.id).toEqual(reasons.map(describeInferredRule));
    }
    const painter = file.models[0]!;
    expect(painter.endpoints).toEqual(MODELS[0]!.model.endpoints);
    expect(painter.mock).toMatchObject({
      default_output_format: 'webp',
      sizing: { grid: 16, default_resolution: '512', default_aspect_ratio: '3:2', explicit: 'any' },
      tokens: { pixels_per_token: 1024, count_prompt: false },
    });
    expect(painter.mock.provenance?.sources).toEqual([
      {
        url: `${source.baseUrl}/images/models/acme/painter-1/endpoints`,
        read: file.pulled.slice(0, 10),
        what: 'served parameters, pricing',
      },
    ]);
    expect(painter.mock.provenance?.assumed).toContain(
      'sizing.default_resolution: 512 (1K is not offered: the offered tier nearest 1K)',
    );
    expect(file.models[1]?.mock.tokens).toMatchObject({
      per_image_by_quality: { medium: 1056 },
      count_prompt: true,
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('serve --catalog loads the file unchanged: the same models, images of the inferred size', async () => {
    serving = await startServe(['--catalog', out, '--quiet']);
    const models = async (base: string) => (await fetch(`${base}/images/models`)).json();
    expect(await models(serving.baseUrl)).toEqual(await models(source.baseUrl));
    for (const { model, expected } of MODELS) {
      const response = await postImages(
        { model: model.id, prompt: 'a lighthouse' },
        { base: serving.baseUrl },
      );
      expect(response.status, model.id).toBe(200);
      const image = ((await response.json()) as { data: { b64_json: string; media_type: string }[] })
        .data[0]!;
      expect(image.media_type).toBe(expected.mediaType);
      const { width, height } =
        image.media_type === 'image/svg+xml'
          ? (({ attributes }) => ({ width: Number(attributes.width), height: Number(attributes.height) }))(
              parseSvg(Buffer.from(image.b64_json, 'base64').toString('utf8')),
            )
          : decodeBase64Image(image.b64_json, image.media_type);
      expect({ width, height }, model.id).toEqual({ width: expected.width, height: expected.height });
    }
  });

  it('the server and the test handle take the file as catalogFile', async () => {
    const server = await startMockServer({ port: 0, host: '127.0.0.1', catalogFile: out });
    try {
      expect(server.mock.catalog.list().map((m) => m.id)).toEqual(MODELS.map((m) => m.model.id));
    } finally {
      await server.close();
    }
    const handle = createImagesMockHandle({ catalogFile: out, replaceDefaults: false });
    expect(handle.mock.catalog.get('acme/vector-3')).toBeDefined();
    expect(handle.mock.catalog.get('openai/gpt-image-1')).toBeDefined();
    expect(() => createImagesMockHandle({ catalogFile: join(dir, 'none.json') })).toThrow(
      /catalogFile .*none\.json: ENOENT/,
    );
  });

  it('--models picks some, --merge adds them to the defaults', async () => {
    const some = join(dir, 'some.json');
    const result = await runCli([
      'catalog',
      'pull',
      '--from',
      `${source.baseUrl}/`,
      '--out',
      some,
      '--models',
      'acme/vector-3,acme/painter-1',
      '--merge',
      '--quiet',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const file = JSON.parse(readFileSync(some, 'utf8')) as PulledCatalogFile;
    expect(file.replaceDefaults).toBe(false);
    expect(file.models.map((m) => m.id)).toEqual(['acme/painter-1', 'acme/vector-3']);
  });
});

describe('catalog pull refuses an unusable source: one line, exit 2, no file', () => {
  const refused = async (from: string, args: string[] = []) => {
    const out = join(dir, `refused-${Math.random().toString(36).slice(2)}.json`);
    const result = await runCli(['catalog', 'pull', '--from', from, '--out', out, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    return result.stderr;
  };

  it('nothing listening', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect(await refused(`http://127.0.0.1:${port}/api/v1`)).toContain(
      `cannot read http://127.0.0.1:${port}/api/v1/images/models: connect ECONNREFUSED`,
    );
  });

  it('an answer that breaks the contract, naming the field', async () => {
    expect(await refused(`${bareBase}/broken/api/v1`)).toContain(
      `${bareBase}/broken/api/v1/images/models does not follow the contract: data[0].supported_parameters is required`,
    );
  });

  it('an answer that is not JSON', async () => {
    expect(await refused(`${bareBase}/html/api/v1`)).toContain('answered something other than JSON');
  });

  it('a model whose endpoints route is gone, naming the model', async () => {
    expect(await refused(`${bareBase}/gone/api/v1`)).toContain(
      `acme/ghost-1: ${bareBase}/gone/api/v1/images/models/acme/ghost-1/endpoints answered 404 (Model acme/ghost-1 not found)`,
    );
  });

  it('a model the source does not list, and a bad command line', async () => {
    expect(await refused(source.baseUrl, ['--models', 'acme/nothing'])).toContain(
      'acme/nothing is not among the 3 models',
    );
    expect(await refused(source.baseUrl, ['--timeout', 'soon'])).toContain('--timeout must be a duration');
  });

  it('--help', async () => {
    const help = await runCli(['catalog', 'pull', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--from <url>');
    expect((await runCli(['--help'])).stdout).toContain('catalog pull');
  });
});
