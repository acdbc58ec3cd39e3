// The WebAssembly encoders keep the memory of their largest image; a server that answered one
// 4K WebP must not carry it for the rest of its life. Past the cap the instance is replaced.
import { describe, expect, it } from 'vitest';
import { ENCODER_MEMORY_CAP, encoderOf, encoderRenewals, loadEncoder } from '../../src/synth/codecs.ts';
import { synthesizeJpeg } from '../../src/synth/jpeg.ts';
import type { ImageSpec } from '../../src/synth/label.ts';
import { synthesizeWebp } from '../../src/synth/webp.ts';
import { runProcess } from '../run-process.ts';
import { decodeImage } from './decode.ts';

const MiB = 2 ** 20;
const spec = (side: number, prompt = 'a fox'): ImageSpec => ({
  width: side,
  height: side,
  model: 'google/gemini-3-pro-image-preview',
  prompt,
  seed: 7,
  index: 0,
  transparent: false,
});

describe('encoder memory', () => {
  it('a 1K image keeps the warm instance', async () => {
    await loadEncoder('webp');
    synthesizeWebp(spec(1024), { lossless: false, quality: 80 });
    const before = encoderOf('webp').memoryBytes ?? 0;
    await encoderRenewals();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(ENCODER_MEMORY_CAP);
    expect(encoderOf('webp').memoryBytes).toBe(before);
  });

  it.each([['lossless', 2048, true]] as const)(
    'a %s WebP of %i² past the cap is answered, then the encoder starts afresh and encodes the same bytes',
    async (_, side, lossless) => {
      await loadEncoder('webp');
      const encode = (s: ImageSpec) => synthesizeWebp(s, { lossless });
      const small = encode(spec(256, 'small'));
      const big = encode(spec(side));
      expect(decodeImage(big, 'image/webp')).toMatchObject({ width: side, height: side });
      expect(encoderOf('webp').memoryBytes).toBeGreaterThan(ENCODER_MEMORY_CAP);
      await encoderRenewals();
      expect(encoderOf('webp').memoryBytes).toBeLessThanOrEqual(32 * MiB);
      // The fresh instance is the same encoder: same input, same bytes.
      expect(encode(spec(256, 'small'))).toEqual(small);
    },
  );

  it('a 4096² JPEG stays under the cap (MozJPEG encodes only the distinct strips)', async () => {
    await loadEncoder('jpeg');
    expect(decodeImage(synthesizeJpeg(spec(4096)), 'image/jpeg')).toMatchObject({ width: 4096 });
    expect(encoderOf('jpeg').memoryBytes).toBeLessThanOrEqual(ENCODER_MEMORY_CAP);
  });

  it('the process gives the memory back (resident memory falls once the old instance is collected)', async () => {
    const codecs = new URL('../../src/synth/codecs.ts', import.meta.url).href;
    const webp = new URL('../../src/synth/webp.ts', import.meta.url).href;
    const script = `
      import { readFileSync } from 'node:fs';
      import { loadEncoder, encoderRenewals } from ${JSON.stringify(codecs)};
      import { synthesizeWebp } from ${JSON.stringify(webp)};
      const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      await loadEncoder('webp');
      synthesizeWebp({ width: 2048, height: 2048, model: 'a/b', prompt: 'big', seed: 1, index: 0, transparent: false }, { lossless: true });
      const big = anon();
      await encoderRenewals();
      for (let i = 0; i < 4; i++) { await new Promise((r) => setTimeout(r, 20)); globalThis.gc(); }
      console.log(JSON.stringify({ big, after: anon() }));`;
    const run = await runProcess(process.execPath, ['--expose-gc', '--input-type=module', '-e', script]);
    expect(run.stderr).toBe('');
    const { big, after } = JSON.parse(run.stdout) as { big: number; after: number };
    expect(big - after).toBeGreaterThan(64 * MiB);
  });
});
