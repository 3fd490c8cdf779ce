/** `reimage report CAMPAIGN --format json|csv|markdown`: the campaign's report, final or so far. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { campaignProgressQuery } from '../../shared/campaign-messages';
import type { CampaignReport } from '../../shared/campaign-report-types';
import { loadClientConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import { campaignHandle, requirePositional } from '../campaign-client';
import { UsageError } from '../errors';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../report-format';

export const usage = `reimage report CAMPAIGN [--format json|csv|markdown] [--out FILE]

Prints the campaign's report: per server the outcome, failure type, OVH's message, attempts, timings and
OVH API calls, plus totals. For a campaign still running, the report so far (final state "running").

Examples:
  reimage report spring-refresh --format markdown > report.md
  reimage report spring-refresh --format csv --out report.csv`;

/** The final report of a finished campaign, or a report built from its progress while it runs. */
export async function fetchReport(
  client: Client,
  campaignId: string,
): Promise<CampaignReport & { finalState: string }> {
  const handle = await campaignHandle(client, campaignId);
  const description = await handle.describe();
  if (description.status.name === 'COMPLETED') return (await handle.result()) as CampaignReport;
  const progress = await handle.query(campaignProgressQuery);
  return {
    campaignId,
    finalState: description.status.name === 'RUNNING' ? 'running' : description.status.name.toLowerCase(),
    reason: progress.haltReason,
    startedAtMs: description.startTime.getTime(),
    finishedAtMs: Date.now(),
    runs: progress.run,
    totals: progress.totals,
    ...(progress.waveStartedAtMs ? { waveStartedAtMs: progress.waveStartedAtMs } : {}),
    servers: progress.servers,
  } as CampaignReport & { finalState: string };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { format: { type: 'string', default: 'json' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const campaignId = requirePositional(positionals, 'the campaign ID', usage);
  if (!REPORT_FORMATS.includes(values.format as ReportFormat)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${values.format}").`);
  }
  const client = await connectClient(loadClientConfig(env));
  const text = formatReport(await fetchReport(client, campaignId), values.format as ReportFormat);
  if (values.out) writeFileSync(values.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  return 0;
}
