// Where the service is lenient, so is the mock: models it does not list (on request), provider
// names and options it does not know. Each is answered, and the journal says what was ignored.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import {
  ASPECT_RATIOS,
  BACKGROUNDS,
  OUTPUT_FORMATS,
  QUALITIES,
  RESOLUTIONS,
} from '../../src/contract/enums.ts';
import { createImagesMock } from '../../src/index.ts';
import { BASE, decodePngBase64, KEY } from '../helpers.ts';

const post = (mock: ReturnType<typeof createImagesMock>, body: unknown) =>
  mock.handle(
    new Request(`${BASE}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

describe("unknownModels: 'generic'", () => {
  const mock = createImagesMock({ unknownModels: 'generic' });

  it('answers any well-formed author/slug with a real image, says so in a header and the journal', async () => {
    const response = await post(mock, {
      model: 'acme/painter-9',
      prompt: 'a fox',
      resolution: '512',
      aspect_ratio: '16:9',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-mock-generic-model')).toBe('acme/painter-9');
    const body = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
    const png = decodePngBase64(body.data[0]!.b64_json);
    expect(Math.abs(png.width / png.height - 16 / 9)).toBeLessThan(0.02);
    expect(mock.journal.list().at(-1)).toMatchObject({ generic: true, verdict: { valid: true } });
  });

  it('takes every value the contract lists, and streams', async () => {
    const listed: Record<string, readonly string[]> = {
      quality: QUALITIES,
      output_format: OUTPUT_FORMATS,
      background: BACKGROUNDS,
      resolution: RESOLUTIONS,
      aspect_ratio: ASPECT_RATIOS,
    };
    for (const [field, values] of Object.entries(listed)) {
      for (const value of values) {
        const answer = await post(mock, {
          model: 'acme/painter-9',
          prompt: 'x',
          resolution: '512',
          [field]: value,
        });
        expect(answer.status, `${field}=${value}`).toBe(200);
        await answer.arrayBuffer();
      }
    }
    const response = await post(mock, {
      model: 'acme/painter-9',
      prompt: 'x',
      n: 2,
      quality: 'max',
      output_format: 'webp',
      background: 'transparent',
      output_compression: 50,
      resolution: '512',
      stream: true,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed(await response.text());
    expect(events.at(-1)?.data).toBe('[DONE]');
    const completed = events.filter((e) => e.data.includes('image_generation.completed'));
    expect(completed).toHaveLength(2);
  });

  it('serves the generic endpoints of such an id; a malformed id is still refused', async () => {
    const endpoints = await mock.handle(new Request(`${BASE}/images/models/acme/painter-9/endpoints`));
    expect(endpoints.status).toBe(200);
    expect(endpoints.headers.get('x-mock-generic-model')).toBe('acme/painter-9');
    expect(((await endpoints.json()) as { id: string }).id).toBe('acme/painter-9');
    const bad = await post(mock, { model: 'no-slash', prompt: 'x' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'no-slash is not a valid model ID',
    );
  });

  it('is off by default: the service answer, naming how to add the model', async () => {
    const response = await post(createImagesMock(), { model: 'acme/painter-9', prompt: 'x' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain('acme/painter-9 is not a valid model ID');
    expect(error.message).toContain('--unknown-models generic');
  });
});

describe('provider preferences the mock does not know', () => {
  it('ignores unknown provider names in only, ignore and order, and notes each in the journal', async () => {
    const mock = createImagesMock();
    const response = await post(mock, {
      model: 'openai/gpt-image-1',
      prompt: 'x',
      provider: {
        only: ['brand-new-provider'],
        ignore: ['another-one'],
        order: ['third'],
        allow_fallbacks: false,
      },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const entry = mock.journal.list().at(-1);
    expect(entry?.notes).toEqual([
      "provider.only: 'brand-new-provider' is a provider the mock does not know; ignored",
      "provider.ignore: 'another-one' is a provider the mock does not know; ignored",
      "provider.order: 'third' is a provider the mock does not know; ignored",
    ]);
  });

  it('notes which provider.options are passed through (allowed_passthrough_parameters) and which dropped', async () => {
    const mock = createImagesMock();
    const response = await post(mock, {
      model: 'openai/gpt-image-1',
      prompt: 'x',
      provider: { options: { openai: { moderation: 'low', temperature: 2 }, 'someone-else': { steps: 40 } } },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(mock.journal.list().at(-1)?.notes).toEqual([
      'provider.options.openai.moderation: passed through to openai',
      'provider.options.openai.temperature: not a passthrough parameter of openai; dropped',
      'provider.options.someone-else: not the serving provider (openai); ignored',
    ]);
  });

  it('still refuses a provider it knows that does not serve the model, with 404', async () => {
    const response = await post(createImagesMock(), {
      model: 'openai/gpt-image-1',
      prompt: 'x',
      provider: { only: ['seed'] },
    });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toBe(
      'No endpoints found for openai/gpt-image-1 that match your provider preferences',
    );
  });
});

describe('per-model rules no published source states: answered, and noted', () => {
  it('a format the model does not list is made as asked', async () => {
    const mock = createImagesMock();
    const response = await post(mock, {
      model: 'bytedance-seed/seedream-4.5',
      prompt: 'x',
      output_format: 'svg',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { b64_json: string; media_type: string }[] };
    expect(body.data[0]?.media_type).toBe('image/svg+xml');
    expect(Buffer.from(body.data[0]!.b64_json, 'base64').toString('utf8')).toContain('<svg ');
    expect(mock.journal.list().at(-1)?.notes).toEqual([
      'output_format: bytedance-seed/seedream-4.5 lists png, jpeg; answered in svg as asked',
    ]);
  });

  it('references beyond what the model takes are ignored, not refused', async () => {
    const mock = createImagesMock();
    const reference = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };
    const many = await post(mock, {
      model: 'google/gemini-2.5-flash-image',
      prompt: 'x',
      input_references: Array(4).fill(reference),
    });
    expect(many.status).toBe(200);
    await many.arrayBuffer();
    expect(mock.journal.list().at(-1)?.notes).toEqual([
      'input_references: google/gemini-2.5-flash-image takes at most 3; the 1 beyond were ignored',
    ]);
    const textOnly = await post(mock, {
      model: 'recraft/recraft-v3-svg',
      prompt: 'x',
      input_references: [reference],
    });
    expect(textOnly.status).toBe(200);
    await textOnly.arrayBuffer();
    expect(mock.journal.list().at(-1)?.notes).toEqual([
      'input_references: recraft/recraft-v3-svg takes no reference images; the 1 sent were ignored',
    ]);
  });

  it('rules a source states stay: n above a single-image model, transparency without alpha', async () => {
    const mock = createImagesMock();
    expect((await post(mock, { model: 'google/gemini-2.5-flash-image', prompt: 'x', n: 2 })).status).toBe(
      400,
    );
    const jpeg = {
      model: 'openai/gpt-image-1',
      prompt: 'x',
      background: 'transparent',
      output_format: 'jpeg',
    };
    expect((await post(mock, jpeg)).status).toBe(400);
  });
});
