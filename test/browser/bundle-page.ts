// Runs in Chromium from a bundle of the built package, imported by name as users do (bundle.test.ts
// builds it with esbuild and with Vite): every format decodes, a stream completes. Results go to
// `window.__result`.
import { setupWorker } from 'msw/browser';
import { createImageHandlers } from 'openrouter-images-mock';

const headers = { authorization: 'Bearer sk-or-v1-browser', 'content-type': 'application/json' };
const post = (body: unknown) =>
  fetch('https://openrouter.ai/api/v1/images', { method: 'POST', headers, body: JSON.stringify(body) });

/** Decodes one image the way a page shows it; its size, or why not. */
async function decoded(b64: string, type: string): Promise<[number, number]> {
  const url = URL.createObjectURL(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type }));
  const image = new Image();
  image.src = url;
  await image.decode();
  URL.revokeObjectURL(url);
  return [image.naturalWidth, image.naturalHeight];
}

async function image(model: string, format: string) {
  const response = await post({ model, prompt: `a ${format} in a bundle`, output_format: format });
  const body = (await response.json()) as { data?: { b64_json: string; media_type: string }[] };
  const first = body.data?.[0];
  if (!first) return { status: response.status, body };
  return {
    status: response.status,
    mediaType: first.media_type,
    size: await decoded(first.b64_json, first.media_type),
  };
}

async function run() {
  const worker = setupWorker(...createImageHandlers());
  await worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledFrame: 'error',
    quiet: true,
  });
  const formats = {
    png: await image('openai/gpt-image-1', 'png'),
    jpeg: await image('openai/gpt-image-1', 'jpeg'),
    webp: await image('openai/gpt-image-1', 'webp'),
    svg: await image('recraft/recraft-v3-svg', 'svg'),
  };
  const stream = await post({
    model: 'openai/gpt-image-1',
    prompt: 'streamed',
    stream: true,
    output_format: 'webp',
  });
  const text = await stream.text();
  const events = text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as { type: string; b64_json?: string; media_type?: string });
  const completed = events.find((event) => event.type === 'image_generation.completed');
  return {
    // The policy is in force: the handlers above ran without eval.
    evalBlocked: (() => {
      try {
        return new Function('return false')() as boolean;
      } catch {
        return true;
      }
    })(),
    formats,
    stream: {
      types: events.map((event) => event.type),
      done: text.includes('data: [DONE]'),
      size: await decoded(completed?.b64_json ?? '', completed?.media_type ?? ''),
    },
  };
}

declare global {
  interface Window {
    __result?: unknown;
    __error?: string;
  }
}

run().then(
  (result) => {
    window.__result = result;
  },
  (error: unknown) => {
    window.__error =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
  },
);
