/**
 * `reimage start` and every operator control, end to end: each control's `--json` answer, and its effect in
 * `reimage status --json`. Campaign A waits for approval before each wave, which gives the test fixed
 * points to act at; campaign B is cancelled at its approval gate after the canary.
 * The steps run in order on the same campaigns.
 */
import { ServerOutcome } from '../../src/shared/failure-types';
import type { CampaignProgress } from '../../src/shared/campaign-report-types';
import { campaignYaml, cliJson, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

type Status = CampaignProgress & { completed: boolean; installSteps: Record<string, unknown> };

let stack: CliStack;
let a: string[];
let b: string[];

beforeAll(async () => {
  stack = await startCliStack(
    Array.from({ length: 9 }, () => ({})),
    3000,
  );
  a = stack.servers.slice(0, 6);
  b = stack.servers.slice(6);
});
afterAll(() => stack?.close());

/** `status ID --json`: exit 0 while the campaign runs or once every server is done, 5 once it ended otherwise. */
async function status(id: string): Promise<Status> {
  const result = await runCli(['status', id, '--json'], stack.env);
  const s = JSON.parse(result.stdout) as Status;
  const clean = !s.completed || (s.totals.byOutcome.done ?? 0) === s.totals.servers;
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: clean ? 0 : 5, stderr: '' });
  return s;
}

/** The line of `status ID` (human) that says what the operator can do next. */
async function nextLine(id: string): Promise<string | undefined> {
  const result = await runCli(['status', id], stack.env);
  return result.stdout.split('\n').find((line) => line.startsWith('next: '));
}

/** What a status shows about the rollout, without timings, ETA and per-row API calls. */
function rollout(s: Status) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { apiCalls, ...totals } = s.totals;
  return {
    status: s.status,
    completed: s.completed,
    paused: s.paused,
    draining: s.draining,
    cancelling: s.cancelling,
    concurrency: s.concurrency,
    wave: s.wave,
    totals,
    rows: s.servers.map((row) => [row.serviceName, row.state, row.outcome, row.attempts]),
  };
}

