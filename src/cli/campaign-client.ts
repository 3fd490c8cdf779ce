/**
 * How CLI commands reach a campaign: its workflow handle from a campaign ID, and the latest campaign when
 * the ID is left out.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { campaignWorkflowId } from '../shared/workflow-ids';
import { UsageError } from './errors';

/** A campaign that does not exist in Temporal; the message names it and how to list campaigns. */
class CampaignNotFoundError extends Error {
  override name = 'CampaignNotFoundError';
}

/** The handle of campaign `campaignId`, checked to exist. */
export async function campaignHandle(client: Client, campaignId: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(campaignWorkflowId(campaignId));
  try {
    await handle.describe();
  } catch {
    throw new CampaignNotFoundError(
      `Campaign "${campaignId}" was not found in namespace "${client.options.namespace}". Run "reimage status" to list campaigns.`,
    );
  }
  return handle;
}

/** The most recently started campaign, for commands whose ID is optional. */
export async function latestCampaignId(client: Client): Promise<string> {
  for await (const execution of client.workflow.list({ query: "WorkflowType = 'reimageCampaignWorkflow'" })) {
    return execution.workflowId.replace(/^campaign\//, '');
  }
  throw new CampaignNotFoundError('No campaign was found. Start one with "reimage start FILE".');
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
