/** Renders a campaign report as JSON, CSV or Markdown. Reports carry no secret: only outcomes and OVH's words. */
import type { CampaignReport, ServerReportRow } from '../shared/campaign-report-types';
import { ServerOutcome } from '../shared/failure-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import { BOOT_NOT_VERIFIED } from './boot-verification';
import { callbackSentence } from './callback-summary';
import { humanDuration } from './output';

export const REPORT_FORMATS = ['json', 'csv', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const COLUMNS = [
  'serviceName',
  'state',
  'outcome',
  'failureType',
  'message',
  'attempts',
  'deployments',
  'apiCalls',
  'serverDurationMs',
  'installingMs',
] as const;

/** Whether the report names OVH accounts: only when some server is not the default account's. */
export function namesAccounts(rows: readonly { account?: string }[]): boolean {
  return rows.some((row) => row.account !== undefined && row.account !== DEFAULT_ACCOUNT);
}

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row's cell; a done server of a campaign with callbacks says `calledBack` true or false, never blank. */
function csvValue(row: ServerReportRow, column: keyof ServerReportRow): unknown {
  if (column === 'calledBack' && row.outcome === ServerOutcome.Done) return row.calledBack === true;
  return row[column];
}

function toCsv(report: CampaignReport): string {
  const named: readonly (keyof ServerReportRow)[] = namesAccounts(report.servers)
    ? ['serviceName', 'account', ...COLUMNS.slice(1)]
    : COLUMNS;
  const columns = report.totals.calledBack === undefined ? named : [...named, 'calledBack' as const];
  const rows = report.servers.map((row) => columns.map((column) => csvCell(csvValue(row, column))).join(','));
  return [columns.join(','), ...rows].join('\n');
}

function mdCell(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function toMarkdown(report: CampaignReport): string {
  const t = report.totals;
  const outcomes = Object.entries(t.byOutcome).map(([outcome, n]) => `| ${outcome} | ${n} |`);
  const accounts = namesAccounts(report.servers);
  const rows = report.servers.map(
    (r) =>
      `| ${mdCell(r.serviceName)} |${accounts ? ` ${mdCell(r.account)} |` : ''} ${mdCell(r.outcome ?? r.state)} | ${mdCell(r.failureType)} | ${mdCell(r.message)} | ${r.attempts} | ${mdCell(r.deployments)} | ${r.serverDurationMs === undefined ? '' : humanDuration(r.serverDurationMs)} | ${mdCell(r.apiCalls)} |`,
  );
  return [
    `# Campaign ${report.campaignId}: ${report.finalState}`,
    '',
    report.reason ? `Reason: ${report.reason}\n` : '',
    report.bootNotVerified ? `${BOOT_NOT_VERIFIED}\n` : '',
    `Duration ${humanDuration(report.finishedAtMs - report.startedAtMs)}, ${t.servers} servers, ${t.failures} failures (budget ${t.failureBudget}), ${t.apiCalls} OVH API calls.`,
    '',
    paragraph(callbackSentence(t, report.servers)),
    '| outcome | servers |',
    '|---|---|',
    ...outcomes,
    '',
    `| server |${accounts ? ' account |' : ''} outcome | failure type | message | attempts | deployments | duration | API calls |`,
    `|---|${accounts ? '---|' : ''}---|---|---|---|---|---|---|`,
    ...rows,
    ...failedNotifications(report),
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}

/** A sentence as a paragraph of its own (nothing when there is none). */
function paragraph(sentence: string | undefined): string {
  return sentence ? `${sentence}\n` : '';
}

/** The notifications that could not be delivered, as a table after the servers' (nothing when none failed). */
function failedNotifications(report: CampaignReport): string[] {
  const failed = report.failedNotifications ?? [];
  if (failed.length === 0) return [];
  return [
    '',
    'Notifications not delivered:',
    '',
    '| event | target | message |',
    '|---|---|---|',
    ...failed.map((f) => `| ${f.event} | ${f.target} | ${mdCell(f.message)} |`),
  ];
}

/** The report in `format`. */
export function formatReport(report: CampaignReport, format: ReportFormat): string {
  if (format === 'csv') return toCsv(report);
  if (format === 'markdown') return toMarkdown(report);
  return JSON.stringify(report, null, 2);
}
