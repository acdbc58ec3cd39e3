// The encoders' loader everywhere but Node (package.json `browser` puts it in place of
// wasm-node.ts): the glue fetches its .wasm next to itself (`new URL(…, import.meta.url)`), which
// Vite and webpack emit as assets; nothing to add here.

/** No overrides: the glue finds its .wasm itself. */
export async function wasmOverrides(_wasm: string): Promise<Record<string, unknown>> {
  return {};
}
