// First: on an old Node, one clear error before anything else loads.
import '../require-node.ts';
/* A framework-free handle: for jest, node:test or anything with before/after hooks */
export {
  createImagesMockHandle,
  type ImagesMockHandle,
  type ImagesMockHandleOptions,
  type Override,
} from './handle.ts';
export {
  type AnswerOverride,
  type ImageSource,
  type OverrideOptions,
  type RespondWithSpec,
  respondWith,
  type SynthesizedImageOptions,
} from './respond-with.ts';
export { scenarios } from '../handlers/scenarios.ts';
export type { RecordedRequest } from '../core/journal.ts';
