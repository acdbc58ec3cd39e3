import { said } from '../message.ts';
import type { SchemaName } from './types.ts';
import { validators } from './validators.gen.ts';
import { type SchemaError, toViolations, type Violation } from './violations.ts';

/** A validator as ajv's standalone code writes it: `errors` holds the last call's errors. */
export interface Validate {
  (value: unknown): boolean;
  errors?: SchemaError[] | null;
}

/**
 * The validator of each component schema of a document, generated at build time (scripts/
 * validators.ts): nothing is compiled at run time, so a page whose Content-Security-Policy forbids
 * `eval` can run the handlers. `document` names the table in the error for an unknown name.
 */
export function schemaValidators<Name extends string>(
  document: string,
  table: Readonly<Record<string, unknown>>,
): (name: Name) => Validate {
  return (name) => {
    const validate = Object.hasOwn(table, name) ? table[name] : undefined;
    if (typeof validate !== 'function') throw new Error(said(`${document} has no schema named "${name}"`));
    return validate as Validate;
  };
}

/** The validator of one component schema of the contract. */
const validatorFor = schemaValidators<SchemaName>('urn:openrouter-images-mock:contract', validators);

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
