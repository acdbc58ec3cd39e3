import { said } from '../message.ts';
import { wasmOverrides } from './wasm-node.ts';
/**
 * The two WebAssembly encoders, loaded once per process (or page) on first use: MozJPEG and
 * libwebp as built by jSquash from the Squoosh codecs. Loading is asynchronous (the browser
 * fetches and compiles the .wasm); encoding afterwards is synchronous. See
 * docs/decisions/0002-image-encoders.md for why these and how they are loaded.
 */

/** Options of the MozJPEG build (jSquash `@jsquash/jpeg` `EncodeOptions`). */
export interface MozJpegOptions {
  quality: number;
  baseline: boolean;
  arithmetic: boolean;
  progressive: boolean;
  optimize_coding: boolean;
  smoothing: number;
  color_space: number;
  quant_table: number;
  trellis_multipass: boolean;
  trellis_opt_zero: boolean;
  trellis_opt_table: boolean;
  trellis_loops: number;
  auto_subsample: boolean;
  chroma_subsample: number;
  separate_chroma_quality: boolean;
  chroma_quality: number;
}

/** Options of the libwebp build (`WebPConfig` fields, jSquash `@jsquash/webp` `EncodeOptions`). */
export interface WebpOptions {
  quality: number;
  target_size: number;
  target_PSNR: number;
  method: number;
  sns_strength: number;
  filter_strength: number;
  filter_sharpness: number;
  filter_type: number;
  partitions: number;
  segments: number;
  pass: number;
  show_compressed: number;
  preprocessing: number;
  autofilter: number;
  partition_limit: number;
  alpha_compression: number;
  alpha_filtering: number;
  alpha_quality: number;
  lossless: number;
  exact: number;
  image_hint: number;
  emulate_jpeg_size: number;
  thread_level: number;
  low_memory: number;
  near_lossless: number;
  use_delta_palette: number;
  use_sharp_yuv: number;
}

interface WasmEncoder<Options> {
  encode(data: Uint8Array, width: number, height: number, options: Options): Uint8Array | null;
  /** Bytes of WebAssembly memory the instance in use holds. */
  readonly memoryBytes?: number;
}

export type JpegEncoder = WasmEncoder<MozJpegOptions>;
export type WebpEncoder = WasmEncoder<WebpOptions>;

type Factory<T> = (overrides: Record<string, unknown>) => Promise<T>;

interface Encoders {
  jpeg: JpegEncoder;
  webp: WebpEncoder;
}

export type WasmFormat = keyof Encoders;

const ready: Partial<Encoders> = {};
const pending: { [F in WasmFormat]?: Promise<Encoders[F]> } = {};

/**
 * An encoder's WebAssembly memory grows to fit the largest image it has encoded and never
 * shrinks: one 4096² WebP would keep 160 MB for the life of the process. Past this size, the
 * instance is replaced by a fresh one once the encode returns, and the old memory goes with
 * the old instance at the next garbage collection. Below it (every 1K and 2K image), the warm
 * instance stays.
 */
export const ENCODER_MEMORY_CAP = 64 * 2 ** 20;

/** Renewals under way, so a test (or a caller about to measure) can wait for them. */
const renewals = new Set<Promise<void>>();

/** Settles once every encoder replacement started so far has finished (or failed). */
export async function encoderRenewals(): Promise<void> {
  while (renewals.size > 0) await Promise.allSettled([...renewals]);
}

/** Bytes of WebAssembly memory an Emscripten module holds now. */
function memoryOf(module: unknown): number {
  return (module as { HEAPU8?: Uint8Array }).HEAPU8?.length ?? 0;
}

/**
 * `load`'s encoder, behind one that replaces it with a new `load()` when an encode leaves its
 * memory past the cap. Encoding stays synchronous: until the new instance is ready, the old
 * one keeps answering; if loading fails, it stays.
 */
async function renewing<E extends WasmEncoder<unknown>>(load: () => Promise<E>): Promise<E> {
  let current = await load();
  let replacing = false;
  const encode: E['encode'] = (...args) => {
    const bytes = current.encode(...args);
    if (!replacing && memoryOf(current) > ENCODER_MEMORY_CAP) {
      replacing = true;
      const renewal = load().then(
        (fresh) => {
          current = fresh;
        },
        () => undefined,
      );
      renewals.add(renewal);
      void renewal.finally(() => {
        replacing = false;
        renewals.delete(renewal);
      });
    }
    return bytes;
  };
  return {
    encode,
    get memoryBytes() {
      return memoryOf(current);
    },
  } as unknown as E;
}

