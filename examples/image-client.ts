// A client of OpenRouter's image API as an application might write it, with retries and streamed
// previews: the subject of examples/image-client.test.ts, the fuller example the README links to.

export class OutOfCreditsError extends Error {
  override name = 'OutOfCreditsError';
}

export interface GenerateOptions {
  model?: string;
  size?: string;
  /** Called with each partial preview (PNG bytes) while a streamed image is generated. */
  onPreview?: (png: Uint8Array) => void;
}

export interface ImageClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** How many times to retry a 429 (waiting `Retry-After` seconds). */
  retries?: number;
  /** Waits; tests pass a fake to skip real time. */
  sleep?: (ms: number) => Promise<void>;
}

export function createImageClient(options: ImageClientOptions) {
  const baseUrl = options.baseUrl ?? 'https://openrouter.ai/api/v1';
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function post(body: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${baseUrl}/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status === 429 && attempt < (options.retries ?? 2)) {
        await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      if (response.status === 402) throw new OutOfCreditsError('Your OpenRouter credits are used up.');
      if (!response.ok) {
        const { error } = (await response.json()) as { error: { message: string } };
        throw new Error(`Image generation failed (${response.status}): ${error.message}`);
      }
      return response;
    }
  }

  return {
    /** One image as bytes; streamed (with previews) when `onPreview` is given. */
    async generate(prompt: string, generate: GenerateOptions = {}): Promise<Uint8Array> {
      const body = {
        model: generate.model ?? 'openai/gpt-image-1',
        prompt,
        size: generate.size,
        stream: !!generate.onPreview,
      };
      const response = await post(body);
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
        const json = (await response.json()) as { data: { b64_json: string }[] };
        return Uint8Array.from(Buffer.from(json.data[0]?.b64_json ?? '', 'base64'));
      }
      // A minimal SSE reader: data-only frames separated by blank lines.
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) throw new Error('The image stream ended before the image was complete.');
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const data = buffer.slice(0, end).replace(/^data: /, '');
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!data || data.startsWith(':')) continue;
          if (data === '[DONE]') throw new Error('The image stream ended before the image was complete.');
          const event = JSON.parse(data) as { type: string; b64_json?: string; error?: { message: string } };
          const bytes = () => Uint8Array.from(Buffer.from(event.b64_json ?? '', 'base64'));
          if (event.type === 'image_generation.partial_image') generate.onPreview?.(bytes());
          if (event.type === 'image_generation.completed') return bytes();
          if (event.type === 'error') throw new Error(`Image generation failed: ${event.error?.message}`);
        }
      }
    },
  };
}
