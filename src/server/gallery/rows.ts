import type { RecordedRequest } from '../../core/journal.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { redactHeaders, redactText, redactValue } from '../../secrets/redact.ts';
import { imageSize } from './image-size.ts';
import type { ImageStore } from './image-store.ts';

/** An image of a row, as kept by the store. */
export interface RowImage {
  index: number;
  mediaType: string;
  bytes: number;
  width?: number;
  height?: number;
}

/** What the gallery's list shows of one journal entry: small, flat, every text redacted. */
export interface GalleryRow {
  id: number;
  time: string;
  method: string;
  path: string;
  status: number | null;
  model: string | null;
  /** Cut to PROMPT_CHARS: the list shows a line of it; the detail has it whole. */
  prompt: string | null;
  /** What was asked for: `size`, else aspect ratio and resolution, else null (the model's default). */
  size: string | null;
  /** Media type of the first image kept, else the format asked for. */
  format: string | null;
  /** Images answered (or being streamed). */
  count: number;
  stream: boolean;
  images: RowImage[];
  scenario: string | null;
  valid: boolean;
  violations: number;
  /** The first violation's message. */
  violation: string | null;
  error: string | null;
  ms: number | null;
  generic: boolean;
}

const PROMPT_CHARS = 240;

const text = (value: unknown) => (typeof value === 'string' ? redactText(value) : null);

/** The row of `entry`, with the images the store still has. */
export function toRow(entry: RecordedRequest, store: ImageStore): GalleryRow {
  const body = (entry.body !== null && typeof entry.body === 'object' ? entry.body : {}) as Record<
    string,
    unknown
  >;
  const response = entry.response;
  const count = response?.images ?? 0;
  const images = keptImages(entry.id, count, store);
  const prompt = text(body.prompt);
  const asked =
    typeof body.size === 'string'
      ? body.size
      : [body.aspect_ratio, body.resolution].filter((v) => typeof v === 'string').join(' · ');
  const first = entry.verdict.violations[0];
  return {
    id: entry.id,
    time: entry.time,
    method: entry.method,
    path: redactText(entry.path),
    status: response?.status ?? null,
    model: text(body.model),
    prompt: prompt && prompt.length > PROMPT_CHARS ? `${prompt.slice(0, PROMPT_CHARS)}…` : prompt,
    size: asked ? redactText(asked) : null,
    format: images[0]?.mediaType ?? text(body.output_format),
    count,
    stream: response?.stream ?? false,
    images,
    scenario: entry.scenario ? scenarioLabel(entry.scenario, entry.headers.prefer) : null,
    valid: entry.verdict.valid,
    violations: entry.verdict.violations.length,
    violation: first ? redactText(first.message) : null,
    error: text(response?.error),
    ms: entry.ms ?? null,
    generic: entry.generic ?? false,
  };
}

function keptImages(id: number, count: number, store: ImageStore): RowImage[] {
  const images: RowImage[] = [];
  for (let index = 0; index < count; index++) {
    const image = store.get(id, index);
    if (!image) continue;
    const size = imageSize(image.bytes, image.mediaType);
    images.push({ index, mediaType: image.mediaType, bytes: image.bytes.byteLength, ...size });
  }
  return images;
}

/** A few words for a scenario: the `Prefer` header that asked for it, else its departures. */
export function scenarioLabel(scenario: Scenario, prefer: string | undefined): string {
  if (prefer) return redactText(prefer);
  const parts: string[] = [];
  if (scenario.error) parts.push(`error ${scenario.error.status}`);
  if (scenario.latency !== undefined) parts.push('latency');
  if (scenario.dropAfter !== undefined) parts.push(`drop after ${scenario.dropAfter}`);
  if (scenario.streamErrorAfter !== undefined) parts.push(`stream error after ${scenario.streamErrorAfter}`);
  if (scenario.keepAlive) parts.push('keep-alive');
  if (scenario.framing) parts.push(`${scenario.framing} frames`);
  if (scenario.maxImages !== undefined) parts.push(`max ${scenario.maxImages} images`);
  if (scenario.images) parts.push('given images');
  if (scenario.usage) parts.push('usage');
  return parts.join(', ') || 'default';
}

/**
 * The whole entry for the detail view: the journal's own record (what `GET /__mock/requests`
 * gives), every credential redacted again, given images named rather than inlined.
 */
export function toDetail(entry: RecordedRequest, store: ImageStore): unknown {
  const { scenario, headers, body, url, ...rest } = entry;
  const detail: Record<string, unknown> = redactValue({ ...rest, url });
  detail.headers = redactHeaders(headers);
  if (body !== undefined) detail.body = redactValue(body);
  if (scenario) {
    const { images, ...fields } = scenario;
    detail.scenario = {
      ...redactValue(fields),
      ...(images
        ? { images: images.map((i) => ({ mediaType: i.mediaType, bytes: i.bytes.byteLength })) }
        : {}),
    };
  }
  detail.images = keptImages(entry.id, entry.response?.images ?? 0, store);
  return detail;
}
