// Every format the endpoint promises, through the same path the handlers take (plan, prepare,
// synthesize), decoded by decoders other than the encoders that wrote the bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusalError } from '../../src/contract/errors.ts';
import type { ImageGenerationRequest } from '../../src/contract/types.ts';
import { imageBase64, imageSpec, prepareSynthesis, synthesizeImage } from '../../src/core/images.ts';
import { Catalog } from '../../src/models/catalog.ts';
import { DEFAULT_LIMITS, type GenerationPlan, planGeneration } from '../../src/models/plan.ts';
import { loadWebpBuild } from '../../src/synth/codecs.ts';
import { renderRaster } from '../../src/synth/raster.ts';
import { webpOptions } from '../../src/synth/webp.ts';
import { type DecodedImage, decodeImage, distinctColours, parseSvg, webpInfo } from './decode.ts';

const catalog = new Catalog();
const GPT = 'openai/gpt-image-1';
const PROMPT = 'A watercolor painting of a red fox sitting in a snowy forest at dawn';

function planned(body: Partial<ImageGenerationRequest>, limits = DEFAULT_LIMITS) {
  return planGeneration({ model: GPT, prompt: PROMPT, seed: 7, ...body }, catalog, limits, 0);
}

function plan(body: Partial<ImageGenerationRequest>, limits = DEFAULT_LIMITS): GenerationPlan {
  const result = planned(body, limits);
  if (!('plan' in result)) throw new Error(`refused: ${JSON.stringify(result.violations)}`);
  return result.plan;
}

