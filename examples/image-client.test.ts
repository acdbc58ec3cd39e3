import { decode } from 'fast-png';
import { respondWith, scenarios, useImagesMock } from 'openrouter-images-mock/vitest';
import { expect, test } from 'vitest';
import { createImageClient, OutOfCreditsError } from './image-client.ts';

// One line: MSW starts before the tests, resets after each, stops at the end.
const mock = useImagesMock({ strict: true });
const client = createImageClient({ apiKey: 'sk-or-v1-test', sleep: async () => {} });

test('generates an image of the size asked for', async () => {
  const png = decode(await client.generate('a lighthouse at dawn', { size: '1536x1024' }));
  expect([png.width, png.height]).toEqual([1536, 1024]);
  expect(mock).toHaveReceivedImageRequest({ model: 'openai/gpt-image-1', prompt: 'a lighthouse at dawn' });
});

test('shows partial previews while the image streams', async () => {
  const previews: Uint8Array[] = [];
  await client.generate('a fox in the snow', { onPreview: (png) => previews.push(png) });
  expect(previews).toHaveLength(2);
  expect(mock.lastRequest?.body).toMatchObject({ stream: true });
});

test('retries a 429 after Retry-After', async () => {
  const waits: number[] = [];
  const patient = createImageClient({ apiKey: 'sk-or-v1-test', sleep: async (ms) => void waits.push(ms) });
  mock.use(scenarios.rateLimited({ retryAfter: 2, once: true }));
  await patient.generate('patience');
  expect(mock.requests.map((r) => r.response?.status)).toEqual([429, 200]);
  expect(waits).toEqual([2000]);
});

test('tells the person when the credits are used up', async () => {
  mock.use('insufficient-credits');
  await expect(client.generate('one more')).rejects.toBeInstanceOf(OutOfCreditsError);
});

test('fails clearly when the stream dies half-way, after the previews that came', async () => {
  mock.use(scenarios.streamDrop({ after: 1 }));
  const previews: Uint8Array[] = [];
  await expect(client.generate('fragile', { onPreview: (png) => previews.push(png) })).rejects.toThrow(
    'The image stream ended before the image was complete.',
  );
  expect(previews).toHaveLength(1);
});

test('shows a fixture image from the project', async () => {
  mock.use(respondWith({ images: [{ file: 'fixtures/images/red-4x4.png' }] }));
  const png = decode(await client.generate('anything'));
  expect([png.width, png.height, Array.from(png.data.slice(0, 3))]).toEqual([4, 4, [255, 0, 0]]);
});
