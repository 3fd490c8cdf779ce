/**
 * The HTML report's renderer on synthetic campaigns (the real renderer, fed the shapes a campaign's report
 * and history have): its size at 2,000 servers, escaping, one bar per server-phase, and the marks.
 */
import { buildReportModel } from '../../src/cli/report-html/report-model';
import type { CampaignHistory } from '../../src/cli/report-html/campaign-history';
import { renderHtmlReport } from '../../src/cli/report-html/html-report';
import type { CampaignReport, ServerReportRow } from '../../src/shared/campaign-report-types';
import type { PhaseSpan, ServerResult, ServerTarget } from '../../src/shared/campaign-types';
import { testSettings } from '../workflows/helpers/settings';
import { writeTestLog } from '../helpers/test-log';

const T0 = Date.UTC(2026, 10, 30, 22, 0, 0);
const MESSAGE =
  'OVH reports that the deployment failed at step 5/9 "Downloading OS image" (task 1000008, customerError): Could not download image: 404 Not Found. Fix the image or the request, then retry the server.';

/** A finished campaign of `count` servers: waves 1, 5, then 10%; every 50th server fails its install. */
function syntheticCampaign(count: number, name = (i: number) => `ns${3_000_000 + i}.ip-51-68-12.eu`) {
  const targets: ServerTarget[] = Array.from({ length: count }, (_, i) => ({
    serviceName: name(i),
    datacenter: ['rbx8', 'gra11', 'sbg5'][i % 3]!,
    rack: `R${(i % 40) + 1}`,
  }));
  const waveSizes = [1, 5, ...Array(20).fill(Math.max(1, Math.floor(count / 10)))] as number[];
  const waveStarts: number[] = [];
  const results = new Map<string, ServerResult>();
  const rows: ServerReportRow[] = [];
  let index = 0;
  let clock = T0;
  for (const size of waveSizes) {
    if (index >= count) break;
    waveStarts.push(clock);
    for (let k = 0; k < size && index < count; k += 1, index += 1) {
      const failed = index % 50 === 49;
      const start = clock + k * 700;
      const spans: PhaseSpan[] = failed
        ? [
            ['preflight', 0, 2_100, 6],
            ['starting', 2_100, 3_000, 2],
            ['installing', 3_000, 240_000, 9],
            ['rolling_back', 240_000, 300_000, 6],
          ]
        : [
            ['preflight', 0, 2_100, 6],
            ['starting', 2_100, 3_000, 2],
            ['installing', 3_000, 640_000 + (index % 97) * 1000, 12],
            ['verifying', 640_000 + (index % 97) * 1000, 660_000 + (index % 97) * 1000, 1],
          ];
      const end = spans.at(-1)![2];
      const result: ServerResult = {
        serviceName: targets[index]!.serviceName,
        attempt: 1,
        outcome: failed ? 'deploy_failed' : 'done',
        ...(failed ? { failureType: 'DeployFailed' as const, message: MESSAGE } : {}),
        deployments: 1,
        startedAtMs: start,
        finishedAtMs: start + end,
        durations: {},
        phases: spans,
        apiCalls: spans.reduce((sum, s) => sum + s[3], 0),
      };
      results.set(result.serviceName, result);
    }
    clock += size * 700 + 700_000;
  }
  for (const target of targets) {
    const result = results.get(target.serviceName)!;
    rows.push({
      serviceName: target.serviceName,
      state: 'finished',
      outcome: result.outcome,
      ...(result.failureType ? { failureType: result.failureType, message: result.message } : {}),
      attempts: 1,
      deployments: 1,
      apiCalls: result.apiCalls,
      serverDurationMs: result.finishedAtMs - result.startedAtMs,
    });
  }
  const failures = rows.filter((r) => r.outcome !== 'done').length;
  const report: CampaignReport = {
    campaignId: 'synthetic',
    finalState: 'done',
    startedAtMs: T0,
    finishedAtMs: clock,
    runs: 3,
    totals: {
      servers: count,
      pending: 0,
      running: 0,
      finished: count,
      notStarted: 0,
      byOutcome: { done: count - failures, deploy_failed: failures },
      failures,
      failureBudget: Math.floor(count / 20),
      apiCalls: rows.reduce((sum, r) => sum + (r.apiCalls ?? 0), 0),
    },
    waveStartedAtMs: waveStarts,
    servers: rows,
  };
  const history: CampaignHistory = {
    input: {
      campaignId: 'synthetic',
      servers: targets,
      settings: testSettings('synthetic', {
        windows: { kind: 'absolute', windows: [{ startMs: T0 - 60_000, endMs: T0 + 3_600_000 }] },
      }),
    },
    results,
    childStarts: new Map(),
    actions: [
      { atMs: T0 + 900_000, kind: 'pause' },
      { atMs: T0 + 1_000_000, kind: 'resume' },
      { atMs: T0 + 1_100_000, kind: 'set-concurrency', detail: '40' },
    ],
  };
  return { report, history };
}

