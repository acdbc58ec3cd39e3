// What a bundler gives for `import url from 'x.wasm?url'` (Vite; esbuild with
// `--loader:.wasm=file`): the emitted file's URL. Only wasm-browser.ts imports one.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
