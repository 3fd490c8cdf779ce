/**
 * The JSON Schema of the campaign file, generated from the zod schema (schema/campaign.schema.json is this,
 * written by scripts/generate-schema.ts; a test fails when the committed file drifts).
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import { campaignFileSchema } from './schema';

/** Where the generated schema is committed, relative to the project root. */
export const CAMPAIGN_SCHEMA_PATH = 'schema/campaign.schema.json';

/** The JSON Schema document (draft-07) describing the campaign file's structure. */
export function buildCampaignJsonSchema(): Record<string, unknown> {
  // zod-to-json-schema's parameter type is its own zod copy's ZodType: the cast only bridges the two declarations.
  const generated = zodToJsonSchema(campaignFileSchema as never, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
  }) as Record<string, unknown>;
  const { $schema, ...body } = generated;
  return {
    $schema,
    title: 'reimage campaign file',
    ...body,
  };
}

/** The schema as committed: two-space JSON with a final newline. */
export function renderCampaignJsonSchema(): string {
  return `${JSON.stringify(buildCampaignJsonSchema(), null, 2)}\n`;
}
