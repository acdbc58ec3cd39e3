import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type DocumentChange, diffDocuments } from '../../src/drift/diff.ts';
import { parseOpenApi } from '../../src/drift/load.ts';
import { runCli } from '../cli/spawn-cli.ts';

type Doc = Record<string, unknown>;

/** A small document: POST /images with a request schema and a 200 response schema. */
function doc(
  request: Doc,
  response: Doc,
  extra: { responses?: Doc; schemas?: Doc; openapi?: string } = {},
): Doc {
  return {
    openapi: extra.openapi ?? '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/images': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: response } } },
            ...extra.responses,
          },
        },
      },
    },
    components: { schemas: extra.schemas ?? {} },
  };
}

const obj = (properties: Doc, required: string[] = []) => ({ type: 'object', properties, required });
const str = { type: 'string' };
const changes = (a: Doc, b: Doc) =>
  diffDocuments(a as never, b as never).map((c: DocumentChange) => `${c.severity} ${c.side} ${c.kind}`);

describe('diff: what breaks a client', () => {
  it.each<[string, { before: Doc; after: Doc; want: string[] }]>([
    [
      'no change',
      {
        before: doc(obj({ a: str }), obj({ b: str })),
        after: doc(obj({ a: str }), obj({ b: str })),
        want: [],
      },
    ],
    [
      'request field removed',
      {
        before: doc(obj({ a: str, b: str }), obj({})),
        after: doc(obj({ a: str }), obj({})),
        want: ['breaking request property-removed'],
      },
    ],
    [
      'optional request field added',
      {
        before: doc(obj({ a: str }), obj({})),
        after: doc(obj({ a: str, b: str }), obj({})),
        want: ['non-breaking request property-added'],
      },
    ],
    [
      'required request field added',
      {
        before: doc(obj({ a: str }), obj({})),
        after: doc(obj({ a: str, b: str }, ['b']), obj({})),
        want: ['breaking request property-added'],
      },
    ],
    [
      'request field made required',
      {
        before: doc(obj({ a: str }), obj({})),
        after: doc(obj({ a: str }, ['a']), obj({})),
        want: ['breaking request required-added'],
      },
    ],
    [
      'request field made optional',
      {
        before: doc(obj({ a: str }, ['a']), obj({})),
        after: doc(obj({ a: str }), obj({})),
        want: ['non-breaking request required-removed'],
      },
    ],
    [
      'response required field removed',
      {
        before: doc(obj({}), obj({ a: str }, ['a'])),
        after: doc(obj({}), obj({})),
        want: ['breaking response property-removed'],
      },
    ],
    [
      'response optional field removed',
      {
        before: doc(obj({}), obj({ a: str })),
        after: doc(obj({}), obj({})),
        want: ['non-breaking response property-removed'],
      },
    ],
    [
      'response field added',
      {
        before: doc(obj({}), obj({})),
        after: doc(obj({}), obj({ a: str }, ['a'])),
        want: ['non-breaking response property-added'],
      },
    ],
    [
      'response field made optional',
      {
        before: doc(obj({}), obj({ a: str }, ['a'])),
        after: doc(obj({}), obj({ a: str })),
        want: ['breaking response required-removed'],
      },
    ],
    [
      'request enum value removed',
      {
        before: doc(obj({ q: { type: 'string', enum: ['a', 'b'] } }), obj({})),
        after: doc(obj({ q: { type: 'string', enum: ['a'] } }), obj({})),
        want: ['breaking request enum-value-removed'],
      },
    ],
    [
      'request enum value added',
      {
        before: doc(obj({ q: { type: 'string', enum: ['a'] } }), obj({})),
        after: doc(obj({ q: { type: 'string', enum: ['a', 'b'] } }), obj({})),
        want: ['non-breaking request enum-value-added'],
      },
    ],
    [
      'response enum value added',
      {
        before: doc(obj({}), obj({ q: { type: 'string', enum: ['a'] } })),
        after: doc(obj({}), obj({ q: { type: 'string', enum: ['a', 'b'] } })),
        want: ['breaking response enum-value-added'],
      },
    ],
    [
      'response enum value removed',
      {
        before: doc(obj({}), obj({ q: { type: 'string', enum: ['a', 'b'] } })),
        after: doc(obj({}), obj({ q: { type: 'string', enum: ['a'] } })),
        want: ['non-breaking response enum-value-removed'],
      },
    ],
    [
      'request type changed',
      {
        before: doc(obj({ n: { type: 'integer' } }), obj({})),
        after: doc(obj({ n: { type: 'string' } }), obj({})),
        want: ['breaking request type-removed', 'non-breaking request type-added'],
      },
    ],
    [
      'request integer widened to number',
      {
        before: doc(obj({ n: { type: 'integer' } }), obj({})),
        after: doc(obj({ n: { type: 'number' } }), obj({})),
        want: ['non-breaking request type-added'],
      },
    ],
    [
      'response integer widened to number',
      {
        before: doc(obj({}), obj({ n: { type: 'integer' } })),
        after: doc(obj({}), obj({ n: { type: 'number' } })),
        want: ['breaking response type-added'],
      },
    ],
    [
      'response becomes nullable (3.1)',
      {
        before: doc(obj({}), obj({ c: { type: 'number' } })),
        after: doc(obj({}), obj({ c: { type: ['number', 'null'] } })),
        want: ['breaking response type-added'],
      },
    ],
    [
      'request maximum lowered',
      {
        before: doc(obj({ n: { type: 'integer', maximum: 10 } }), obj({})),
        after: doc(obj({ n: { type: 'integer', maximum: 4 } }), obj({})),
        want: ['breaking request range-narrowed'],
      },
    ],
    [
      'request maximum raised',
      {
        before: doc(obj({ n: { type: 'integer', maximum: 4 } }), obj({})),
        after: doc(obj({ n: { type: 'integer', maximum: 10 } }), obj({})),
        want: ['non-breaking request range-widened'],
      },
    ],
    [
      'request pattern added',
      {
        before: doc(obj({ s: str }), obj({})),
        after: doc(obj({ s: { type: 'string', pattern: '^x' } }), obj({})),
        want: ['breaking request pattern-added'],
      },
    ],
    [
      'array items compared',
      {
        before: doc(obj({ l: { type: 'array', items: obj({ u: str }, ['u']) } }), obj({})),
        after: doc(obj({ l: { type: 'array', items: obj({}) } }), obj({})),
        want: ['breaking request property-removed'],
      },
    ],
    [
      'error status added',
      {
        before: doc(obj({}), obj({})),
        after: doc(obj({}), obj({}), { responses: { '429': { description: 'slow down' } } }),
        want: ['non-breaking response status-added'],
      },
    ],
    [
      'error status removed',
      {
        before: doc(obj({}), obj({}), { responses: { '429': { description: 'slow down' } } }),
        after: doc(obj({}), obj({})),
        want: ['non-breaking response status-removed'],
      },
    ],
    [
      'success status added',
      {
        before: doc(obj({}), obj({})),
        after: doc(obj({}), obj({}), { responses: { '202': { description: 'later' } } }),
        want: ['breaking response status-added'],
      },
    ],
  ])('%s', (_, { before, after, want }) => {
    expect(changes(before, after)).toEqual(want);
  });

  it('3.0 nullable and 3.1 type: [x, null] are the same thing', () => {
    const v30 = doc(obj({}), obj({ c: { type: 'number', nullable: true } }), { openapi: '3.0.3' });
    const v31 = doc(obj({}), obj({ c: { type: ['number', 'null'] } }));
    const anyOf = doc(obj({}), obj({ c: { anyOf: [{ type: 'number' }, { type: 'null' }] } }));
    expect(changes(v30, v31)).toEqual([]);
    expect(changes(v31, anyOf)).toEqual([]);
  });

  it('follows $refs, and compares a renamed component by its content', () => {
    const viaRef = doc({ $ref: '#/components/schemas/Req' }, obj({}), {
      schemas: {
        Req: obj({ ratio: { $ref: '#/components/schemas/Ratio' } }),
        Ratio: { type: 'string', enum: ['1:1', '16:9'] },
      },
    });
    const inline = doc(obj({ ratio: { type: 'string', enum: ['1:1'] } }), obj({}));
    const result = diffDocuments(viaRef as never, inline as never);
    expect(result).toEqual([
      expect.objectContaining({
        severity: 'breaking',
        kind: 'enum-value-removed',
        location: 'POST /images request body application/json: ratio',
        before: '16:9',
      }),
    ]);
  });

  it('survives recursive schemas', () => {
    const schemas = { Node: obj({ child: { $ref: '#/components/schemas/Node' }, name: str }) };
    const a = doc({ $ref: '#/components/schemas/Node' }, obj({}), { schemas });
    const b = doc({ $ref: '#/components/schemas/Node' }, obj({}), {
      schemas: { Node: obj({ child: { $ref: '#/components/schemas/Node' } }) },
    });
    expect(changes(a, b)).toEqual(['breaking request property-removed']);
  });

  it('paths and operations: removed is breaking, added is not; renamed path parameters are the same path', () => {
    const a = {
      openapi: '3.1.0',
      paths: {
        '/a/{id}': { get: { responses: {} } },
        '/b': { get: { responses: {} }, post: { responses: {} } },
      },
    };
    const b = {
      openapi: '3.1.0',
      paths: {
        '/a/{key}': { get: { responses: {} } },
        '/b': { get: { responses: {} } },
        '/c': { get: { responses: {} } },
      },
    };
    expect(changes(a, b)).toEqual([
      'breaking operation operation-removed',
      'non-breaking operation path-added',
    ]);
  });

  it('our document against itself: no change', async () => {
    const { readFileSync } = await import('node:fs');
    const ours = parseOpenApi(
      readFileSync(new URL('../../openapi/openrouter-images.yaml', import.meta.url), 'utf8'),
    );
    expect(diffDocuments(ours, structuredClone(ours))).toEqual([]);
  });

  it('refuses what is not an OpenAPI 3 document, in one line', () => {
    expect(() => parseOpenApi('swagger: "2.0"\n', 'old.yaml')).toThrow(
      'old.yaml is Swagger 2.0; only OpenAPI 3.x is compared',
    );
    expect(() => parseOpenApi('{"openapi": ', 'x.json')).toThrow(/^x\.json is neither JSON nor YAML/);
    expect(() => parseOpenApi('- a\n- b\n', 'l.yaml')).toThrow(
      'l.yaml is not an OpenAPI document: expected an object at the top',
    );
  });
});

