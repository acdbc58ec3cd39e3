// The encoders' loader everywhere but Node (package.json `browser` puts it in place of
// wasm-node.ts): each .wasm is imported as a URL, so that every bundler emits it with no copy step.
//   - Vite: `?url` imports are built in.
//   - esbuild: `--loader:.wasm=file` (README "In the browser") emits the file and gives its path
//     relative to the output file, suffix included; it is resolved against the bundle below.
//   - webpack 5 (and anything else that leaves the import to the page): `webpackIgnore` keeps
//     webpack out of it, the bare specifier then fails in the page, and the glue fetches its .wasm
//     next to itself (`new URL(…, import.meta.url)`), which webpack emits on its own.

/** A dynamic import per file: a bundler sees each literal path, and webpack can be told to skip it. */
const URLS: Readonly<Record<string, () => Promise<{ default: string }>>> = {
  '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm': () =>
    import(/* webpackIgnore: true */ '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm?url'),
  '@jsquash/webp/codec/enc/webp_enc.wasm': () =>
    import(/* webpackIgnore: true */ '@jsquash/webp/codec/enc/webp_enc.wasm?url'),
  '@jsquash/webp/codec/enc/webp_enc_simd.wasm': () =>
    import(/* webpackIgnore: true */ '@jsquash/webp/codec/enc/webp_enc_simd.wasm?url'),
};

/**
 * This module's URL, the base of esbuild's relative paths. (Read apart from `new URL(…)`: webpack
 * takes `new URL(expression, import.meta.url)` for an asset it cannot name, and warns.)
 */
const HERE = import.meta.url;

/**
 * Emscripten overrides that point the glue at the bundled .wasm of `wasm` (a package path):
 * `locateFile` answers its URL. None when the bundle left the import to the page: the glue then
 * finds its .wasm itself.
 */
export async function wasmOverrides(wasm: string): Promise<Record<string, unknown>> {
  const url = await URLS[wasm]?.().then(
    (module) => module.default,
    () => undefined,
  );
  if (typeof url !== 'string') return {};
  const href = new URL(url, HERE).href;
  return { locateFile: () => href };
}
