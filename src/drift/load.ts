import { parse as parseYaml } from 'yaml';

/** An OpenAPI document as parsed data. */
export type OpenApiDocument = Record<string, unknown> & { paths?: Record<string, unknown> };

/**
 * Parses an OpenAPI document from JSON or YAML text (3.0 or 3.1; `swagger: 2.0` is refused).
 * Throws one line naming the file and the problem.
 */
export function parseOpenApi(text: string, name = 'document'): OpenApiDocument {
  let value: unknown;
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  try {
    value = trimmed.startsWith('{') ? JSON.parse(trimmed) : parseYaml(trimmed, { maxAliasCount: 10_000 });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`${name} is neither JSON nor YAML: ${detail}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${name} is not an OpenAPI document: expected an object at the top`);
  const doc = value as OpenApiDocument;
  if (typeof doc.swagger === 'string')
    throw new Error(`${name} is Swagger ${doc.swagger}; only OpenAPI 3.x is compared`);
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.'))
    throw new Error(`${name} is not an OpenAPI 3.x document: "openapi" is missing or not 3.x`);
  if (doc.paths !== undefined && (doc.paths === null || typeof doc.paths !== 'object'))
    throw new Error(`${name}: "paths" must be an object`);
  return doc;
}