describe('openrouter-images-mock diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'diff-'));
  const before = join(dir, 'old.yaml');
  const after = join(dir, 'new.json');
  const same = join(dir, 'same.json');
  writeFileSync(
    before,
    stringify(doc(obj({ q: { type: 'string', enum: ['a', 'b'] } }), obj({ c: { type: 'integer' } }))),
  );
  writeFileSync(
    after,
    JSON.stringify(doc(obj({ q: { type: 'string', enum: ['a'] } }), obj({ c: { type: 'integer' }, d: str }))),
  );
  writeFileSync(
    same,
    JSON.stringify(doc(obj({ q: { type: 'string', enum: ['a', 'b'] } }), obj({ c: { type: 'integer' } }))),
  );
  const ours = fileURLToPath(new URL('../../openapi/openrouter-images.yaml', import.meta.url));

  it('exits 1 on breaking changes and lists both kinds (YAML against JSON)', async () => {
    const result = await runCli(['diff', before, after]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Breaking changes (1):');
    expect(result.stdout).toContain(
      "[request] POST /images request body application/json: q: enum value 'b' removed",
    );
    expect(result.stdout).toContain('Non-breaking changes (1):');
  });

  it('exits 0 without breaking changes; junit and json reporters', async () => {
    expect((await runCli(['diff', before, same])).code).toBe(0);
    expect((await runCli(['diff', ours, ours])).stdout).toContain('no changes');
    const junit = await runCli(['diff', before, after, '--reporter', 'junit']);
    expect(junit.stdout).toMatch(/<testsuites name="openrouter-images-mock diff" tests="2" failures="1">/);
    const json = JSON.parse((await runCli(['diff', before, after, '--reporter', 'json'])).stdout) as {
      summary: unknown;
    };
    expect(json.summary).toEqual({ breaking: 1, nonBreaking: 1 });
  });

  it('unusable input exits 2 with one line', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'openapi: [unclosed\n');
    for (const args of [
      ['diff', before, bad],
      ['diff', before, join(dir, 'missing.yaml')],
      ['diff', before],
    ]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
