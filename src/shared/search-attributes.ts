/**
 * Custom search attributes, registered when the dev server starts and in docker-compose, so the Temporal UI
 * can filter a campaign's servers (`ReimageCampaignId = "..." AND ReimageOutcome = "deploy_failed"`).
 * Workflow-safe.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const campaignIdAttribute = defineSearchAttributeKey('ReimageCampaignId', SearchAttributeType.KEYWORD);
export const serverNameAttribute = defineSearchAttributeKey('ReimageServer', SearchAttributeType.KEYWORD);
export const datacenterAttribute = defineSearchAttributeKey('ReimageDatacenter', SearchAttributeType.KEYWORD);
export const phaseAttribute = defineSearchAttributeKey('ReimagePhase', SearchAttributeType.KEYWORD);
export const outcomeAttribute = defineSearchAttributeKey('ReimageOutcome', SearchAttributeType.KEYWORD);
/** The server's OVH account (the accounts file's name, or `default`). */
export const accountAttribute = defineSearchAttributeKey('ReimageAccount', SearchAttributeType.KEYWORD);

/** Every custom attribute, with the type name `temporal --search-attribute Name=Type` expects. */
export const SEARCH_ATTRIBUTES = [
  campaignIdAttribute,
  serverNameAttribute,
  datacenterAttribute,
  phaseAttribute,
  outcomeAttribute,
  accountAttribute,
].map((key) => ({ name: key.name, cliType: 'Keyword' as const }));
