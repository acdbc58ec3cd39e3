import { fitsWithin } from './bounded.ts';
import { patternMessages } from './document.gen.ts';

/**
 * One error of a generated validator, the shape of ajv's `ErrorObject` (declared here so that the
 * package's types need no ajv, which is only a build tool) less `schemaPath`, which nothing reads
 * and the generator leaves out.
 */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** One way a value breaks the contract; data, never an exception. */
export interface Violation {
  /** JSON pointer into the checked value, e.g. `/n` or `/input_references/0/type`. */
  pointer: string;
  /** The broken rule: a JSON Schema keyword (`maximum`, `enum`, …) or a named cross-field rule. */
  rule: string;
  /** One sentence for people that names the field and the rule: `n must be <= 10`. */
  message: string;
  expected?: unknown;
  actual?: unknown;
}

/** A key as one segment of a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`. */
const segment = (key: unknown) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

/** `/input_references/0/type` → `input_references[0].type`; the root is `body`. */
export function fieldName(pointer: string): string {
  if (pointer === '') return 'body';
  // Stryker disable next-line MethodExpression: without slice(1), the empty segment before the first '/' adds nothing to the name
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** The value a JSON pointer points at in `root`, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

/**
 * The document's words for its patterns (`x-pattern-message` beside a `pattern`): a regular
 * expression spelled out letter by letter tells a person less than one sentence does. Generated
 * beside the document (`patternMessages`), so the document itself stays out of a page's bundle.
 */
const PATTERN_MESSAGES: ReadonlyMap<string, string> = new Map(Object.entries(patternMessages));

const describe = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/**
 * The most violations one check reports: a body of thousands of bad items must not make an answer
 * (and each journal entry that keeps it) thousands of times larger than one rule broken once.
 */
export const MAX_VIOLATIONS = 100;

/** The largest `actual` echoed (characters, see `fitsWithin`); a larger or deeper value is left out. */
const MAX_ACTUAL = 200;

/** Turns ajv's errors into violations with messages that name the field and the rule. */
export function toViolations(errors: readonly SchemaError[] | null | undefined, root: unknown): Violation[] {
  const out: Violation[] = [];
  for (const error of (errors ?? []).slice(0, MAX_VIOLATIONS)) {
    const params = error.params;
    let pointer = error.instancePath;
    let expected: unknown;
    let text: string;
    switch (error.keyword) {
      case 'required':
        pointer = `${pointer}/${segment(params.missingProperty)}`;
        text = 'is required';
        break;
      case 'enum':
        expected = params.allowedValues;
        text = `must be one of: ${(params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
        break;
      case 'type':
        expected = params.type;
        text = `must be ${Array.isArray(params.type) ? params.type.join(' or ') : String(params.type)}`;
        break;
      // ajv's own words name the limit: `must be <= 10`, `must NOT have more than 16 items`.
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'maxItems':
      case 'minItems':
      case 'maxLength':
      case 'minLength':
        expected = params.limit;
        text = error.message ?? error.keyword;
        break;
      case 'pattern':
        expected = params.pattern;
        text = PATTERN_MESSAGES.get(String(params.pattern)) ?? `must match ${String(params.pattern)}`;
        break;
      case 'additionalProperties':
        pointer = `${pointer}/${segment(params.additionalProperty)}`;
        text = 'is not allowed';
        break;
      case 'discriminator':
        text = `has an unknown ${String(params.tag)} ${describe(params.tagValue)}`;
        break;
      default:
        text = error.message ?? `breaks ${error.keyword}`;
    }
    // Nothing for `required`: ajv reports a property missing when it is undefined.
    const actual = valueAt(root, pointer);
    const violation: Violation = { pointer, rule: error.keyword, message: `${fieldName(pointer)} ${text}` };
    if (expected !== undefined) violation.expected = expected;
    // Echoed only when small: a whole body 100,000 levels deep would overflow the stack of
    // whatever serializes the answer, and a huge one would be kept with every journal entry.
    if (
      actual !== undefined &&
      (typeof actual === 'string' ? actual.length <= MAX_ACTUAL : fitsWithin(actual, MAX_ACTUAL))
    )
      violation.actual = actual;
    out.push(violation);
  }
  return out;
}