async function synthesize(p: GenerationPlan, index = 0, stage?: { step: number; of: number }) {
  await prepareSynthesis(p);
  return synthesizeImage(p, index, stage);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The panel box: where the opaque pixels of the transparent rendering are. */
function labelBox(p: GenerationPlan) {
  const clear = renderRaster({ ...imageSpec(p, 0), transparent: true });
  let [left, top, right, bottom] = [clear.width, clear.height, -1, -1];
  for (let y = 0; y < clear.height; y++) {
    for (let x = 0; x < clear.width; x++) {
      if (clear.data[(y * clear.width + x) * 4 + 3] === 0) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, right, bottom };
}

/** Mean absolute RGB difference between the decoded image and the raster, inside `box`. */
function labelError(image: DecodedImage, p: GenerationPlan, box: ReturnType<typeof labelBox>) {
  const expected = renderRaster(imageSpec(p, 0)).data;
  let sum = 0;
  let count = 0;
  let darkest = 255;
  let lightest = 0;
  for (let y = box.top; y <= box.bottom; y++) {
    for (let x = box.left; x <= box.right; x++) {
      const at = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs((image.data[at + c] ?? 0) - (expected[at + c] ?? 0));
      count += 3;
      const luma = ((image.data[at] ?? 0) + (image.data[at + 1] ?? 0) + (image.data[at + 2] ?? 0)) / 3;
      darkest = Math.min(darkest, luma);
      lightest = Math.max(lightest, luma);
    }
  }
  return { mean: sum / count, contrast: lightest - darkest };
}

const alphaAt = (image: DecodedImage, x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];

const rasterCases: [string, Partial<ImageGenerationRequest>, { lossy: boolean }][] = [
  ['png, gpt-image-1 1024x1024', { output_format: 'png' }, { lossy: false }],
  [
    'png transparent',
    { output_format: 'png', background: 'transparent', aspect_ratio: '3:2' },
    { lossy: false },
  ],
  ['jpeg, compression 100', { output_format: 'jpeg', aspect_ratio: '2:3' }, { lossy: true }],
  ['jpeg, compression 40', { output_format: 'jpeg', output_compression: 40 }, { lossy: true }],
  ['webp lossless (compression 100)', { output_format: 'webp' }, { lossy: false }],
  ['webp lossless transparent', { output_format: 'webp', background: 'transparent' }, { lossy: false }],
  ['webp lossy', { output_format: 'webp', output_compression: 70 }, { lossy: true }],
  [
    'webp lossy transparent',
    { output_format: 'webp', output_compression: 70, background: 'transparent' },
    { lossy: true },
  ],
  [
    'jpeg, Seedream default, 16:9 1K',
    { model: 'bytedance-seed/seedream-4.5', aspect_ratio: '16:9', resolution: '1K' },
    { lossy: true },
  ],
  [
    'jpeg, FLUX exact 1000x600 (not a multiple of 16)',
    { model: 'black-forest-labs/flux.2-pro', size: '1000x600' },
    { lossy: true },
  ],
  [
    'png, Gemini 3.1 512 at 1:8',
    { model: 'google/gemini-3.1-flash-image', resolution: '512', aspect_ratio: '1:8' },
    { lossy: false },
  ],
];

describe('every raster format decodes elsewhere, at the size the request implies', () => {
  it.each(rasterCases)('%s', async (_, body, { lossy }) => {
    const p = plan(body);
    const image = await synthesize(p);
    expect(image.mediaType).toBe(`image/${p.format}`);
    const decoded = decodeImage(image.bytes, image.mediaType);
    expect([decoded.width, decoded.height]).toEqual([p.width, p.height]);
    // Transparent: an alpha channel, the background fully transparent; otherwise no alpha at all.
    expect(decoded.channels).toBe(p.transparent ? 4 : 3);
    const corners = [
      [0, 0],
      [p.width - 1, 0],
      [0, p.height - 1],
      [p.width - 1, p.height - 1],
    ] as const;
    for (const [x, y] of corners) expect(alphaAt(decoded, x, y)).toBe(p.transparent ? 0 : 255);
    // The label is there and readable: the same pixels (lossless) or close, with ink on paper.
    const box = labelBox(p);
    expect(alphaAt(decoded, (box.left + box.right) >> 1, (box.top + box.bottom) >> 1)).toBe(255);
    const { mean, contrast } = labelError(decoded, p, box);
    if (lossy) expect(mean).toBeLessThan(p.compression !== undefined && p.compression < 50 ? 12 : 6);
    else expect(mean).toBe(0);
    expect(contrast).toBeGreaterThan(100);
  });

  it('webp is lossless at output_compression 100 (the default) and lossy below; alpha only when transparent', async () => {
    const info = async (body: Partial<ImageGenerationRequest>) =>
      webpInfo((await synthesize(plan({ output_format: 'webp', ...body }))).bytes);
    expect(await info({})).toEqual({ lossless: true, alpha: false });
    expect(await info({ background: 'transparent' })).toEqual({ lossless: true, alpha: true });
    expect(await info({ output_compression: 99 })).toEqual({ lossless: false, alpha: false });
    expect(await info({ output_compression: 0, background: 'transparent' })).toEqual({
      lossless: false,
      alpha: true,
    });
  });

  it('output_compression trades bytes for fidelity in jpeg and webp', async () => {
    for (const format of ['jpeg', 'webp'] as const) {
      const sizes = [];
      for (const output_compression of [10, 50, 95]) {
        sizes.push((await synthesize(plan({ output_format: format, output_compression }))).bytes.length);
      }
      expect(sizes[0]).toBeLessThan(sizes[1] ?? 0);
      expect(sizes[1]).toBeLessThan(sizes[2] ?? 0);
    }
  });

  it('quality changes the detail drawn (and the bytes): low < medium < high', async () => {
    const images = [];
    for (const quality of ['low', 'medium', 'high'] as const) {
      const image = await synthesize(plan({ output_format: 'png', quality }));
      images.push({
        bytes: image.bytes.length,
        colours: distinctColours(decodeImage(image.bytes, 'image/png'), 1),
      });
    }
    expect(images[0]?.colours).toBeLessThan(images[1]?.colours ?? 0);
    expect(images[1]?.colours).toBeLessThan(images[2]?.colours ?? 0);
    expect(images[0]?.bytes).toBeLessThan(images[2]?.bytes ?? 0);
  });

  it('both libwebp builds (SIMD and plain) give the same bytes', async () => {
    const [simd, plain] = await Promise.all([loadWebpBuild(true), loadWebpBuild(false)]);
    const raster = renderRaster({
      ...imageSpec(plan({ background: 'transparent' }), 0),
      width: 256,
      height: 160,
    });
    for (const options of [{ lossless: true }, { lossless: false, quality: 80 }]) {
      const a = simd.encode(raster.data, raster.width, raster.height, webpOptions(options));
      const b = plain.encode(raster.data, raster.width, raster.height, webpOptions(options));
      expect(a && sha256(a)).toBe(b && sha256(b));
    }
  });
});

describe('partial previews (stage)', () => {
  it.each(['png', 'jpeg', 'webp'] as const)(
    '%s: a real image of the final size, deterministic, unfinished',
    async (format) => {
      const p = plan({ output_format: format });
      const final = await synthesize(p);
      const first = await synthesize(p, 0, { step: 0, of: 2 });
      const second = await synthesize(p, 0, { step: 1, of: 2 });
      for (const partial of [first, second]) {
        const decoded = decodeImage(partial.bytes, partial.mediaType);
        expect([decoded.width, decoded.height]).toEqual([p.width, p.height]);
        expect(sha256(partial.bytes)).not.toBe(sha256(final.bytes));
      }
      expect(sha256(first.bytes)).not.toBe(sha256(second.bytes));
      expect(sha256((await synthesize(p, 0, { step: 0, of: 2 })).bytes)).toBe(sha256(first.bytes));
      // Fewer label lines, coarser colour: fewer distinct colours than the finished image.
      const colours = (bytes: Uint8Array) => distinctColours(decodeImage(bytes, `image/${format}`), 2);
      expect(colours(first.bytes)).toBeLessThan(colours(second.bytes));
      expect(colours(second.bytes)).toBeLessThan(colours(final.bytes));
    },
  );

  it('svg: well-formed, same size, fewer shapes and lines', async () => {
    const p = plan({ model: 'recraft/recraft-v3-svg' });
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const final = text((await synthesize(p)).bytes);
    const partial = text((await synthesize(p, 0, { step: 0, of: 2 })).bytes);
    expect(parseSvg(partial).attributes).toMatchObject({ width: String(p.width), height: String(p.height) });
    expect(parseSvg(partial).text.length).toBeLessThan(parseSvg(final).text.length);
    expect(partial.split('<circle').length).toBeLessThan(final.split('<circle').length);
  });
});

describe('svg', () => {
  const hostile = `</text><script>alert("x")</script> & 'quotes' <![CDATA[ ]]> \u0001\u0008 end`;

  it('is UTF-8 markup a strict XML parser accepts, of the asked size, with the prompt as text', async () => {
    const p = plan({ model: 'recraft/recraft-v3-svg', prompt: hostile, aspect_ratio: '16:9' });
    const image = await synthesize(p);
    expect(image.mediaType).toBe('image/svg+xml');
    const markup = new TextDecoder('utf-8', { fatal: true }).decode(image.bytes);
    const svg = parseSvg(markup);
    expect(svg.attributes).toMatchObject({ width: '1820', height: '1024', viewBox: '0 0 1820 1024' });
    // The prompt comes back as text (escaped in the markup, decoded by the parser), never as markup.
    expect(svg.text.join(' ')).toContain(`</text><script>alert("x")</script> & 'quotes' <![CDATA[ ]]>`);
    expect(markup).not.toContain('<script');
    for (const control of ['\u0001', '\u0008']) expect(markup).not.toContain(control);
  });
});

describe('determinism', () => {
  const bodies: Partial<ImageGenerationRequest>[] = [
    { output_format: 'png', background: 'transparent' },
    { output_format: 'jpeg', output_compression: 80 },
    { output_format: 'webp' },
    { output_format: 'webp', output_compression: 60, background: 'transparent' },
    { model: 'recraft/recraft-v3-svg' },
  ];
  let here: string[] = [];

  beforeAll(async () => {
    here = [];
    for (const body of bodies) here.push(sha256((await synthesize(plan(body), 1)).bytes));
  });

  it('the same request gives the same bytes; another index or prompt gives others', async () => {
    for (const [i, body] of bodies.entries()) {
      expect(sha256((await synthesize(plan({ ...body }), 1)).bytes)).toBe(here[i]);
      expect(sha256((await synthesize(plan(body), 2)).bytes)).not.toBe(here[i]);
      expect(sha256((await synthesize(plan({ ...body, prompt: 'a lighthouse' }), 1)).bytes)).not.toBe(
        here[i],
      );
    }
  });

  it('a file is cached the second time it is asked for, so requests that never repeat do not churn the cache', async () => {
    const p = plan({ prompt: 'asked for three times, in the cache from the second' });
    const first = await synthesize(p);
    const second = await synthesize(p);
    const third = await synthesize(p);

    expect(second.bytes).not.toBe(first.bytes);
    expect(third.bytes).toBe(second.bytes);
    expect(sha256(third.bytes)).toBe(sha256(first.bytes));
    expect(imageBase64(third.bytes)).toBe(Buffer.from(first.bytes).toString('base64'));
  });

  it('another process gives the same bytes, format by format', () => {
    const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const script = [
      `import { createHash } from 'node:crypto';`,
      `import { prepareSynthesis, synthesizeImage } from ${url('../../src/core/images.ts')};`,
      `import { Catalog } from ${url('../../src/models/catalog.ts')};`,
      `import { DEFAULT_LIMITS, planGeneration } from ${url('../../src/models/plan.ts')};`,
      `const catalog = new Catalog();`,
      `const out = [];`,
      `for (const body of ${JSON.stringify(bodies)}) {`,
      `  const { plan: p } = planGeneration({ model: ${JSON.stringify(GPT)}, prompt: ${JSON.stringify(PROMPT)}, seed: 7, ...body }, catalog, DEFAULT_LIMITS, 0);`,
      `  await prepareSynthesis(p);`,
      `  out.push(createHash('sha256').update(synthesizeImage(p, 1).bytes).digest('hex'));`,
      `}`,
      `process.stdout.write(JSON.stringify(out));`,
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual(here);
  });
});

describe('bounded', () => {
  it('refuses a size beyond the configured limit with a 400 naming it, before synthesis', () => {
    const limits = { maxPixelsPerImage: 1_100_000, maxPixelsPerResponse: 2_000_000 };
    const refuse = (body: Partial<ImageGenerationRequest>) => {
      const result = planned(body, limits);
      if (!('violations' in result)) throw new Error('expected a refusal');
      expect(result.status).toBe(400);
      return refusalError(result).message;
    };
    expect(refuse({ output_format: 'jpeg', aspect_ratio: '3:2' })).toContain(
      'exceeds the limit of 1100000 pixels per image',
    );
    expect(refuse({ model: 'bytedance-seed/seedream-4.5', resolution: '1K', n: 3 })).toContain(
      'exceed the limit of 2000000 pixels per response',
    );
  });
});
