// The contract must agree, field by field and enum value by enum value, with OpenRouter's
// published OpenAPI document (read from ../shared/reference, never copied into the project), with
// the endpoint's reference page, and with the enums the published SDK sends.
import { existsSync, readFileSync } from 'node:fs';
import * as sdk from '@openrouter/sdk/models';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/contract/document.gen.ts';

type Schema = Record<string, unknown>;
const ours = openApiDocument as unknown as { paths: Schema; components: { schemas: Record<string, Schema> } };
const ourSchemas = ours.components.schemas;

/** A file under shared/, which sits beside the checkout (a git worktree is one level deeper). */
function sharedFile(path: string): URL {
  const candidates = ['../../../', '../../../../'].map(
    (up) => new URL(`${up}shared/${path}`, import.meta.url),
  );
  return candidates.find((url) => existsSync(url)) ?? (candidates[0] as URL);
}
const referencePath = sharedFile('reference/openrouter-openapi-images.json');
const pagePath = sharedFile('seed/images-endpoint.txt');

function resolve(schema: Schema, schemas: Record<string, Schema>): Schema {
  let current = schema;
  while (typeof current.$ref === 'string') current = schemas[current.$ref.split('/').pop() ?? ''] ?? {};
  // `allOf: [X, {description}]` is how the published document annotates a reference.
  if (Array.isArray(current.allOf)) {
    return Object.assign({}, ...current.allOf.map((part: Schema) => resolve(part, schemas)), {
      allOf: undefined,
    });
  }
  return current;
}

const types = (schema: Schema) => new Set([schema.type ?? []].flat() as string[]);

// Where our document says less than the published one, on purpose: Anthropic-only usage
// iterations are passed through as plain objects.
const LOOSENED = ['usage.iterations[]', 'ImageGenerationUsage.iterations[]'];

/** Every fact of `theirs` must hold in `mine`; extra fields and values in `mine` are allowed. */
function agree(
  theirs: Schema,
  mine: Schema,
  where: string,
  refSchemas: Record<string, Schema>,
  problems: string[],
) {
  if (LOOSENED.some((suffix) => where.endsWith(suffix))) return;
  // A schema of ours without a keyword that constrains (`true`, `{}`) accepts whatever theirs does.
  if (mine === (true as unknown) || Object.keys(mine).every((k) => k === 'description')) return;
  const a = resolve(theirs, refSchemas);
  const b = resolve(mine, ourSchemas);
  const branches = (a.oneOf ?? a.anyOf) as Schema[] | undefined;
  // An anyOf with a plain string branch accepts any string: the enum branches beside it add nothing.
  const anyString = branches?.some((branch) => {
    const resolved = resolve(branch, refSchemas);
    return resolved.type === 'string' && !resolved.enum;
  });
  if (anyString) {
    if (!types(b).has('string')) problems.push(`${where}: must accept any string`);
    return;
  }
  if (branches) {
    const mineBranches = (b.oneOf ?? b.anyOf ?? [b]) as Schema[];
    for (const [i, branch] of branches.entries()) {
      const resolved = resolve(branch, refSchemas);
      if (resolved.type === 'null') continue;
      const fits = mineBranches.some((m) => {
        const local: string[] = [];
        agree(branch, m, `${where}|${i}`, refSchemas, local);
        return local.length === 0;
      });
      if (!fits) problems.push(`${where}: no branch of ours matches their branch ${i}`);
    }
    return;
  }
  for (const t of types(a))
    if (!types(b).has(t) && !(t === 'null' && b.type === undefined))
      problems.push(`${where}: type ${t} missing`);
  if (Array.isArray(a.enum)) {
    const mineEnum = new Set((b.enum as unknown[]) ?? []);
    for (const value of a.enum)
      if (!mineEnum.has(value)) problems.push(`${where}: enum value ${JSON.stringify(value)} missing`);
  }
  if (Array.isArray(a.required)) {
    const mineRequired = [...((b.required as string[]) ?? [])].sort().join(',');
    if (mineRequired !== [...a.required].sort().join(','))
      problems.push(`${where}: required ${mineRequired} ≠ ${a.required}`);
  }
  for (const [name, property] of Object.entries((a.properties as Record<string, Schema>) ?? {})) {
    // A map with named keys in theirs (provider slug → options) may be an open map in ours:
    // an object of ours with no named properties, whose additionalProperties (any value if
    // `true`) stands for every key of theirs.
    const open =
      typeof b.additionalProperties === 'object'
        ? (b.additionalProperties as Schema)
        : b.additionalProperties === true && !b.properties
          ? {}
          : undefined;
    const mineProperty = (b.properties as Record<string, Schema> | undefined)?.[name] ?? open;
    if (!mineProperty) problems.push(`${where}.${name}: missing`);
    else agree(property, mineProperty, `${where}.${name}`, refSchemas, problems);
  }
  if (a.items) {
    if (!b.items) problems.push(`${where}[]: items missing`);
    else agree(a.items as Schema, b.items as Schema, `${where}[]`, refSchemas, problems);
  }
  if (
    a.additionalProperties &&
    typeof a.additionalProperties === 'object' &&
    Object.keys(a.additionalProperties).length > 0
  ) {
    if (!b.additionalProperties) problems.push(`${where}{}: additionalProperties missing`);
    else
      agree(
        a.additionalProperties as Schema,
        b.additionalProperties as Schema,
        `${where}{}`,
        refSchemas,
        problems,
      );
  }
}

