/** The reports of a campaign whose servers call back: which done servers did, in every format. */
import { formatReport } from '../../src/cli/report-format';
import { buildReportModel } from '../../src/cli/report-html/report-model';
import { renderHtmlReport } from '../../src/cli/report-html/html-report';
import type { CampaignReport } from '../../src/shared/campaign-report-types';

const finished = { state: 'finished' as const, attempts: 1, deployments: 1, apiCalls: 5, serverDurationMs: 700_000 };

function report(calledBack: number | undefined): CampaignReport {
  return {
    campaignId: 'cb',
    finalState: 'done',
    startedAtMs: 1_790_000_000_000,
    finishedAtMs: 1_790_000_900_000,
    runs: 1,
    totals: {
      servers: 2,
      pending: 0,
      running: 0,
      finished: 2,
      notStarted: 0,
      byOutcome: { done: 2 },
      failures: 0,
      failureBudget: 0,
      apiCalls: 10,
      calledBack,
    },
    servers: [
      { serviceName: 'ns1.ip-1-2-3.eu', outcome: 'done', ...finished, calledBack: calledBack ? true : undefined },
      { serviceName: 'ns2.ip-1-2-3.eu', outcome: 'done', ...finished },
    ],
  };
}

const SUMMARY =
  'callbacks: 1 of 2 done servers called back (report --format known-hosts prints their SSH host keys); found by polling, without host keys: ns2.ip-1-2-3.eu';

describe('reports of a campaign with completion.callback', () => {
  it('say in Markdown how many done servers called back and name the others', () => {
    const lines = formatReport(report(1), 'markdown').split('\n');
    expect(lines.filter((line) => line.startsWith('Callbacks'))).toEqual([`C${SUMMARY.slice(1)}.`]);
  });

  it('add a calledBack column to the CSV, true or false for each done server', () => {
    expect(formatReport(report(1), 'csv').split('\n')).toEqual([
      'serviceName,state,outcome,failureType,message,attempts,deployments,apiCalls,serverDurationMs,installingMs,calledBack',
      'ns1.ip-1-2-3.eu,finished,done,,,1,1,5,700000,,true',
      'ns2.ip-1-2-3.eu,finished,done,,,1,1,5,700000,,false',
    ]);
  });

  it('say it in the HTML report', () => {
    const history = { results: new Map(), childStarts: new Map(), actions: [] };
    expect(renderHtmlReport(buildReportModel(report(1), history))).toContain(`<p>C${SUMMARY.slice(1)}.</p>`);
  });

  it('say nothing of callbacks for a campaign without completion.callback', () => {
    expect(formatReport(report(undefined), 'markdown')).not.toContain('allbacks');
    expect(formatReport(report(undefined), 'csv').split('\n')[0]).not.toContain('calledBack');
  });
});