const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

describe('the HTML report', () => {
  it('renders a 2,000-server campaign in one file under 2 MB, one bar per server-phase', () => {
    const { report, history } = syntheticCampaign(2000);
    const html = renderHtmlReport(buildReportModel(report, history));
    const bytes = Buffer.byteLength(html);
    writeTestLog(`2,000 servers: ${bytes} bytes`);
    expect(bytes).toBeLessThan(2_000_000);
    const phases = [...history.results.values()].reduce((sum, r) => sum + r.phases!.length, 0);
    expect(count(html, /<rect class="b /g)).toBe(phases);
    expect(count(html, /<g class="row"/g)).toBe(2000);
    expect(count(html, /<rect class="b [a-z]+ fail"/g)).toBe(40);
    expect(count(html, /<g class="wave">/g)).toBe(report.waveStartedAtMs!.length);
    expect(count(html, /<g class="act">/g)).toBe(3);
    expect(count(html, /<rect class="win"/g)).toBe(1);
    // Self-contained: nothing is fetched.
    expect(html).not.toMatch(/\b(src|href)=|@import|url\(/);
    // The calls are an estimate: drawn as bars, against no limit.
    const calls = /<svg id="calls"[^>]*aria-label="OVH calls per [^"]+ \(estimated\)">(.*?)<\/svg>/.exec(html)?.[1];
    expect(calls).toContain('<rect class="callbar"');
    expect(calls).not.toContain('class="budget"');
  });

  it('escapes server names and OVH messages: no markup of theirs reaches the page', () => {
    const hostile = '<img src=x onerror=alert(1)>"&\'';
    const { report, history } = syntheticCampaign(50, (i) => (i === 49 ? `ns${hostile}` : `ns-${i}.eu`));
    const failed = report.servers[49]!;
    failed.message = `${MESSAGE} </title><script>alert(2)</script>`;
    const html = renderHtmlReport(buildReportModel(report, history));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(count(html, /<script>/g)).toBe(1);
    expect(html).toContain('ns&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('places each server in the wave open when it started, marks the phase that failed, and keeps every call', () => {
    const { report, history } = syntheticCampaign(50);
    const model = buildReportModel(report, history);
    // Waves of 1, 5, then 10% of 50 (5) at a time.
    expect(model.rows.slice(0, 16).map((row) => row.wave)).toEqual([0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(model.rows[49]!.spans.map((s) => [s.phase, s.failed ?? false])).toEqual([
      ['preflight', false],
      ['starting', false],
      ['installing', true],
      ['rolling_back', false],
    ]);
    expect(model.rows[48]!.spans.some((s) => s.failed)).toBe(false);
    expect(model.calls.counts.reduce((a, b) => a + b, 0)).toBe(report.totals.apiCalls);
  });
});

describe('the HTML report of a campaign over several OVH accounts', () => {
  it("shows each server's account and offers to order the rows by account", () => {
    const { report, history } = syntheticCampaign(6);
    report.servers.forEach((row, i) => (row.account = i < 3 ? 'eu-prod' : 'ca-prod'));
    const html = renderHtmlReport(buildReportModel(report, history));
    expect(count(html, /data-ac="eu-prod"/g)).toBe(3);
    expect(count(html, /data-ac="ca-prod"/g)).toBe(3);
    expect(html).toContain('<option value="account">by OVH account</option>');
    expect(html).toContain('<text class="loc" x="');
    expect(html).toMatch(/>ca-prod \/ rbx8 \/ R4<\/text>/);
  });

  it('names no account for servers on the default one', () => {
    const { report, history } = syntheticCampaign(3);
    report.servers.forEach((row) => (row.account = 'default'));
    const html = renderHtmlReport(buildReportModel(report, history));
    expect(html).not.toContain('value="account"');
    expect(count(html, /data-ac=""/g)).toBe(3);
  });
});
