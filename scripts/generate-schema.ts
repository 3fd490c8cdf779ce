/**
 * Writes schema/campaign.schema.json from the campaign file's zod schema. Run after changing
 * src/campaign/schema*.ts:  npx tsx scripts/generate-schema.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CAMPAIGN_SCHEMA_PATH, renderCampaignJsonSchema } from '../src/campaign/json-schema';

const target = path.join(__dirname, '..', CAMPAIGN_SCHEMA_PATH);
writeFileSync(target, renderCampaignJsonSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
