// How validate reads and judges an answer recorded cut short: what was received is checked, the
// cut itself fails the exchange unless cuts are allowed.
import { describe, expect, it } from 'vitest';
import { readExchanges, validateExchange, validateRecording } from '../../src/checks.ts';

const request = {
  method: 'POST',
  url: 'https://openrouter.ai/api/v1/images',
  headers: { 'content-type': 'application/json' },
  body: { model: 'openai/gpt-image-1', prompt: 'a fox', stream: true },
};
const partial = `data: ${JSON.stringify({ type: 'image_generation.partial_image', partial_image_index: 0, b64_json: 'iVBORw0KGgo=' })}\n\n`;
const sse = { 'content-type': 'text/event-stream' };
const rules = (result: { violations: { rule: string }[] }) => result.violations.map((v) => v.rule);

describe('validate and cut answers', () => {
  it('a stream cut mid-frame: the events received are checked, the half frame is dropped, the cut fails it', () => {
    const body = `${partial}data: {"type":"image_generation.partial_im`;
    const cut = { request, response: { status: 200, headers: sse, body, cut: 'after 1 event' } };
    const strict = validateExchange(cut);
    expect(strict).toMatchObject({ ok: false, cut: 'after 1 event' });
    expect(rules(strict)).toEqual(['cut']);
    const allowed = validateExchange(cut, { allowCuts: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.notes).toContain(
      'the answer was cut short after 1 event (the connection closed before the body ended) (allowed: allowCuts)',
    );
    // What was received still has to keep the contract.
    const broken = `data: {"type":"image_generation.partial_image"}\n\n`;
    const bad = validateExchange(
      { request, response: { ...cut.response, body: broken } },
      { allowCuts: true },
    );
    expect(bad.ok).toBe(false);
    expect(rules(bad)).not.toContain('cut');
  });

  it('the same stream not marked cut keeps every rule: [DONE], a completed event, whole frames', () => {
    const body = `${partial}data: {"type":"image_generation.partial_im`;
    const result = validateExchange({ request, response: { status: 200, headers: sse, body } });
    expect(rules(result).sort()).toEqual(['completed-event', 'done-sentinel', 'sse-framing']);
  });

  it('a JSON answer cut short is not judged as JSON, and says so', () => {
    const json = { ...request, body: { model: 'openai/gpt-image-1', prompt: 'a fox' } };
    const cut = validateExchange({
      request: json,
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"created":1,"da',
        cut: 'after 16 bytes',
      },
    });
    expect(rules(cut)).toEqual(['cut']);
    expect(cut.notes.join('\n')).toContain('the body was cut after 16 bytes and is not whole JSON');
  });

  it('reads the marker from JSONL (cut, or cut: true) and from HAR (response._cut)', async () => {
    const jsonl = [
      JSON.stringify({
        request,
        response: { status: 200, headers: sse, body: partial, cut: 'after 1 event' },
      }),
      JSON.stringify({ request, response: { status: 200, headers: sse, body: partial, cut: true } }),
      JSON.stringify({
        request,
        response: { status: 200, headers: sse, body: `${partial}data: [DONE]\n\n` },
      }),
    ].join('\n');
    const cuts: (string | undefined)[] = [];
    for await (const item of readExchanges([jsonl]))
      if ('exchange' in item) cuts.push(item.exchange.response.cut);
    expect(cuts).toEqual(['after 1 event', 'cut', undefined]);

    const har = JSON.stringify({
      log: {
        version: '1.2',
        entries: [
          {
            request: {
              method: 'POST',
              url: request.url,
              headers: [],
              postData: { mimeType: 'application/json', text: JSON.stringify(request.body) },
            },
            response: {
              status: 200,
              headers: [{ name: 'content-type', value: 'text/event-stream' }],
              content: { mimeType: 'text/event-stream', text: partial },
              _cut: 'after 1 event',
            },
          },
        ],
      },
    });
    const { exchanges } = await validateRecording([har], { name: 'cut.har' });
    expect(exchanges).toMatchObject([
      { ok: false, cut: 'after 1 event', label: `POST ${request.url} → 200, cut after 1 event` },
    ]);
    const allowed = await validateRecording([har], { name: 'cut.har', allowCuts: true });
    expect(allowed.exchanges[0]?.ok).toBe(true);
  });
});