describe('campaign A: approval before each wave', () => {
  it('starts with --yes --json and prints the campaign, its workflow ID and its servers', async () => {
    const file = stack.writeCampaign(
      'a.yaml',
      campaignYaml(stack, 'controls-a', {
        servers: a,
        rollout: { waves: [1, 2, '100%'], approval: 'beforeEachWave', maxParallel: 5, failureBudget: 3 },
      }),
    );
    expect(await cliJson(['start', file, '--id', 'ctl-a', '--yes', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-a',
      workflowId: 'campaign/ctl-a',
      servers: a,
    });
  });

  it('shows the canary done and the campaign awaiting approval in status --json', async () => {
    await stack.waitFor('ctl-a', 'awaiting approval of wave 2', (p) => p.status === 'awaiting_approval');
    const s = await status('ctl-a');
    expect(rollout(s)).toEqual({
      status: 'awaiting_approval',
      completed: false,
      paused: false,
      draining: false,
      cancelling: false,
      concurrency: 5,
      wave: { number: 1, size: 1, admitted: 1, approvalNeeded: true },
      totals: {
        servers: 6,
        pending: 5,
        running: 0,
        finished: 1,
        notStarted: 0,
        byOutcome: { done: 1 },
        failures: 0,
        failureBudget: 3,
      },
      rows: [[a[0], 'finished', 'done', 1], ...a.slice(1).map((name) => [name, 'pending', undefined, 0])],
    });
    expect(s.installSteps).toEqual({});
    expect(await nextLine('ctl-a')).toBe('next: reimage approve ctl-a (wave 1 waits for it)');
  });

  it('answers skip, pause, set-concurrency and approve in JSON, and status shows each effect', async () => {
    const answers = await Promise.all([
      cliJson(['skip', 'ctl-a', a[5]!, '--json'], stack.env),
      cliJson(['pause', 'ctl-a', '--json'], stack.env),
      cliJson(['set-concurrency', 'ctl-a', '1', '--json'], stack.env),
    ]);
    expect(answers).toEqual([
      { campaignId: 'ctl-a', control: 'skip', skipped: a[5] },
      { campaignId: 'ctl-a', control: 'pause', paused: true },
      { campaignId: 'ctl-a', control: 'set-concurrency', concurrency: 1 },
    ]);
    expect(await cliJson(['approve', 'ctl-a', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-a',
      control: 'approve',
      approvedWave: 2,
    });

    expect(rollout(await status('ctl-a'))).toEqual({
      status: 'paused',
      completed: false,
      paused: true,
      draining: false,
      cancelling: false,
      concurrency: 1,
      wave: { number: 1, size: 1, admitted: 1, approvalNeeded: false },
      totals: {
        servers: 6,
        pending: 4,
        running: 0,
        finished: 2,
        notStarted: 0,
        byOutcome: { done: 1, skipped: 1 },
        failures: 0,
        failureBudget: 3,
      },
      rows: [
        [a[0], 'finished', 'done', 1],
        ...a.slice(1, 5).map((name) => [name, 'pending', undefined, 0]),
        [a[5], 'finished', ServerOutcome.Skipped, 1],
      ],
    });
    expect(await nextLine('ctl-a')).toBe('next: reimage resume ctl-a (no server starts meanwhile)');
  });

  it('resumes: wave 2 runs one server at a time, and a failed server shows its outcome', async () => {
    stack.sim.state.injectFaults(`download_fail=${a[1]}`);
    expect(await cliJson(['resume', 'ctl-a', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-a',
      control: 'resume',
      paused: false,
    });
    await stack.waitFor('ctl-a', 'awaiting approval of wave 3', (p) => p.status === 'awaiting_approval');
    stack.sim.state.injectFaults('', true);

    const s = await status('ctl-a');
    expect(rollout(s)).toMatchObject({
      status: 'awaiting_approval',
      paused: false,
      concurrency: 1,
      wave: { number: 2, size: 2, admitted: 2, approvalNeeded: true },
      totals: {
        pending: 2,
        running: 0,
        finished: 4,
        byOutcome: { done: 2, deploy_failed: 1, skipped: 1 },
        failures: 1,
      },
    });
    expect(s.servers[1]).toMatchObject({
      serviceName: a[1],
      state: 'finished',
      outcome: 'deploy_failed',
      failureType: 'DeployFailed',
    });
    expect(s.servers[1]!.message).toMatch(
      new RegExp(`^OVH reports that the deployment on ${a[1]!.replace(/\./g, '\\.')} failed at step `),
    );
    // Concurrency 1: the second server's install was posted after the last OVH call about the first one.
    const log = stack.sim.state.requests();
    const lastAboutFirst = Math.max(...log.filter((r) => r.path.includes(`/${a[1]}`)).map((r) => r.seq));
    const secondPost = log.find((r) => r.method === 'POST' && r.path.endsWith(`/${a[2]}/reinstall`));
    expect(secondPost!.seq).toBeGreaterThan(lastAboutFirst);
  });

  it('retries the failed server: the answer is its next attempt and status shows it pending again', async () => {
    expect(await cliJson(['retry', 'ctl-a', a[1]!, '--json'], stack.env)).toEqual({
      campaignId: 'ctl-a',
      control: 'retry',
      server: a[1],
      attempt: 2,
    });
    expect(rollout(await status('ctl-a'))).toMatchObject({
      status: 'awaiting_approval',
      totals: { pending: 3, running: 0, finished: 3, byOutcome: { done: 2, skipped: 1 }, failures: 1 },
      rows: [
        [a[0], 'finished', 'done', 1],
        [a[1], 'pending', undefined, 1],
        [a[2], 'finished', 'done', 1],
        [a[3], 'pending', undefined, 0],
        [a[4], 'pending', undefined, 0],
        [a[5], 'finished', 'skipped', 1],
      ],
    });
  });

  it('drains: the campaign ends "drained" without starting the servers left', async () => {
    expect(await cliJson(['drain', 'ctl-a', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-a',
      control: 'drain',
      draining: true,
    });
    const report = await stack.result('ctl-a');
    expect(report.finalState).toBe('drained');
    expect(rollout(await status('ctl-a'))).toMatchObject({
      completed: true,
      draining: true,
      totals: { pending: 0, running: 0, finished: 3, notStarted: 3, byOutcome: { done: 2, skipped: 1 } },
      rows: [
        [a[0], 'finished', 'done', 1],
        [a[1], 'not_started', undefined, 1],
        [a[2], 'finished', 'done', 1],
        [a[3], 'not_started', undefined, 0],
        [a[4], 'not_started', undefined, 0],
        [a[5], 'finished', 'skipped', 1],
      ],
    });
    expect(a.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual([1, 1, 1, 0, 0, 0]);
  });
});

describe('campaign B: approval after the canary', () => {
  it('cancels: the campaign ends "cancelled" and its servers left are never started', async () => {
    const file = stack.writeCampaign(
      'b.yaml',
      campaignYaml(stack, 'controls-b', { servers: b, rollout: { waves: [1, '100%'], approval: 'afterCanary' } }),
    );
    expect(await cliJson(['start', file, '--id', 'ctl-b', '--yes', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-b',
      workflowId: 'campaign/ctl-b',
      servers: b,
    });
    await stack.waitFor('ctl-b', 'awaiting approval of wave 2', (p) => p.status === 'awaiting_approval');

    expect(await cliJson(['cancel', 'ctl-b', '--json'], stack.env)).toEqual({
      campaignId: 'ctl-b',
      control: 'cancel',
      cancelling: true,
    });
    expect((await stack.result('ctl-b')).finalState).toBe('cancelled');
    expect(rollout(await status('ctl-b'))).toMatchObject({
      completed: true,
      cancelling: true,
      draining: false,
      totals: { pending: 0, running: 0, finished: 1, notStarted: 2, byOutcome: { done: 1 }, failures: 0 },
      rows: [
        [b[0], 'finished', 'done', 1],
        [b[1], 'not_started', undefined, 0],
        [b[2], 'not_started', undefined, 0],
      ],
    });
    expect(b.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual([1, 0, 0]);
  });
});