/**
 * Loads the encoder of `format` (once; later calls return the same promise). Rejects when the
 * .wasm cannot be loaded, e.g. a bundle that left it out.
 *
 * @example await loadEncoder('webp'); encoderOf('webp').encode(rgba, width, height, options);
 */
export function loadEncoder(format: WasmFormat): Promise<void> {
  if (format === 'jpeg') {
    pending.jpeg ??= renewing(() =>
      instantiate<JpegEncoder>(
        async () =>
          (await import('@jsquash/jpeg/codec/enc/mozjpeg_enc.js')).default as unknown as Factory<JpegEncoder>,
        '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
      ),
    ).then((encoder) => (ready.jpeg = encoder));
    return pending.jpeg.then(() => undefined);
  }
  const simd = supportsSimd();
  pending.webp ??= renewing(() => loadWebpBuild(simd)).then((encoder) => (ready.webp = encoder));
  return pending.webp.then(() => undefined);
}

/** The loaded encoder of `format`; throws (misuse) when `loadEncoder` has not finished. */
export function encoderOf<F extends WasmFormat>(format: F): Encoders[F] {
  const encoder = ready[format];
  if (!encoder) {
    throw new Error(
      said(`the ${format} encoder is not loaded: await loadEncoder('${format}') (or prepareSynthesis) first`),
    );
  }
  return encoder as Encoders[F];
}

/**
 * Runs an Emscripten factory. In Node the .wasm is read from the package, since Node's fetch
 * cannot read files; in a browser bundle the glue fetches it from the URL the bundler gave for it
 * (wasm-browser.ts imports each file as a URL), or else next to itself (`new URL(…,
 * import.meta.url)`). Browser bundlers take wasm-browser.ts for wasm-node.ts (package.json
 * `browser`), so a browser bundle never meets node:fs.
 *
 * @note In a page that runs MSW (our own handlers under `setupWorker`), that fetch would meet the
 * service worker like any other request, and a strict `onUnhandledRequest` would fail it. While
 * the glue starts its fetch (synchronously, inside the factory call) `fetch` marks requests with
 * MSW's passthrough marker (`accept: msw/passthrough`, what `bypass()` sends), then is restored.
 */
async function instantiate<T>(factory: () => Promise<Factory<T>>, wasm: string): Promise<T> {
  const overrides: Record<string, unknown> = { noInitialRun: true, ...(await wasmOverrides(wasm)) };
  if (overrides.wasmBinary) return (await factory())(overrides);
  const create = await factory();
  const original = globalThis.fetch;
  if (typeof original !== 'function') return create(overrides);
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.append('accept', 'msw/passthrough');
    return original(input, { ...init, headers });
  }) as typeof fetch;
  try {
    return create(overrides);
  } finally {
    globalThis.fetch = original;
  }
}

/**
 * Whether WebAssembly SIMD is available (a module using `i8x16.splat`, as wasm-feature-detect
 * checks it). Both libwebp builds give byte-identical files (a test keeps it so); SIMD is faster.
 */
function supportsSimd(): boolean {
  return WebAssembly.validate(
    Uint8Array.of(
      0,
      97,
      115,
      109,
      1,
      0,
      0,
      0,
      1,
      5,
      1,
      96,
      0,
      1,
      123,
      3,
      2,
      1,
      0,
      10,
      10,
      1,
      8,
      0,
      65,
      0,
      253,
      15,
      253,
      98,
      11,
    ),
  );
}

/**
 * Loads one of the two libwebp builds, with or without SIMD; `loadEncoder` picks the SIMD one
 * where the engine has it. Exported so a test can check that both give the same bytes.
 */
export async function loadWebpBuild(simd: boolean): Promise<WebpEncoder> {
  return simd
    ? instantiate<WebpEncoder>(
        async () =>
          (await import('@jsquash/webp/codec/enc/webp_enc_simd.js'))
            .default as unknown as Factory<WebpEncoder>,
        '@jsquash/webp/codec/enc/webp_enc_simd.wasm',
      )
    : instantiate<WebpEncoder>(
        async () =>
          (await import('@jsquash/webp/codec/enc/webp_enc.js')).default as unknown as Factory<WebpEncoder>,
        '@jsquash/webp/codec/enc/webp_enc.wasm',
      );
}
