// Arbitraries built from the OpenAPI document itself (src/contract/document.gen.ts): values a
// schema accepts, values that break exactly one of its rules, and the operations of its paths.
// Nothing here knows the images API: change the document and the generated requests follow.
import fc from 'fast-check';
import { openApiDocument } from '../../src/contract/document.gen.ts';

export type Schema = Record<string, unknown>;

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, Schema>;
}

export const documentData = openApiDocument as unknown as {
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Schema> };
};

/** Follows `$ref`s into the document's components. */
export function resolveRef(schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${current.$ref}`);
    const [, , kind, name] = current.$ref.split('/');
    const target = (documentData.components as Record<string, Record<string, Schema>>)[kind ?? '']?.[
      name ?? ''
    ];
    if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

/**
 * A place in a value, in the notation overrides use: property names joined with `.`, `[]` for
 * every item of an array, e.g. `input_references[].image_url.url`; the root is `''`.
 */
export type ValuePath = string;

const child = (path: ValuePath, name: string): ValuePath => (path ? `${path}.${name}` : name);
const itemOf = (path: ValuePath): ValuePath => `${path}[]`;

/** `input_references[].image_url.url` → a RegExp for the JSON pointers of that place. */
export function pointerPattern(path: ValuePath): RegExp {
  if (path === '') return /^$/;
  const parts = path
    .replaceAll('[]', '.[]')
    .split('.')
    .map((part) =>
      part === '[]' ? '\\d+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('/', '~1'),
    );
  return new RegExp(`^/${parts.join('/')}$`);
}

/** How values are generated: what replaces the document's own rule at some places, and bounds. */
export interface Generation {
  /** An arbitrary per place, used instead of the one the schema gives. */
  overrides?: Readonly<Record<ValuePath, fc.Arbitrary<unknown>>>;
  /** Places that must be present (optional properties, and non-empty arrays, on the way). */
  present?: readonly ValuePath[];
  /** Properties left out, required or not. */
  omit?: readonly ValuePath[];
  /** Unknown properties in objects that allow them (what a lenient server must ignore). @default true */
  extraKeys?: boolean;
  /** Longest array where the schema sets no `maxItems`, or a larger one. @default 4 */
  maxItems?: number;
  /** Longest string where the schema sets no `maxLength`. @default 40 */
  maxLength?: number;
  /**
   * How much likelier an optional property is left out than present: with many optional fields,
   * fewer at once make the combinations a server refuses (per-model rules) rarer. @default 1
   */
  absentWeight?: number;
}

const ABSENT = Symbol('absent');

const types = (schema: Schema): string[] => [schema.type ?? []].flat() as string[];

const isPrefixOf = (prefix: ValuePath, path: ValuePath) =>
  path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`);

/** Values the schema accepts (by construction; callers may double-check with the validators). */
export function valueFor(
  schema: Schema,
  generation: Generation = {},
  path: ValuePath = '',
): fc.Arbitrary<unknown> {
  const override = generation.overrides?.[path];
  if (override) return override;
  const resolved = resolveRef(schema);
  if (Array.isArray(resolved.enum)) return fc.constantFrom(...(resolved.enum as unknown[]));
  if ('const' in resolved) return fc.constant(resolved.const);
  const branches = (resolved.anyOf ?? resolved.oneOf) as Schema[] | undefined;
  if (branches) return fc.oneof(...branches.map((branch) => valueFor(branch, generation, path)));
  const allowed = types(resolved);
  if (allowed.length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (allowed.length > 1) {
    const forced = generation.present?.some((p) => isPrefixOf(path, p) && p !== path);
    const choices = forced ? allowed.filter((t) => t !== 'null') : allowed;
    return fc.oneof(...choices.map((type) => valueFor({ ...resolved, type }, generation, path)));
  }
  switch (allowed[0]) {
    case 'string':
      return stringFor(resolved, generation);
    case 'integer':
      return integerFor(resolved);
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        ...(typeof resolved.minimum === 'number' ? { min: resolved.minimum } : {}),
        ...(typeof resolved.maximum === 'number' ? { max: resolved.maximum } : {}),
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayFor(resolved, generation, path);
    case 'object':
      return objectFor(resolved, generation, path);
    default:
      throw new Error(`${path || 'root'}: no arbitrary for type ${String(allowed[0])}`);
  }
}

function stringFor(schema: Schema, generation: Generation): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : (generation.maxLength ?? 40);
  if (typeof schema.pattern === 'string') {
    // JSON Schema patterns are ECMA-262 regular expressions and take no flags.
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= minLength && s.length <= Math.max(maxLength, minLength));
  }
  const bounds = { minLength, maxLength: Math.max(maxLength, minLength) };
  // Printable ASCII mostly; whole graphemes and any code point (lone surrogates too) now and then.
  return fc.oneof(
    { weight: 3, arbitrary: fc.string(bounds) },
    { weight: 1, arbitrary: fc.string({ ...bounds, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ ...bounds, unit: 'binary' }) },
  );
}

