/**
 * `reimage report` in its four formats for a small finished campaign (a canary wave of one server done, then
 * one failed; paused, resized and resumed by an operator), the HTML one opened in headless Chromium; and
 * `reimage schedule create|list|delete` against the shared dev server.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseExpression } from 'cron-parser';
import type { Page } from 'playwright-core';
import { humanDuration } from '../../src/cli/output';
import { pauseCampaignSignal, resumeCampaignSignal, setConcurrencyUpdate } from '../../src/shared/campaign-messages';
import type { CampaignReport, ServerReportRow } from '../../src/shared/campaign-report-types';
import type { ServerResult } from '../../src/shared/campaign-types';
import { campaignWorkflowId, serverWorkflowId } from '../../src/shared/workflow-ids';
import { PROJECT_ROOT } from '../../src/temporal/binaries';
import { launchChromium } from '../../testkit/browser';
import { waitFor } from '../helpers/wait-for';
import { campaignYaml, cliJson, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

/** Where the browser test leaves the page and its screenshots (git-ignored). */
const ARTIFACTS = path.join(PROJECT_ROOT, '.data', 'artifacts');

let stack: CliStack;
let report: CampaignReport;

beforeAll(async () => {
  stack = await startCliStack([{}, { faults: ['download_fail'] }], 3000);
  const file = stack.writeCampaign(
    'report.yaml',
    campaignYaml(stack, 'report-check', {
      servers: stack.servers,
      rollout: { waves: [1, '100%'], maxParallel: 2, failureBudget: 1 },
    }),
  );
  await cliJson(['start', file, '--id', 'rpt', '--yes', '--json'], stack.env);
  // Operator actions for the HTML report, sent right after the start: the canary takes over a second (polls
  // are 1 s apart), so they reach the campaign before it ends, whether or not it admitted the canary yet.
  const handle = stack.client.workflow.getHandle(campaignWorkflowId('rpt'));
  await handle.signal(pauseCampaignSignal);
  await handle.executeUpdate(setConcurrencyUpdate, { args: [3] });
  await handle.signal(resumeCampaignSignal);
  report = await stack.result('rpt');
});
afterAll(() => stack?.close());

describe('reimage report', () => {
  it('prints the final report as JSON and exits 5: a server failed', async () => {
    const result = await runCli(['report', 'rpt', '--format', 'json'], stack.env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 5, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report).toMatchObject({
      campaignId: 'rpt',
      finalState: 'done',
      totals: { servers: 2, finished: 2, byOutcome: { done: 1, deploy_failed: 1 }, failures: 1, failureBudget: 1 },
    });
    expect(report.servers.map((row) => [row.serviceName, row.outcome, row.failureType])).toEqual([
      [stack.servers[0], 'done', undefined],
      [stack.servers[1], 'deploy_failed', 'DeployFailed'],
    ]);
  });

  it('prints one CSV row per server under a fixed header, quoting OVH messages', async () => {
    const [done, failed] = report.servers as [ServerReportRow, ServerReportRow];
    const quoted = `"${failed.message!.replace(/"/g, '""')}"`;
    const result = await runCli(['report', 'rpt', '--format', 'csv'], stack.env);
    expect(result).toEqual({
      code: 5,
      stderr: '',
      stdout: [
        'serviceName,state,outcome,failureType,message,attempts,deployments,apiCalls,serverDurationMs,installingMs',
        `${done.serviceName},finished,done,,,1,1,${done.apiCalls},${done.serverDurationMs},${done.installingMs}`,
        `${failed.serviceName},finished,deploy_failed,DeployFailed,${quoted},1,1,${failed.apiCalls},${failed.serverDurationMs},${failed.installingMs ?? ''}`,
        '',
      ].join('\n'),
    });
  });

  it('prints a known_hosts file, naming the done servers that sent no host keys (a campaign without callbacks)', async () => {
    const [done] = report.servers as [ServerReportRow];
    const result = await runCli(['report', 'rpt', '--format', 'known-hosts'], stack.env);
    expect(result).toEqual({ code: 5, stderr: '', stdout: `# No host keys (no callback): ${done.serviceName}\n` });
  });

  it('prints a Markdown summary and a table of servers', async () => {
    const [done, failed] = report.servers as [ServerReportRow, ServerReportRow];
    const t = report.totals;
    const result = await runCli(['report', 'rpt', '--format', 'markdown'], stack.env);
    expect(result).toEqual({
      code: 5,
      stderr: '',
      stdout: [
        '# Campaign rpt: done',
        '',
        `Duration ${humanDuration(report.finishedAtMs - report.startedAtMs)}, 2 servers, 1 failures (budget 1), ${t.apiCalls} OVH API calls.`,
        '',
        '| outcome | servers |',
        '|---|---|',
        '| done | 1 |',
        '| deploy_failed | 1 |',
        '',
        '| server | outcome | failure type | message | attempts | deployments | duration | API calls |',
        '|---|---|---|---|---|---|---|---|',
        `| ${done.serviceName} | done |  |  | 1 | 1 | ${humanDuration(done.serverDurationMs!)} | ${done.apiCalls} |`,
        `| ${failed.serviceName} | deploy_failed | DeployFailed | ${failed.message} | 1 | 1 | ${humanDuration(failed.serverDurationMs!)} | ${failed.apiCalls} |`,
        '',
      ].join('\n'),
    });
  });

  it('refuses an unknown format with exit code 2', async () => {
    expect(await runCli(['report', 'rpt', '--format', 'pdf'], stack.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: '--format must be one of json, csv, markdown, html, known-hosts (got "pdf").\n',
    });
  });
});

