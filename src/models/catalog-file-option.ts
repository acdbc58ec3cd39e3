import { readFileSync } from 'node:fs';
import { MisuseError } from '../message.ts';
import type { CatalogOptions } from './catalog.ts';
import { parseCatalogFile } from './catalog-file.ts';

/** The Node-only `catalogFile` option of the server and the test handle. */
export interface CatalogFileOption {
  /**
   * A catalog file to load (the format of `serve --catalog` and `catalog pull`): its models come
   * before `models` (which win on the same id), and `replaceDefaults`, when set, wins over the file's.
   */
  catalogFile?: string;
}

/** The options with `catalogFile` read into `models` and `replaceDefaults`; throws one line naming the file. */
export function withCatalogFile<T extends CatalogOptions & CatalogFileOption>(options: T): T {
  if (options.catalogFile === undefined) return options;
  const path = options.catalogFile;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MisuseError(`catalogFile ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let file: CatalogOptions;
  try {
    file = parseCatalogFile(text, path);
  } catch (error) {
    throw new MisuseError(`catalogFile ${(error as Error).message}`);
  }
  return {
    ...options,
    models: [...(file.models ?? []), ...(options.models ?? [])],
    replaceDefaults: options.replaceDefaults ?? file.replaceDefaults ?? false,
  };
}
