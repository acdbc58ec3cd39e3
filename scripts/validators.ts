// Build time only: compiles each component schema of a document into standalone validator code
// (ajv's `standalone`), so the package runs no ajv and no `Function()` at run time: the MSW
// handlers also run in browsers, some under a Content-Security-Policy without 'unsafe-eval'.
import Ajv2020Module from 'ajv/dist/2020.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { formats } from '../src/contract/runtime.ts';

const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneModule.default;

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

/**
 * The resource without the words for people (`description`, `example`, `title`): the generated
 * code keeps each schema it compiles as data, and no check or violation reads these.
 */
function withoutAnnotations(node: unknown, parentKey = ''): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutAnnotations(item));
  if (node === null || typeof node !== 'object') return node;
  // Under `properties` and `$defs` keys are names, which may well be `description`.
  const names = parentKey === 'properties' || parentKey === '$defs';
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => names || !ANNOTATIONS.has(key))
      .map(([key, value]) => [key, withoutAnnotations(value, names ? '' : key)]),
  );
}

const ANNOTATIONS = new Set(['description', 'example', 'examples', 'title']);

/** ajv's runtime helpers the generated code may call, and their copies beside it. */
const RUNTIME: Record<string, string> = {
  'ajv/dist/runtime/ucs2length': 'ucs2length',
  'ajv/dist/runtime/equal': 'equal',
};

/**
 * The module text: one validator per component schema, exported as `validators` keyed by name.
 * ajv emits `require(…)` even for ESM; those become imports of our own small runtime modules.
 */
export function standaloneValidators(id: string, schemas: Record<string, unknown>): string {
  const ajv = new Ajv2020({
    allErrors: true,
    discriminator: true,
    strict: true,
    strictTypes: false,
    // One function per schema that calls the others: inlining every ref repeats the shared schemas
    // in each export and triples the code.
    inlineRefs: false,
    code: { source: true, esm: true, formats: _`formats` },
  });
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
  // OpenAPI's annotation keyword and numeric formats: legal in the document, no effect on validity.
  ajv.addKeyword({
    keyword: 'example',
    schemaType: ['string', 'number', 'boolean', 'object', 'array', 'null'],
  });
  // Words for a pattern, which violations use instead of the pattern (src/contract/violations.ts).
  ajv.addKeyword({ keyword: 'x-pattern-message', schemaType: 'string' });
  for (const format of ['double', 'float', 'int32', 'int64']) ajv.addFormat(format, true);
  ajv.addSchema(withoutAnnotations(schemaResource(id, schemas)) as Record<string, unknown>);
  const names = Object.keys(schemas);
  const exports = Object.fromEntries(names.map((name, i) => [`v${i}`, `${id}#/$defs/${name}`]));
  let code = standaloneCode(ajv, exports);
  const imports = new Set<string>(['formats']);
  code = code
    .replace(/^"use strict";/, '')
    // Nothing reads an error's `schemaPath` (violations name the value's place, not the schema's),
    // and the paths are a sixth of the code.
    .replace(/schemaPath:"#[^"]*",/g, '')
    .replace(/require\("([^"]+)"\)(\.default)?/g, (_match, path: string) => {
      const local = RUNTIME[path];
      if (!local) throw new Error(`standalone validators need ${path}, which has no runtime copy`);
      imports.add(local);
      return local;
    });
  const header = `import { ${[...imports].sort().join(', ')} } from './runtime.ts';`;
  const table = names.map((name, i) => `  ${JSON.stringify(name)}: v${i},`).join('\n');
  return `// @ts-nocheck -- generated JavaScript\n${header}\n${code}\nexport const validators = {\n${table}\n};\n`;
}