/** Each row's server name and y, top to bottom, as the page shows them now. */
function rowsInOrder(page: Page): Promise<string[]> {
  return page.$$eval('#rows g.row', (rows) =>
    rows
      .map((row) => ({
        name: row.querySelector('.lbl')!.firstChild!.nodeValue!,
        y: Number(/translate\(0,(\d+)\)/.exec(row.getAttribute('transform')!)![1]),
      }))
      .sort((a, b) => a.y - b.y)
      .map((row) => row.name),
  );
}

describe('reimage status of the finished campaign', () => {
  it('exits 5, once and with --watch: a server failed', async () => {
    const once = await runCli(['status', 'rpt'], stack.env);
    expect({ code: once.code, stderr: once.stderr }).toEqual({ code: 5, stderr: '' });
    expect(once.stdout.split('\n').slice(0, 3)).toEqual([
      'campaign rpt: done',
      `[${'#'.repeat(30)}] 2/2 finished, 0 running, 0 pending`,
      'outcomes: done 1, deploy_failed 1; failures 1/1 budget',
    ]);
    const watched = await runCli(['status', 'rpt', '--watch'], stack.env);
    expect({ code: watched.code, stderr: watched.stderr }).toEqual({ code: 5, stderr: '' });
  });
});

describe('reimage report --format html, opened in headless Chromium', () => {
  it('shows one bar per server-phase, the failure, the waves and the operator actions, without a console error', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report.html');
    expect(await runCli(['report', 'rpt', '--format', 'html', '--out', file], stack.env)).toEqual({
      code: 5,
      stdout: '',
      stderr: '',
    });
    // The servers' own results, not the report's reading of them: one bar per phase they went through.
    const results = await Promise.all(
      stack.servers.map(
        (sn) => stack.client.workflow.getHandle(serverWorkflowId(sn)).result() as Promise<ServerResult>,
      ),
    );
    const { context, close } = await launchChromium();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(file).href);

      for (const [i, result] of results.entries()) {
        const bars = page.locator('#rows g.row').filter({ hasText: stack.servers[i]! }).locator('rect.b');
        expect(await bars.count()).toBe(result.phases!.length);
      }
      const failed = report.servers[1]!;
      expect(await page.locator('#rows rect.b.fail').count()).toBe(1);
      expect(await page.locator('#rows rect.b.fail title').textContent()).toContain(
        `deploy_failed DeployFailed: ${failed.message}`,
      );
      expect(await page.locator('g.wave text').allTextContents()).toEqual(['W1', 'W2']);
      expect(await page.locator('g.act text').allTextContents()).toEqual(['pause', 'set-concurrency', 'resume']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });

      const longestFirst = [...results]
        .sort((a, b) => b.finishedAtMs - b.startedAtMs - (a.finishedAtMs - a.startedAtMs))
        .map((r) => r.serviceName);
      await page.selectOption('#order', 'duration');
      expect(await rowsInOrder(page)).toEqual(longestFirst);
      await page.selectOption('#order', 'wave');
      expect(await rowsInOrder(page)).toEqual(stack.servers);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-dark.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('reimage schedule', () => {
  const id = `cli-${Date.now().toString(36)}`;
  const cron = '0 3 * * 2';
  const timezone = 'Europe/Paris';

  async function listed(): Promise<boolean> {
    for await (const schedule of stack.client.schedule.list()) if (schedule.scheduleId === `reimage-${id}`) return true;
    return false;
  }
  /** Schedule listings come from Temporal's visibility store, which lags writes by a moment. */
  function untilListed(expected: boolean): Promise<void> {
    return waitFor(async () => (await listed()) === expected, {
      what: `schedule reimage-${id} to be ${expected ? 'listed' : 'gone from the list'}`,
      timeoutMs: 10_000,
      everyMs: 200,
    });
  }

  it('creates a schedule with --yes --json and lists it with its next run times', async () => {
    const file = stack.writeCampaign('scheduled.yaml', campaignYaml(stack, 'scheduled', { servers: stack.servers }));
    expect(
      await cliJson(
        ['schedule', 'create', file, '--cron', cron, '--timezone', timezone, '--id', id, '--yes', '--json'],
        stack.env,
      ),
    ).toEqual({ scheduleId: `reimage-${id}`, cron, timezone, servers: 2 });

    await untilListed(true);
    const rows = await cliJson<{ id: string; nextRuns: string[]; paused: boolean }[]>(
      ['schedule', 'list', '--json'],
      stack.env,
    );
    const times = parseExpression(cron, { tz: timezone, currentDate: new Date() });
    expect(rows.find((row) => row.id === id)).toEqual({
      id,
      nextRuns: [0, 1, 2].map(() => times.next().toDate().toISOString()),
      paused: false,
    });
  });

  it('checks --cron and --timezone before the plan reads anything from OVH, and exits 3', async () => {
    const file = stack.writeCampaign('bad-when.yaml', campaignYaml(stack, 'bad-when', { servers: stack.servers }));
    const callsBefore = stack.sim.state.counters().total;
    const args = ['schedule', 'create', file, '--cron', '0 25 * *', '--timezone', 'Europe/Pari', '--yes'];
    expect(await runCli(args, stack.env)).toEqual({
      code: 3,
      stdout: '',
      stderr: [
        'Nothing was scheduled:',
        '--cron must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 22 * * 1-5" (got 4)',
        '--timezone "Europe/Pari" is not an IANA time zone; did you mean "Europe/Paris"?',
        '',
      ].join('\n'),
    });
    expect(stack.sim.state.counters().total).toBe(callsBefore);
  });

  it('says plainly that a schedule to delete does not exist, and exits 3', async () => {
    expect(await runCli(['schedule', 'delete', 'no-such-schedule'], stack.env)).toEqual({
      code: 3,
      stdout: '',
      stderr: 'No schedule "no-such-schedule" exists: nothing was deleted. "reimage schedule list" lists them.\n',
    });
  });

  it('deletes the schedule: it is no longer listed', async () => {
    expect(await runCli(['schedule', 'delete', id], stack.env)).toEqual({
      code: 0,
      stdout: `Deleted schedule ${id}.\n`,
      stderr: '',
    });
    await untilListed(false);
    const rows = await cliJson<{ id: string }[]>(['schedule', 'list', '--json'], stack.env);
    expect(rows.map((row) => row.id)).not.toContain(id);
  });
});