function integerFor(schema: Schema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (min !== undefined || max !== undefined) {
    return fc.integer({ min: min ?? Number.MIN_SAFE_INTEGER, max: max ?? Number.MAX_SAFE_INTEGER });
  }
  // Unbounded: small ones, then the edges of int32 and of safe integers, and huge JSON integers.
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.maxSafeInteger() },
    { weight: 1, arbitrary: fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 32, 1e21, -1e300) },
  );
}

function arrayFor(schema: Schema, generation: Generation, path: ValuePath): fc.Arbitrary<unknown[]> {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const cap = generation.maxItems ?? 4;
  const maxItems =
    typeof schema.maxItems === 'number' ? Math.min(schema.maxItems, Math.max(cap, minItems)) : cap;
  const forced = generation.present?.some((p) => isPrefixOf(itemOf(path), p));
  return fc.array(valueFor((schema.items as Schema) ?? {}, generation, itemOf(path)), {
    minLength: Math.max(minItems, forced ? 1 : 0),
    maxLength: Math.max(maxItems, forced ? 1 : 0),
  });
}

function objectFor(
  schema: Schema,
  generation: Generation,
  path: ValuePath,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties as Record<string, Schema>) ?? {};
  const required = new Set((schema.required as string[]) ?? []);
  const omitted = new Set(generation.omit ?? []);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  const absentWeight = generation.absentWeight ?? 1;
  for (const [name, property] of Object.entries(properties)) {
    const at = child(path, name);
    if (omitted.has(at)) continue;
    const value = valueFor(property, generation, at);
    const needed = required.has(name) || generation.present?.some((p) => isPrefixOf(at, p));
    shape[name] = needed
      ? value
      : fc.oneof({ weight: absentWeight, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: value });
  }
  const known = fc
    .record(shape)
    .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT)));
  const additional = schema.additionalProperties;
  const extraKeys = generation.extraKeys ?? true;
  if (additional === false || (!extraKeys && typeof additional !== 'object')) return known;
  const values =
    typeof additional === 'object' && additional !== null
      ? valueFor(additional as Schema, generation, child(path, '*'))
      : fc.jsonValue({ maxDepth: 2 });
  const keys = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !(key in properties) && key !== '__proto__');
  const extra = fc.dictionary(keys, values, { maxKeys: typeof additional === 'object' ? 3 : 2 });
  return fc.tuple(known, extra).map(([record, more]) => ({ ...more, ...record }));
}

/** One way to break one rule of the schema at one place. */
export interface Mutation {
  path: ValuePath;
  /** The broken keyword, as ajv names it (`type`, `enum`, `maximum`, `required`, `pattern`, …). */
  rule: string;
  /** What the value at `path` becomes, or undefined to leave the property out. */
  broken?: fc.Arbitrary<unknown>;
}

const SAMPLES: readonly unknown[] = [null, true, 0, 7, 1.5, 'x', [], {}];

function fitsType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

/** Every single-rule break the schema allows, walked from `path` down. */
export function mutationsOf(schema: Schema, path: ValuePath = '', required = true): Mutation[] {
  const resolved = resolveRef(schema);
  const out: Mutation[] = [];
  // An optional property breaks only by its value; a required one also by its absence.
  if (required && path !== '') out.push({ path, rule: 'required' });
  const branches = (resolved.anyOf ?? resolved.oneOf) as Schema[] | undefined;
  const allowed = branches ? branches.flatMap((b) => types(resolveRef(b))) : types(resolved);
  if (allowed.length > 0) {
    const wrong = SAMPLES.filter((v) => !allowed.some((t) => fitsType(v, t)));
    if (wrong.length > 0) out.push({ path, rule: 'type', broken: fc.constantFrom(...wrong) });
  }
  if (branches) return out; // inside alternatives, a break for one branch may suit another
  if (Array.isArray(resolved.enum) && allowed.includes('string')) {
    const values = new Set(resolved.enum);
    out.push({ path, rule: 'enum', broken: fc.string({ maxLength: 8 }).filter((s) => !values.has(s)) });
  }
  if (typeof resolved.pattern === 'string') {
    const pattern = new RegExp(resolved.pattern);
    out.push({ path, rule: 'pattern', broken: fc.string({ maxLength: 20 }).filter((s) => !pattern.test(s)) });
  }
  if (typeof resolved.minLength === 'number' && resolved.minLength > 0)
    out.push({ path, rule: 'minLength', broken: fc.string({ maxLength: resolved.minLength - 1 }) });
  if (typeof resolved.minimum === 'number' && allowed.includes('integer'))
    out.push({ path, rule: 'minimum', broken: fc.integer({ min: -1000, max: resolved.minimum - 1 }) });
  if (typeof resolved.maximum === 'number' && allowed.includes('integer'))
    out.push({
      path,
      rule: 'maximum',
      broken: fc.integer({ min: resolved.maximum + 1, max: resolved.maximum + 1000 }),
    });
  if (typeof resolved.maxItems === 'number') {
    const items = valueFor((resolved.items as Schema) ?? {}, { extraKeys: false }, itemOf(path));
    const min = resolved.maxItems + 1;
    out.push({ path, rule: 'maxItems', broken: fc.array(items, { minLength: min, maxLength: min + 2 }) });
  }
  if (allowed.includes('array') && resolved.items)
    out.push(
      ...mutationsOf(resolved.items as Schema, itemOf(path), false).filter((m) => m.rule !== 'required'),
    );
  if (allowed.includes('object')) {
    const needed = new Set((resolved.required as string[]) ?? []);
    for (const [name, property] of Object.entries((resolved.properties as Record<string, Schema>) ?? {}))
      out.push(...mutationsOf(property, child(path, name), needed.has(name)));
    if (resolved.additionalProperties === false)
      out.push({ path: child(path, 'unknown_field'), rule: 'additionalProperties', broken: fc.jsonValue() });
  }
  return out;
}

