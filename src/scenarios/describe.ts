import { ERROR_SCENARIOS, type ErrorScenario } from './catalog.ts';
import type { Latency, Scenario } from './scenario.ts';

/** The pacing every answer of a server gets unless told otherwise: not worth a word on each line. */
export interface UsualPacing {
  partialImages: number;
  interval: number;
}

/** The mock's own defaults (src/core/mock.ts). */
const DEFAULT_PACING: UsualPacing = { partialImages: 2, interval: 0 };

const latencyText = (latency: Latency) =>
  typeof latency === 'number' ? String(latency) : `${latency.min}-${latency.max}`;

/** The catalog's name of an error: same status and message, or same `error_type` (a custom message). */
function errorName(error: ErrorScenario): string | undefined {
  const type = error.metadata?.error_type;
  for (const [name, known] of Object.entries(ERROR_SCENARIOS) as [string, ErrorScenario][]) {
    if (known.status !== error.status) continue;
    if (known.message === error.message || (type !== undefined && known.metadata?.error_type === type))
      return name;
  }
  return undefined;
}

/**
 * A scenario in the words the `Prefer` header and `--scenario` take, for a person reading a log:
 * `stream-drop after=1`, `rate-limited retry-after=3`, `slow latency=100-400`. Empty when nothing
 * departs from the happy path (a `Prefer` header that asked for nothing the mock does). Pacing
 * equal to `usual` (a server's `--interval`, say) is left out: the server's own, not this answer's.
 */
export function describeScenario(scenario: Scenario, usual: UsualPacing = DEFAULT_PACING): string {
  const words: string[] = [];
  const { error } = scenario;
  if (error) {
    const name = errorName(error);
    words.push(name ?? `code=${error.status}`);
    const usual = name ? (ERROR_SCENARIOS as Record<string, ErrorScenario>)[name]?.retryAfter : undefined;
    if (error.retryAfter !== undefined && error.retryAfter !== usual)
      words.push(`retry-after=${error.retryAfter}`);
  }
  if (scenario.dropAfter !== undefined) words.push('stream-drop', `after=${scenario.dropAfter}`);
  if (scenario.streamErrorAfter !== undefined)
    words.push('stream-error', `after=${scenario.streamErrorAfter}`);
  if (scenario.keepAlive) words.push('keep-alive');
  if (scenario.framing) words.push(`${scenario.framing}-frames`);
  if (scenario.maxImages !== undefined)
    words.push(scenario.maxImages < 0 ? 'fewer-images' : `fewer-images count=${scenario.maxImages}`);
  if (scenario.latency !== undefined) {
    // Latency alone is what `slow` means; beside another scenario it is a modifier.
    if (words.length === 0) words.push('slow');
    words.push(`latency=${latencyText(scenario.latency)}`);
  }
  if (scenario.images) words.push(`given-images=${scenario.images.length}`);
  if (scenario.usage) words.push('given-usage');
  if (scenario.created !== undefined) words.push(`created=${scenario.created}`);
  if (scenario.checkResponse === false) words.push('unchecked');
  if (scenario.partialImages !== undefined && scenario.partialImages !== usual.partialImages)
    words.push(`partial-images=${scenario.partialImages}`);
  if (scenario.interval !== undefined && scenario.interval !== usual.interval)
    words.push(`interval=${scenario.interval}`);
  return words.join(' ');
}
