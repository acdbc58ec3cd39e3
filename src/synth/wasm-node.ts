// The encoders' loader in Node: Node's fetch cannot read files, so the .wasm is read from the
// installed package. Browser bundlers take wasm-browser.ts instead (package.json `browser`), so a
// browser bundle never meets node:fs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** Emscripten overrides that hand the glue the .wasm of `wasm` (a package path) as bytes. */
export async function wasmOverrides(wasm: string): Promise<Record<string, unknown>> {
  return { wasmBinary: await readFile(createRequire(import.meta.url).resolve(wasm)) };
}
