import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CAMPAIGN_SCHEMA_PATH,
  buildCampaignJsonSchema,
  renderCampaignJsonSchema,
} from '../../src/campaign/json-schema';

const ROOT = path.join(__dirname, '..', '..');

/** Paths of object properties that carry no description, anywhere in the schema. */
function undescribedProperties(node: unknown, at = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => undescribedProperties(item, `${at}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const properties = (record.properties ?? {}) as Record<string, Record<string, unknown>>;
  const own = Object.entries(properties)
    .filter(([, property]) => typeof property.description !== 'string')
    .map(([key]) => `${at}/properties/${key}`);
  return [...own, ...Object.entries(record).flatMap(([key, value]) => undescribedProperties(value, `${at}/${key}`))];
}

describe('schema/campaign.schema.json', () => {
  it('matches the zod schema (run "npx tsx scripts/generate-schema.ts" after changing it)', () => {
    const committed = readFileSync(path.join(ROOT, CAMPAIGN_SCHEMA_PATH), 'utf8');
    const hint = 'schema/campaign.schema.json is out of date: run npx tsx scripts/generate-schema.ts';
    expect({ upToDate: committed === renderCampaignJsonSchema(), hint }).toEqual({ upToDate: true, hint });
  });

  it('describes every field', () => {
    expect(undescribedProperties(buildCampaignJsonSchema())).toEqual([]);
  });

  it('refuses unknown keys at the top level and in every section', () => {
    const schema = buildCampaignJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties?: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const section of ['image', 'rollout', 'deadlines', 'poll', 'windows', 'retry']) {
      expect({ section, additionalProperties: schema.properties[section]?.additionalProperties }).toEqual({
        section,
        additionalProperties: false,
      });
    }
  });
});
