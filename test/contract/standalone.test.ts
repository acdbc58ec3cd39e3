// The generated validators (src/contract/*validators.gen.ts) against ajv compiling the same
// documents at run time, as the package did before: the same verdict and the same errors, so
// violations read the same. Values: what each schema accepts, single-rule breaks, any JSON.
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlDocument } from '../../src/contract/control-document.gen.ts';
import { validators as controlValidators } from '../../src/contract/control-validators.gen.ts';
import { openApiDocument } from '../../src/contract/document.gen.ts';
import { formats, ucs2length } from '../../src/contract/runtime.ts';
import { validators } from '../../src/contract/validators.gen.ts';
import type { Validate } from '../../src/contract/validators.ts';
import { toViolations } from '../../src/contract/violations.ts';
import { brokenValue, mutationsOf, type Schema, valueFor } from '../property/from-document.ts';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The run-time compilation the package used to do (annotations kept, ajv-formats' formats). */
function runtimeAjv(id: string, schemas: unknown) {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string')
        out.$ref = value.replace('#/components/schemas/', '#/$defs/');
      else if (key === 'discriminator') out.discriminator = { propertyName: (value as Schema).propertyName };
      else out[key] = rewrite(value);
    }
    return out;
  };
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictTypes: false });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'example',
    schemaType: ['string', 'number', 'boolean', 'object', 'array', 'null'],
  });
  ajv.addKeyword({ keyword: 'x-pattern-message', schemaType: 'string' });
  for (const format of ['double', 'float', 'int32', 'int64'])
    ajv.addFormat(format, { type: 'number', validate: () => true });
  ajv.addSchema({ $id: id, $defs: rewrite(schemas) });
  return (name: string) => ajv.getSchema(`${id}#/$defs/${name}`) as Validate;
}

// `schemaPath` is left out of the generated code: nothing reads it (src/contract/violations.ts).
const outcome = (validate: Validate, value: unknown) => {
  const valid = validate(value);
  const errors = (validate.errors ?? []).map((error) => {
    const { schemaPath: _, ...rest } = error as typeof error & { schemaPath?: string };
    return rest;
  });
  return { valid, errors, violations: toViolations(validate.errors, value) };
};

function sameAsRuntime(
  id: string,
  schemas: Record<string, unknown>,
  generated: Record<string, unknown>,
  values: (schema: Schema) => fc.Arbitrary<unknown>,
) {
  const reference = runtimeAjv(id, schemas);
  expect(Object.keys(generated).sort()).toEqual(Object.keys(schemas).sort());
  for (const name of Object.keys(schemas)) {
    fc.assert(
      fc.property(values({ $ref: `#/components/schemas/${name}` }), (value) => {
        expect(outcome(generated[name] as Validate, value)).toEqual(outcome(reference(name), value));
      }),
      { numRuns: 60 },
    );
  }
}

describe('generated validators', () => {
  it('judge the contract as ajv at run time did, errors and all', () => {
    sameAsRuntime(
      'urn:openrouter-images-mock:contract',
      openApiDocument.components.schemas,
      validators,
      (schema) =>
        fc.oneof(
          valueFor(schema),
          ...mutationsOf(schema).map((mutation) => brokenValue(schema, mutation)),
          fc.jsonValue(),
        ),
    );
  });

  it('judge the control document as ajv at run time did', () => {
    sameAsRuntime(
      'urn:openrouter-images-mock:control',
      controlDocument.components.schemas,
      controlValidators,
      () =>
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(fc.constantFrom('scenario', 'seed', 'at', 'count'), fc.jsonValue()),
        ),
    );
  });

  it('check date-time as ajv-formats does', () => {
    const reference = fullFormats['date-time'] as { validate: (text: string) => boolean };
    const samples = [
      '2026-11-25T14:35:48Z',
      '2026-11-25t14:35:48.123+01:00',
      '2026-11-25 14:35:48-0130',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2026-11-25T23:59:60Z',
      '2026-11-25T22:59:60-01:00',
      '2026-11-25T14:35:48',
      '2026-13-01T00:00:00Z',
      '2026-11-25T24:00:00Z',
      '2026-11-25T14:35:48+24:00',
      '2026-11-25',
      '',
    ];
    for (const text of samples)
      expect([text, formats['date-time'](text)]).toEqual([text, reference.validate(text)]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          fc.stringMatching(/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d{1,3})?([Zz]|[+-]\d\d:?\d\d)?$/),
        ),
        (text) => {
          expect(formats['date-time'](text)).toBe(reference.validate(text));
        },
      ),
    );
  });

  it('count string lengths in code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(ucs2length(text)).toBe([...text].length);
      }),
    );
    expect(ucs2length('a😀\ud800')).toBe(3);
  });
});