describe.skipIf(!existsSync(referencePath))('agreement with the published OpenAPI document', () => {
  // Read only when present: describe bodies run even when skipped.
  const reference = (
    existsSync(referencePath) ? JSON.parse(readFileSync(referencePath, 'utf8')) : { components: {} }
  ) as typeof ours & {
    components: { securitySchemes: Schema };
    security?: unknown[];
  };
  const refSchemas = reference.components.schemas;

  it('has the same paths, methods and operation ids', () => {
    const operations = (doc: typeof ours) =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, Schema>).map(
          ([method, op]) => `${method} ${path} ${op.operationId}`,
        ),
      );
    expect(operations(ours).sort()).toEqual(operations(reference).sort());
  });

  it('documents every response status and media type the published document does', () => {
    for (const [path, item] of Object.entries(reference.paths)) {
      for (const [method, op] of Object.entries(
        item as Record<string, { responses: Record<string, Schema> }>,
      )) {
        const mine =
          (ours.paths[path] as Record<string, { responses: Record<string, Schema> }>)[method]?.responses ??
          {};
        for (const [status, response] of Object.entries(op.responses)) {
          expect(mine[status], `${method} ${path} ${status}`).toBeDefined();
          const resolved = (r: Schema) =>
            typeof r.$ref === 'string'
              ? ((openApiDocument.components.responses as Record<string, Schema>)[
                  r.$ref.split('/').pop() ?? ''
                ] ?? {})
              : r;
          const theirTypes = Object.keys((response.content as Schema) ?? {});
          expect(Object.keys((resolved(mine[status] ?? {}).content as Schema) ?? {})).toEqual(
            expect.arrayContaining(theirTypes),
          );
        }
      }
    }
  });

  it.each([
    ['ImageGenerationRequest', 'ImageGenerationRequest'],
    ['ImageGenerationResponse', 'ImageGenerationResponse'],
    ['ImageGenerationUsage', 'ImageGenerationUsage'],
    ['ImageStreamingResponse', 'ImageStreamingResponse'],
    ['ImageGenPartialImageEvent', 'ImagePartialImageEvent'],
    ['ImageGenTextChunkEvent', 'ImageTextChunkEvent'],
    ['ImageGenCompletedEvent', 'ImageCompletedEvent'],
    ['ImageGenStreamErrorEvent', 'ImageStreamErrorEvent'],
    ['BadRequestResponse', 'ErrorResponse'],
    ['TooManyRequestsResponse', 'ErrorResponse'],
    ['ProviderOverloadedResponse', 'ErrorResponse'],
    ['ImageModelsListResponse', 'ImageModelsListResponse'],
    ['ImageModelEndpointsResponse', 'ImageModelEndpointsResponse'],
    ['CapabilityDescriptor', 'CapabilityDescriptor'],
  ])('their %s agrees with our %s', (theirName, ourName) => {
    const problems: string[] = [];
    agree(refSchemas[theirName] ?? {}, ourSchemas[ourName] ?? {}, theirName, refSchemas, problems);
    expect(problems).toEqual([]);
  });

  it('every published error schema has the same shape as ours', () => {
    const errorSchemas = Object.keys(refSchemas).filter(
      (n) => /Response$/.test(n) && 'error' in ((refSchemas[n]?.properties as Schema | undefined) ?? {}),
    );
    // One per error status the published document lists (400 to 529): the loop below is no empty one.
    expect(errorSchemas).toEqual(
      expect.arrayContaining(['BadRequestResponse', 'ProviderOverloadedResponse']),
    );
    expect(errorSchemas.length).toBeGreaterThanOrEqual(10);
    for (const name of errorSchemas) {
      const problems: string[] = [];
      agree(refSchemas[name] ?? {}, ourSchemas.ErrorResponse ?? {}, name, refSchemas, problems);
      expect(problems, name).toEqual([]);
    }
  });

  // Statuses we list beyond theirs, each for what answers it: the service's other documented
  // errors that the mock's scenarios answer, and what any HTTP server in front of the routes
  // answers (a request it cannot read, a body over its limit) or the mock's own modes do.
  const EXTRA_STATUSES: Record<string, { statuses: string[]; why: string }> = {
    'post /images': {
      statuses: ['408', '503'],
      why: 'the scenarios request-timeout and no-provider; OpenRouter documents both among its errors',
    },
    'get /images/models': {
      statuses: ['400', '404', '413', '502'],
      why: '400 unreadable request and 413 body over the limit (HTTP layer); 404 from serve --replay; 502 from serve --proxy',
    },
    'get /images/models/{author}/{slug}/endpoints': {
      statuses: ['400', '413', '502'],
      why: '400 and 413 from the HTTP layer; 502 from serve --proxy',
    },
  };

  it('lists no status beyond theirs but the documented extras', () => {
    for (const [path, item] of Object.entries(ours.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: Schema }>)) {
        const theirs = Object.keys(
          ((reference.paths[path] as Record<string, { responses: Schema }>)[method]?.responses ??
            {}) as Schema,
        );
        const extra = Object.keys(op.responses).filter((status) => !theirs.includes(status));
        expect(extra, `${method} ${path}`).toEqual(EXTRA_STATUSES[`${method} ${path}`]?.statuses ?? []);
      }
    }
  });

  it('keys POST /images and leaves the catalog reads public, as the service’s own docs call them', () => {
    // Theirs requires a key everywhere (one top-level `security`); the service's documentation
    // lists models and endpoints without one, and so does the mock.
    const security = (path: string, method: string) =>
      (
        (ours.paths[path] as Record<string, { security?: unknown }>)[method] as {
          security?: unknown;
        }
      ).security;
    expect(openApiDocument.security).toEqual([{ bearer: [] }]);
    expect(security('/images', 'post')).toBeUndefined();
    expect(security('/images/models', 'get')).toEqual([]);
    expect(security('/images/models/{author}/{slug}/endpoints', 'get')).toEqual([]);
    expect(reference.security?.length).toBeGreaterThan(0);
  });

  it('uses bearer authentication', () => {
    expect(Object.values(reference.components.securitySchemes)).toContainEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(openApiDocument.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});

describe('agreement with the published SDK’s enums', () => {
  const request = ourSchemas.ImageGenerationRequest?.properties as Record<string, Schema>;
  const enumOf = (schema: Schema | undefined) => resolve(schema ?? {}, ourSchemas).enum as string[];
  it.each([
    ['aspect_ratio', sdk.ImageGenerationRequestAspectRatio],
    ['background', sdk.ImageGenerationRequestBackground],
    ['output_format', sdk.ImageGenerationRequestOutputFormat],
    ['quality', sdk.ImageGenerationRequestQuality],
    ['resolution', sdk.ImageGenerationRequestResolution],
  ])('request %s accepts every value the SDK sends', (field, values) => {
    expect(enumOf(request[field])).toEqual(expect.arrayContaining(Object.values(values)));
  });

  it('pricing, modalities and text phases know every SDK value', () => {
    const pricing = ourSchemas.ImagePricingEntry?.properties as Record<string, Schema>;
    expect(enumOf(pricing.billable)).toEqual(expect.arrayContaining(Object.values(sdk.Billable)));
    expect(enumOf(pricing.unit)).toEqual(expect.arrayContaining(Object.values(sdk.Unit)));
    const phase = (ourSchemas.ImageTextChunkEvent?.properties as Record<string, Schema> | undefined)?.phase;
    expect(enumOf(phase)).toEqual(expect.arrayContaining(Object.values(sdk.ImageGenTextChunkEventPhase)));
    const arch = ourSchemas.ImageModelArchitecture?.properties as Record<string, { items: Schema }>;
    expect(enumOf(arch.input_modalities?.items)).toEqual(
      expect.arrayContaining(Object.values(sdk.ImageInputModality)),
    );
    expect(enumOf(arch.output_modalities?.items)).toEqual(
      expect.arrayContaining(Object.values(sdk.ImageOutputModality)),
    );
  });
});

describe.skipIf(!existsSync(pagePath))('agreement with the endpoint’s reference page', () => {
  const page = existsSync(pagePath) ? readFileSync(pagePath, 'utf8') : '';
  const request = ourSchemas.ImageGenerationRequest?.properties as Record<string, Schema>;

  it('accepts every "Available options" value the page lists, for each enum field', () => {
    const blocks = [
      ...page.matchAll(/\n(\w+)\nenum<string>[\s\S]*?Available options:\n([\s\S]*?)\nExample:/g),
    ];
    expect(blocks.map((b) => b[1]).sort()).toEqual([
      'aspect_ratio',
      'background',
      'output_format',
      'quality',
      'resolution',
    ]);
    for (const [, field, options] of blocks) {
      const values = (options ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      expect(resolve(request[field ?? ''] ?? {}, ourSchemas).enum, field).toEqual(
        expect.arrayContaining(values),
      );
    }
  });

  // Where our request schema is stricter than the published document, the page states the rule.
  it.each([
    ['n', 'Number of images to generate (1-10)', { minimum: 1, maximum: 10 }],
    ['output_compression', 'Compression level (0-100)', { minimum: 0, maximum: 100 }],
    ['size', 'pass a tier ("2K", "4K") or explicit pixels ("2048x2048")', { pattern: expect.any(String) }],
  ])('keeps the %s rule the page states: %s', (field, sentence, rule) => {
    expect(page).toContain(sentence);
    expect(request[field]).toMatchObject(rule);
  });

  it('takes the sizes the page names, tiers and explicit pixels, by its size pattern', () => {
    const pattern = new RegExp(String(request.size?.pattern), 'u');
    for (const size of ['2K', '4K', '2048x2048']) expect(pattern.test(size), size).toBe(true);
    for (const size of ['2k', 'huge', '2048 x 2048']) expect(pattern.test(size), size).toBe(false);
  });

  it('keeps the reference URL rule the page states, as a pattern', () => {
    expect(page).toContain('as base64 data URLs or HTTP(S) URLs');
    const url = openApiDocument.components.schemas.ContentPartImage.properties.image_url.properties.url;
    const pattern = new RegExp(url.pattern, 'u');
    expect(['data:image/png;base64,AAAA', 'https://example.com/a.png'].every((u) => pattern.test(u))).toBe(
      true,
    );
    expect(['data:text/plain;base64,AAAA', 'ftp://example.com/a.png'].some((u) => pattern.test(u))).toBe(
      false,
    );
  });

  it('has every body field the page documents', () => {
    const body = page.slice(page.indexOf('\nBody\n'), page.indexOf('\nResponse\n'));
    const fields = [
      ...body.matchAll(/\n([a-z_]+)\n(?:string|integer|boolean|object|object\[\]|enum<string>)\n/g),
    ].map((m) => m[1]);
    expect(fields.length).toBeGreaterThanOrEqual(14);
    for (const field of fields) expect(request, String(field)).toHaveProperty(String(field));
  });
});
