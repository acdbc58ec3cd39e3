import type { ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { said } from '../message.ts';
import { openApiDocument } from './document.gen.ts';
import type { SchemaName } from './types.ts';
import { toViolations, type Violation } from './violations.ts';

// ajv ships CommonJS that also sets `exports.default`, so `.default` is the class under Node's
// ESM loader and under bundlers alike.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const SCHEMA_ID = 'urn:openrouter-images-mock:contract';
const COMPONENT_REF = '#/components/schemas/';

/**
 * A document's component schemas as one JSON Schema 2020-12 resource: refs point into `$defs`,
 * and `discriminator.mapping` (which ajv does not read; the `type` enums already decide) is dropped.
 */
function schemaResource(id: string, schemas: unknown): Record<string, unknown> {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)) {
        out.$ref = `#/$defs/${value.slice(COMPONENT_REF.length)}`;
      } else if (key === 'discriminator' && value && typeof value === 'object') {
        out.discriminator = { propertyName: (value as { propertyName: string }).propertyName };
      } else {
        out[key] = rewrite(value);
      }
    }
    return out;
  };
  return { $id: id, $defs: rewrite(schemas) };
}

function createAjv(resource: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // OpenAPI's annotation keyword and numeric formats: legal in the document, no effect on validity.
  ajv.addKeyword({
    keyword: 'example',
    schemaType: ['string', 'number', 'boolean', 'object', 'array', 'null'],
  });
  // Words for a pattern, which violations use instead of the pattern (src/contract/violations.ts).
  ajv.addKeyword({ keyword: 'x-pattern-message', schemaType: 'string' });
  for (const format of ['double', 'float', 'int32', 'int64'])
    ajv.addFormat(format, { type: 'number', validate: () => true });
  ajv.addSchema(resource);
  return ajv;
}

/**
 * The compiled validator of each component schema of a document (`id` a URN naming it), compiled
 * on first use and then reused: the contract's validators here, the control document's elsewhere.
 */
export function schemaValidators<Name extends string>(
  id: string,
  schemas: unknown,
): (name: Name) => ValidateFunction {
  let shared: ReturnType<typeof createAjv> | undefined;
  const compiled = new Map<Name, ValidateFunction>();
  return (name) => {
    let validate = compiled.get(name);
    if (!validate) {
      shared ??= createAjv(schemaResource(id, schemas));
      validate = shared.getSchema(`${id}#/$defs/${name}`);
      if (!validate) throw new Error(said(`${id} has no schema named "${name}"`));
      compiled.set(name, validate);
    }
    return validate;
  };
}

/** The compiled validator of one component schema of the contract. */
const validatorFor = schemaValidators<SchemaName>(SCHEMA_ID, openApiDocument.components.schemas);

/** Checks a value against one schema of the contract; an empty list means it conforms. */
export function validateSchema(name: SchemaName, value: unknown): Violation[] {
  const validate = validatorFor(name);
  return validate(value) ? [] : toViolations(validate.errors, value);
}

/** Checks a `POST /images` request body against the schema (not yet the per-model rules). */
export const validateRequestBody = (body: unknown) => validateSchema('ImageGenerationRequest', body);
/** Checks one SSE event payload (the JSON inside a `data:` line). */
export const validateStreamEvent = (event: unknown) => validateSchema('ImageStreamEvent', event);
/** Checks an error body `{ error: { code, message, metadata? } }`. */
export const validateErrorBody = (body: unknown) => validateSchema('ErrorResponse', body);
