// Enum values read from the OpenAPI document at run time, so code that lists or iterates them
// (size rules, defaults, the verify suite) never keeps its own copy.
import { openApiDocument } from './document.gen.ts';
import type { AspectRatio, Background, OutputFormat, Quality, Resolution } from './types.ts';

const schemas = openApiDocument.components.schemas;

export const ASPECT_RATIOS = schemas.AspectRatio.enum as readonly AspectRatio[];
export const RESOLUTIONS = schemas.Resolution.enum as readonly Resolution[];
export const OUTPUT_FORMATS = schemas.OutputFormat.enum as readonly OutputFormat[];
export const BACKGROUNDS = schemas.Background.enum as readonly Background[];
export const QUALITIES = schemas.Quality.enum as readonly Quality[];