/** A value that breaks exactly the rule of `mutation` and nothing else, over `base`'s generation. */
export function brokenValue(
  schema: Schema,
  mutation: Mutation,
  base: Generation = {},
): fc.Arbitrary<unknown> {
  // The base's own choices for the place or above it would hide the break.
  const overrides = Object.fromEntries(
    Object.entries(base.overrides ?? {}).filter(([path]) => !isPrefixOf(path, mutation.path)),
  );
  if (mutation.rule === 'required') {
    const cut = mutation.path.lastIndexOf('.');
    const parent = cut < 0 ? '' : mutation.path.slice(0, cut);
    return valueFor(schema, {
      ...base,
      overrides,
      present: parent ? [...(base.present ?? []), parent] : (base.present ?? []),
      omit: [...(base.omit ?? []), mutation.path],
    });
  }
  return valueFor(schema, {
    ...base,
    present: [...(base.present ?? []), mutation.path],
    overrides: { ...overrides, [mutation.path]: mutation.broken as fc.Arbitrary<unknown> },
  });
}

/** One operation of the document: its method, path template and what it declares. */
export interface DocumentOperation {
  method: string;
  path: string;
  operation: Operation;
  /** Whether the operation needs the bearer key (its own `security`, else the document's). */
  keyed: boolean;
}

export function operationsOf(): DocumentOperation[] {
  return Object.entries(documentData.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
      keyed: ((operation.security ?? documentData.security ?? []) as unknown[]).length > 0,
      // A counterexample names the operation rather than printing its whole description.
      [fc.toStringMethod]: () => `${method.toUpperCase()} ${path}`,
    })),
  );
}

/** The methods the document gives a path template, as an `Allow` header lists them (HEAD with GET). */
export function allowedMethods(path: string): string[] {
  const methods = Object.keys(documentData.paths[path] ?? {}).map((m) => m.toUpperCase());
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return methods;
}

/** A RegExp for the concrete paths of a template: `{name}` is one non-empty segment. */
export function templatePattern(path: string): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map(literal)
      .join('[^/]+')}/?$`,
  );
}

/**
 * A concrete path for the template: each `{parameter}` from `values[name]` when given (e.g. the
 * ids a server lists), else from the parameter's schema; percent-encoded as one segment.
 */
export function pathFor(
  op: DocumentOperation,
  values: Readonly<Record<string, fc.Arbitrary<string>>> = {},
): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return fc.constant(op.path);
  const parameters = op.operation.parameters ?? [];
  const parts = names.map((name) => {
    const schema = parameters.find((p) => p.name === name && p.in === 'path')?.schema ?? { type: 'string' };
    const value = values[name] ?? (valueFor({ ...schema, minLength: 1 }) as fc.Arbitrary<string>);
    return value.map((text) => encodeURIComponent(wellFormed(text)));
  });
  return fc.tuple(...parts).map((segments) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => segments[i++] as string);
  });
}

/** Lone surrogates replaced by U+FFFD, as `String.prototype.toWellFormed` (ES2024) does. */
const wellFormed = (text: string) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** The schema the document gives for an answer: by operation, status and media type. */
export function responseSchema(op: DocumentOperation, status: number, mediaType: string): Schema | undefined {
  const response = op.operation.responses[String(status)];
  if (!response) return undefined;
  const content = resolveRef(response).content as Record<string, { schema: Schema }> | undefined;
  return content?.[mediaType]?.schema;
}

/** The component name a `$ref` schema points at (the validators check by name). */
export function componentName(schema: Schema): string | undefined {
  return typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
}
