/**
 * How CLI commands reach a campaign: its workflow handle from a campaign ID, and the latest campaign when
 * the ID is left out.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { campaignWorkflowId } from '../shared/workflow-ids';
import { UsageError } from './errors';

/** A campaign that does not exist in Temporal; the message names it and the latest campaigns. */
class CampaignNotFoundError extends Error {
  override name = 'CampaignNotFoundError';
}

/** How many recent campaigns a "not found" message names. */
const RECENT_CAMPAIGNS = 5;

/** The handle of campaign `campaignId`, checked to exist; the error names the recent campaigns. */
export async function campaignHandle(client: Client, campaignId: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(campaignWorkflowId(campaignId));
  try {
    await handle.describe();
  } catch {
    const recent = await recentCampaignIds(client, RECENT_CAMPAIGNS);
    const known = recent.length > 0 ? `the latest campaigns are ${recent.join(', ')}` : 'no campaign exists yet';
    throw new CampaignNotFoundError(
      `Campaign "${campaignId}" was not found in namespace "${client.options.namespace}": ${known}.`,
    );
  }
  return handle;
}

/** The IDs of the `count` most recently started campaigns, latest first. */
async function recentCampaignIds(client: Client, count: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: "WorkflowType = 'reimageCampaignWorkflow'" })) {
    ids.push(execution.workflowId.replace(/^campaign\//, ''));
    if (ids.length >= count) break;
  }
  return ids;
}

/** The most recently started campaign, for commands whose ID is optional. */
export async function latestCampaignId(client: Client): Promise<string> {
  const [latest] = await recentCampaignIds(client, 1);
  if (latest === undefined)
    throw new CampaignNotFoundError('No campaign was found. Start one with "reimage start FILE".');
  return latest;
}

/** The one positional argument a command requires, or a usage error naming it (or the arguments past it). */
export function requirePositional(positionals: string[], name: string, usage: string): string {
  const value = positionals[0];
  if (!value) throw new UsageError(`Missing ${name}.\n\n${usage}`);
  refuseExtraPositionals(positionals, 1, usage);
  return value;
}

/** A usage error naming the positional arguments past the first `expected` ones, if any. */
export function refuseExtraPositionals(positionals: readonly string[], expected: number, usage: string): void {
  const extra = positionals.slice(expected);
  if (extra.length === 0) return;
  const listed = extra.map((arg) => JSON.stringify(arg)).join(', ');
  throw new UsageError(
    `Unexpected argument${extra.length === 1 ? '' : 's'} ${listed} after the ${expected} this command takes; run it once per campaign or file.\n\n${usage}`,
  );
}
