// The faults a client must survive, each answering as the service documents it. Data, so the
// README table, the `Prefer` header, the CLI and `scenarios.*` all read the same list.

/** An error answer the service gives instead of images. */
export interface ErrorScenario {
  status: number;
  message: string;
  metadata?: Record<string, unknown>;
  /** Seconds, sent as `Retry-After` (429, 503). */
  retryAfter?: number;
  description: string;
}

const imageError = (errorType: string, message: string, status = 400): ErrorScenario => ({
  status,
  message,
  metadata: { error_type: errorType },
  description: `${status} with \`error.metadata.error_type: "${errorType}"\``,
});

/** Named error scenarios, by the name `Prefer: scenario=<name>` and `--scenario <name>` take. */
export const ERROR_SCENARIOS = {
  'invalid-image': imageError('invalid_image', 'Invalid image: the reference image could not be decoded'),
  'image-too-large': imageError('image_too_large', 'Image too large: reference images must be at most 20 MB'),
  'image-too-small': imageError(
    'image_too_small',
    'Image too small: reference images must be at least 64x64 pixels',
  ),
  'unsupported-image-format': imageError(
    'unsupported_image_format',
    'Unsupported image format: use PNG, JPEG, WebP or GIF reference images',
  ),
  'image-download-failed': imageError(
    'image_download_failed',
    'Image download failed: the reference image URL could not be fetched',
  ),
  unauthorized: {
    status: 401,
    message: 'User not found.',
    description: '401, as for a revoked or unknown key',
  },
  'insufficient-credits': {
    status: 402,
    message: 'Insufficient credits. Add more using https://openrouter.ai/credits',
    description: '402, the account cannot pay for the request',
  },
  moderation: {
    status: 403,
    message: 'Your input was flagged by moderation',
    metadata: {
      reasons: ['violence'],
      flagged_input: 'the start of the flagged prompt…',
      provider_name: 'OpenAI',
      model_slug: 'openai/gpt-image-1',
    },
    description: '403 with moderation metadata (`reasons`, `flagged_input`, `provider_name`, `model_slug`)',
  },
  'not-found': { status: 404, message: 'Resource not found', description: '404' },
  'image-not-found': imageError('image_not_found', 'Image not found', 404),
  'request-timeout': { status: 408, message: 'Request timed out', description: '408' },
  'payload-too-large': { status: 413, message: 'Request payload too large', description: '413' },
  'rate-limited': {
    status: 429,
    message: 'Rate limit exceeded',
    retryAfter: 1,
    description: '429 with `Retry-After` (seconds; `retry-after=N` or `{ retryAfter }` sets it)',
  },
  'internal-error': { status: 500, message: 'Internal Server Error', description: '500' },
  'generation-failed': {
    status: 502,
    message: 'Provider returned error',
    metadata: { provider_name: 'OpenAI', raw: 'image generation failed' },
    description: '502: the provider failed or the generation was cancelled; nothing is charged',
  },
  'no-provider': {
    status: 503,
    message: 'No available provider could serve this request',
    retryAfter: 5,
    description: '503 with `Retry-After`',
  },
  'edge-timeout': { status: 524, message: 'Request timed out. Please try again later.', description: '524' },
  'provider-overloaded': { status: 529, message: 'Provider returned error', description: '529' },
} satisfies Record<string, ErrorScenario>;

export type ErrorScenarioName = keyof typeof ERROR_SCENARIOS;

/** Stream and timing faults, by name; each sets one field of a `Scenario`. */
export const FAULT_SCENARIOS = {
  slow: 'answer after `latency` ms (default 1000), fixed or seeded random between two bounds',
  'stream-error': 'an `error` event after `after` events (default 1), then the stream ends',
  'stream-drop': 'the connection drops after `after` events (default 1), without `[DONE]`',
  'keep-alive': '`: keep-alive` comment lines before every event',
  'split-frames': 'every SSE frame cut into several chunks, some mid-line',
  'merged-frames': 'several SSE frames per chunk',
  'fewer-images': 'fewer images than `n` (`count`, default n - 1, at least 1): `n` is an upper bound',
} as const;

export type FaultScenarioName = keyof typeof FAULT_SCENARIOS;
export type ScenarioName = ErrorScenarioName | FaultScenarioName;

export const isErrorScenario = (name: string): name is ErrorScenarioName =>
  Object.hasOwn(ERROR_SCENARIOS, name);
export const isFaultScenario = (name: string): name is FaultScenarioName =>
  Object.hasOwn(FAULT_SCENARIOS, name);

/** The first error scenario with this status: what `Prefer: code=<status>` selects. */
export function errorScenarioForStatus(status: number): ErrorScenario | undefined {
  return Object.values(ERROR_SCENARIOS).find((scenario) => scenario.status === status);
}
