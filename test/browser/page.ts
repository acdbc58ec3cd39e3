// Runs in Chromium: the MSW handlers under setupWorker (a real service worker), a JSON answer,
// an SSE stream read with a real parser, an error body. Results go to `window.__result`.
import { createParser } from 'eventsource-parser';
import { setupWorker } from 'msw/browser';
import { createImageHandlers } from '../../src/index.ts';

const headers = { authorization: 'Bearer sk-or-v1-browser', 'content-type': 'application/json' };
const post = (body: unknown) =>
  fetch('https://openrouter.ai/api/v1/images', { method: 'POST', headers, body: JSON.stringify(body) });

async function size(b64: string, type: string) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type }));
  return [bitmap.width, bitmap.height];
}

async function run() {
  const worker = setupWorker(...createImageHandlers());
  await worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledFrame: 'error',
    quiet: true,
  });

  const json = await post({
    model: 'google/gemini-2.5-flash-image',
    prompt: 'in a browser',
    aspect_ratio: '16:9',
  });
  const body = (await json.json()) as { data: { b64_json: string; media_type: string }[] };
  const jsonImage = await size(body.data[0]?.b64_json ?? '', body.data[0]?.media_type ?? '');

  const stream = await post({
    model: 'openai/gpt-image-1',
    prompt: 'streamed in a browser',
    stream: true,
    aspect_ratio: '2:3',
  });
  const events: { type: string; b64_json?: string; media_type?: string }[] = [];
  let done = false;
  let chunks = 0;
  const parser = createParser({
    onEvent: (message) => {
      if (message.data === '[DONE]') done = true;
      else events.push(JSON.parse(message.data));
    },
  });
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    chunks++;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  const completed = events.find((e) => e.type === 'image_generation.completed');
  const streamImage = await size(completed?.b64_json ?? '', completed?.media_type ?? '');

  const refused = await post({ model: 'openai/gpt-image-1', prompt: 'x', n: 11 });
  const error = (await refused.json()) as { error: { code: number; message: string } };

  return {
    json: { status: json.status, contentType: json.headers.get('content-type'), size: jsonImage },
    stream: {
      contentType: stream.headers.get('content-type'),
      types: events.map((e) => e.type),
      done,
      chunks,
      size: streamImage,
    },
    error: { status: refused.status, body: error },
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
    (document.getElementById('out') as HTMLElement).textContent = JSON.stringify(result, null, 2);
  },
  (error: unknown) => {
    window.__error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
  },
);
