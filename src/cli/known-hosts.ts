/**
 * `reimage report CAMPAIGN --format known-hosts`: an OpenSSH known_hosts file with the host keys each done
 * server sent with its callback (campaigns with completion.callback), so the first SSH to a reimaged server
 * checks its key instead of trusting it on first use. The keys are read from the results of the campaign's
 * server workflows (found by their ReimageCampaignId search attribute): the latest done run of each server.
 */
import type { Client } from '@temporalio/client';
import type { CallbackHostKeys } from '../domain/completion';
import type { ServerReportRow } from '../shared/campaign-report-types';
import type { ServerResult } from '../shared/campaign-types';
import { ServerOutcome } from '../shared/failure-types';
import { campaignIdAttribute, outcomeAttribute } from '../shared/search-attributes';

/** The host keys of the campaign's done servers, by service name (servers that never called back have none). */
export async function campaignHostKeys(client: Client, campaignId: string): Promise<Map<string, CallbackHostKeys>> {
  const query = `${campaignIdAttribute.name} = ${JSON.stringify(campaignId)} AND ${outcomeAttribute.name} = "${ServerOutcome.Done}" AND WorkflowType = 'reimageServerWorkflow'`;
  const keys = new Map<string, CallbackHostKeys & { finishedAtMs: number }>();
  for await (const execution of client.workflow.list({ query })) {
    const result = (await client.workflow.getHandle(execution.workflowId, execution.runId).result()) as ServerResult;
    const known = keys.get(result.serviceName);
    if (!result.hostKeys || (known && known.finishedAtMs > result.finishedAtMs)) continue;
    keys.set(result.serviceName, { ...result.hostKeys, finishedAtMs: result.finishedAtMs });
  }
  return new Map([...keys].map(([name, { fqdn, keys: lines }]) => [name, { fqdn, keys: lines }]));
}

/** known_hosts lines for the done servers of `rows`, in report order; a comment names those without keys. */
export function knownHostsText(rows: readonly ServerReportRow[], keys: ReadonlyMap<string, CallbackHostKeys>): string {
  const done = rows.filter((row) => row.outcome === ServerOutcome.Done);
  const lines = done.flatMap((row) => {
    const host = keys.get(row.serviceName);
    const names = [row.serviceName, ...(host?.fqdn && host.fqdn !== row.serviceName ? [host.fqdn] : [])].join(',');
    return (host?.keys ?? []).map((key) => `${names} ${key}`);
  });
  const missing = done.filter((row) => !keys.get(row.serviceName)?.keys.length).map((row) => row.serviceName);
  const note = missing.length > 0 ? [`# No host keys (no callback): ${missing.join(', ')}`] : [];
  return [...lines, ...note].join('\n');
}
