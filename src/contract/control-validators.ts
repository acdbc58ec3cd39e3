import type { ControlSchemaName } from './control-types.ts';
import { validators } from './control-validators.gen.ts';
import { schemaValidators } from './validators.ts';
import { type SchemaError, toViolations, type Violation, valueAt } from './violations.ts';

const validatorFor = schemaValidators<ControlSchemaName>('urn:openrouter-images-mock:control', validators);

/** Keywords that can only fail for a value of one JSON type. */
const KEYWORD_TYPE: Readonly<Record<string, string>> = {
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  format: 'string',
  minimum: 'number',
  maximum: 'number',
  exclusiveMinimum: 'number',
  exclusiveMaximum: 'number',
  multipleOf: 'number',
  required: 'object',
  additionalProperties: 'object',
  minProperties: 'object',
  maxProperties: 'object',
  minItems: 'array',
  maxItems: 'array',
};

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * ajv reports every branch of a failed `oneOf`, so `"scenario": "nope"` would also read "scenario
 * must be object". The control document's alternatives differ by JSON type (a name or fields, a
 * number or a range), so keep the errors of the branch of the value's own type; when no branch
 * takes that type, one error lists the types that would do.
 */
function branchOfValue(errors: SchemaError[], root: unknown): SchemaError[] {
  let out = errors;
  for (const alternative of errors.filter((e) => e.keyword === 'oneOf')) {
    const at = alternative.instancePath;
    const value = valueAt(root, at);
    const kind = jsonType(value);
    const under = (e: SchemaError) =>
      e !== alternative && (e.instancePath === at || e.instancePath.startsWith(`${at}/`));
    const fits = (e: SchemaError) => {
      if (e.instancePath !== at) return true;
      if (e.keyword === 'type') return false;
      if (e.keyword === 'enum')
        return (e.params.allowedValues as unknown[]).some((v) => jsonType(v) === kind);
      const only = KEYWORD_TYPE[e.keyword];
      return only === undefined || only === kind;
    };
    const types = out.filter((e) => under(e) && e.instancePath === at && e.keyword === 'type');
    const kept = out.filter((e) => e !== alternative && (!under(e) || fits(e)));
    if (kept.some(under)) out = kept;
    else {
      const wanted = [...new Set(types.flatMap((e) => [e.params.type as string | string[]].flat()))];
      out = [...kept, { ...alternative, keyword: 'type', params: { type: wanted } }];
    }
  }
  return out;
}

/**
 * Checks a value against one schema of the control document; an empty list means it conforms.
 * Messages name the field, and the value when it is not one of a list (`scenario must be one of:
 * …, got 'nope'`).
 */
export function validateControlSchema(name: ControlSchemaName, value: unknown): Violation[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return toViolations(branchOfValue(validate.errors ?? [], value), value).map((violation) =>
    violation.rule === 'enum' && violation.actual !== undefined
      ? { ...violation, message: `${violation.message}, got ${JSON.stringify(violation.actual)}` }
      : violation,
  );
}
