// The control document restates two lists of the code; they must not drift apart.
import { describe, expect, it } from 'vitest';
import { controlDocument } from '../../src/contract/control-document.gen.ts';
import { openApiDocument } from '../../src/contract/document.gen.ts';
import { MEDIA_TYPES } from '../../src/contract/media-types.ts';
import { ERROR_SCENARIOS, FAULT_SCENARIOS } from '../../src/scenarios/catalog.ts';

const schemas = controlDocument.components.schemas;

describe('openapi/mock-control.yaml', () => {
  it('lists every scenario of the catalog, and no other', () => {
    expect(schemas.ScenarioName.enum).toEqual([
      ...Object.keys(ERROR_SCENARIOS),
      ...Object.keys(FAULT_SCENARIOS),
    ]);
  });

  it('offers the contract’s output formats and media types', () => {
    expect(schemas.SynthesizeOptions.properties.format.enum).toEqual(
      openApiDocument.components.schemas.OutputFormat.enum,
    );
    expect([...schemas.ResponseImage.properties.media_type.enum].sort()).toEqual(
      Object.values(MEDIA_TYPES).sort(),
    );
  });
});
