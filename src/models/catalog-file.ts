import type { CatalogModelInput, CatalogOptions } from './catalog.ts';

/**
 * Catalog options from the text of a catalog file: `{ "models": [CatalogModelInput…],
 * "replaceDefaults"?: boolean }`, the format of `src/models/default-catalog.json`. Without
 * `replaceDefaults` the file's models are added to the defaults (one with a default's id replaces
 * it). A model's `mock` block, or any part of it, may be left out: it is inferred when the catalog
 * is built. Other top-level keys (`$comment`, `source`, `pulled`) are notes for people. Throws a
 * one-line error naming what is wrong; the models themselves are checked when the catalog is built.
 */
export function parseCatalogFile(text: string, name = 'catalog'): CatalogOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const file = parsed as { models?: unknown; replaceDefaults?: unknown } | null;
  if (!Array.isArray(file?.models)) throw new Error(`${name} must be an object {"models": [...]}`);
  if (file.replaceDefaults !== undefined && typeof file.replaceDefaults !== 'boolean') {
    throw new Error(`${name}: replaceDefaults must be true or false`);
  }
  return { models: file.models as CatalogModelInput[], replaceDefaults: file.replaceDefaults === true };
}
