/** `reimage report CAMPAIGN --format json|csv|markdown`: the campaign's report, final or so far. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { campaignProgressQuery } from '../../shared/campaign-messages';
import type { CampaignReport } from '../../shared/campaign-report-types';
import { loadClientConfig } from '../../config';
import { campaignWorkflowId } from '../../shared/workflow-ids';
import { readCampaignHistory } from '../report-html/campaign-history';
import { renderHtmlReport } from '../report-html/html-report';
import { buildReportModel } from '../report-html/report-model';
import { connectClient } from '../../temporal/connection';
import { bootNotVerified } from '../boot-verification';
import { campaignHandle, requirePositional } from '../campaign-client';
import { UsageError } from '../errors';
import { campaignExitCode } from '../exit-codes';
import { campaignHostKeys, knownHostsText } from '../known-hosts';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../report-format';

export const usage = `reimage report CAMPAIGN [--format json|csv|markdown|html|known-hosts] [--out FILE]

Prints the campaign's report: per server the outcome, failure type, OVH's message, attempts, timings and
OVH API calls, plus totals. For a campaign still running, the report so far (final state "running").

--format html writes one self-contained page (no network needed to open it): a timeline with one row per
server and one bar per phase, waves, maintenance windows and operator actions, outcome totals, failures
against the budget, duration percentiles, and OVH calls over time (an estimate: each phase's calls spread
over the phase, so no rate limit is drawn against it). It reads the campaign's history as well as its
report.

--format known-hosts prints an OpenSSH known_hosts file: the SSH host keys each done server sent with its
callback (campaigns with completion.callback), so the first SSH to a reimaged server is verified.

Examples:
  reimage report spring-refresh --format markdown > report.md
  reimage report spring-refresh --format csv --out report.csv
  reimage report spring-refresh --format html --out spring-refresh.html
  reimage report spring-refresh --format known-hosts >> ~/.ssh/known_hosts`;

const FORMATS = [...REPORT_FORMATS, 'html', 'known-hosts'] as const;

/** The final report of a finished campaign, or a report built from its progress while it runs. */
export async function fetchReport(
  client: Client,
  campaignId: string,
): Promise<CampaignReport & { finalState: string }> {
  const handle = await campaignHandle(client, campaignId);
  const description = await handle.describe();
  const unverified = bootNotVerified(description.memo) ? { bootNotVerified: true as const } : {};
  if (description.status.name === 'COMPLETED') return { ...((await handle.result()) as CampaignReport), ...unverified };
  const progress = await handle.query(campaignProgressQuery);
  return {
    campaignId,
    finalState: description.status.name === 'RUNNING' ? 'running' : description.status.name.toLowerCase(),
    reason: progress.haltReason,
    startedAtMs: description.startTime.getTime(),
    finishedAtMs: Date.now(),
    runs: progress.run,
    totals: progress.totals,
    waveStartedAtMs: progress.waveStartedAtMs,
    servers: progress.servers,
    ...unverified,
  } as CampaignReport & { finalState: string };
}

/** The HTML report of a campaign: its report, plus its history for the phase spans and the operator's actions. */
export async function campaignHtmlReport(client: Client, report: CampaignReport): Promise<string> {
  const history = await readCampaignHistory(client, campaignWorkflowId(report.campaignId));
  return renderHtmlReport(buildReportModel(report, history));
}

async function reportText(client: Client, report: CampaignReport, format: string): Promise<string> {
  if (format === 'html') return campaignHtmlReport(client, report);
  if (format === 'known-hosts')
    return knownHostsText(report.servers, await campaignHostKeys(client, report.campaignId));
  return formatReport(report, format as ReportFormat);
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
  const campaignId = requirePositional(positionals, 'the campaign ID', usage);
  if (!(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${values.format}").`);
  }
  const client = await connectClient(loadClientConfig(env));
  const report = await fetchReport(client, campaignId);
  const text = await reportText(client, report, values.format);
  if (values.out) writeFileSync(values.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  return campaignExitCode((report.finalState as string) !== 'running', report.totals);
}
