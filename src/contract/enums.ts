// Enum values generated from the OpenAPI document, so code that lists or iterates them (size
// rules, defaults, the verify suite) never keeps its own copy. They are the document's own
// (`schemaEnums` is generated beside it), without bringing the whole document into a bundle.
import { schemaEnums } from './document.gen.ts';
import type { AspectRatio, Background, OutputFormat, Quality, Resolution } from './types.ts';

export const ASPECT_RATIOS = schemaEnums.AspectRatio as readonly AspectRatio[];
export const RESOLUTIONS = schemaEnums.Resolution as readonly Resolution[];
export const OUTPUT_FORMATS = schemaEnums.OutputFormat as readonly OutputFormat[];
export const BACKGROUNDS = schemaEnums.Background as readonly Background[];
export const QUALITIES = schemaEnums.Quality as readonly Quality[];
