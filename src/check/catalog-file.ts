import { Catalog } from '../models/catalog.ts';
import { parseCatalogFile } from '../models/catalog-file.ts';

/**
 * A catalog from the text of a catalog file (`{ "models": [...], "replaceDefaults"?: true }`, the
 * format `serve --catalog` reads too): its models join the defaults unless it replaces them.
 * Throws a one-line error naming what is wrong.
 */
export function catalogFromJson(text: string, name = 'catalog'): Catalog {
  return new Catalog(parseCatalogFile(text, name));
}
