// Short names for the generated contract types. Nothing here restates a schema: every type is
// an alias into openapi.gen.ts, which `npm run generate` writes from the OpenAPI document.
import type { components } from './openapi.gen.ts';

type Schemas = components['schemas'];

export type SchemaName = keyof Schemas;
export type ImageGenerationRequest = Schemas['ImageGenerationRequest'];
export type ImageGenerationResponse = Schemas['ImageGenerationResponse'];
export type ImageGenerationUsage = Schemas['ImageGenerationUsage'];
export type GeneratedImage = Schemas['GeneratedImage'];
export type AspectRatio = Schemas['AspectRatio'];
export type Resolution = Schemas['Resolution'];
export type OutputFormat = Schemas['OutputFormat'];
export type Background = Schemas['Background'];
export type Quality = Schemas['Quality'];
export type ImageStreamEvent = Schemas['ImageStreamEvent'];
export type ImagePartialImageEvent = Schemas['ImagePartialImageEvent'];
export type ImageTextChunkEvent = Schemas['ImageTextChunkEvent'];
export type ImageCompletedEvent = Schemas['ImageCompletedEvent'];
export type ImageStreamErrorEvent = Schemas['ImageStreamErrorEvent'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type ImageModelsListResponse = Schemas['ImageModelsListResponse'];
export type ImageModelListItem = Schemas['ImageModelListItem'];
export type ImageModelArchitecture = Schemas['ImageModelArchitecture'];
export type ImageModelEndpointsResponse = Schemas['ImageModelEndpointsResponse'];
export type ImageEndpoint = Schemas['ImageEndpoint'];
export type ImagePricingEntry = Schemas['ImagePricingEntry'];
export type SupportedParameters = Schemas['SupportedParameters'];
export type CapabilityDescriptor = Schemas['CapabilityDescriptor'];
export type EnumCapability = Schemas['EnumCapability'];
export type RangeCapability = Schemas['RangeCapability'];
