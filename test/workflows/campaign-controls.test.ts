import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  approveNextWaveUpdate,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  retryServerUpdate,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../src/shared/campaign-messages';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { fleet, startCampaign, waitForProgress, type CampaignHandle } from './helpers/campaign-driver';
import { scriptedActivities, type ServerScript } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';
import type { CampaignSettings } from '../../src/shared/campaign-types';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

async function run<T>(
  n: number,
  settings: Partial<CampaignSettings>,
  scripts: (names: string[]) => Record<string, ServerScript>,
  defaults: ServerScript,
  body: (ctx: {
    handle: Awaited<ReturnType<typeof startCampaign>>;
    names: string[];
    activities: ReturnType<typeof scriptedActivities>;
  }) => Promise<T>,
  installHook?: (serviceName: string) => Promise<void>,
) {
  const taskQueue = uniqueTaskQueue('ctl');
  const servers = fleet(taskQueue, n);
  const names = servers.map((s) => s.serviceName);
  const activities = scriptedActivities(scripts(names), defaults, installHook);
  const worker = await createTestWorker(env, { taskQueue, activities });
  const out = await worker.runUntil(async () => {
    const handle = await startCampaign(env, taskQueue, servers, testSettings(taskQueue, settings));
    const extra = await body({ handle, names, activities });
    return { extra, report: await handle.result() };
  });
  return { ...out, activities, names };
}

/** A promise the test settles when it chooses (e.g. the end of an install it holds). */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** How many server workflows the campaign's history shows it started. */
async function childStarts(handle: CampaignHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length;
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
}

describe('campaign controls', () => {
  it('pauses admissions while in-flight servers finish, and resumes them', async () => {
    const install = gate();
    const { report, activities, names } = await run(
      3,
      { maxParallel: { count: 1 } },
      () => ({}),
      {},
      async ({ handle, names: [first, ...queued], activities: acts }) => {
        try {
          await waitFor(() => acts.calls[first!]?.includes('wait') === true, { what: `${first} to be installing` });
          await handle.signal(pauseCampaignSignal);
          const paused = await waitForProgress(handle, (p) => p.status === 'paused', 'the pause acknowledged');
          expect(paused.totals).toMatchObject({ running: 1, finished: 0, pending: 2 });
          // The first server's end frees the only slot: unpaused, the decision that records it admits the next.
          install.open();
          const freed = await waitForProgress(handle, (p) => p.totals.finished === 1, `${first} finished`);
          expect(freed).toMatchObject({ status: 'paused', totals: { running: 0, pending: 2 } });
          expect(freed.servers.map((row) => row.state)).toEqual(['finished', 'pending', 'pending']);
          expect(await childStarts(handle)).toBe(1);
          for (const name of queued) expect(acts.calls[name]).toBeUndefined();
        } finally {
          install.open();
        }
        await handle.signal(resumeCampaignSignal);
      },
      () => install.opened, // every install ends only once the test opens the gate
    );
    expect(report.finalState).toBe('done');
    expect(report.totals.byOutcome).toEqual({ done: 3 });
    for (const name of names) expect(activities.calls[name]).toEqual(['preflight', 'start', 'wait', 'verify']);
  });

  it('drains: in-flight servers finish, no new server starts, the campaign ends drained', async () => {
    const { report } = await run(
      5,
      { maxParallel: { count: 2 } },
      () => ({}),
      { installDurationMs: 800 },
      async ({ handle }) => {
        await waitForProgress(handle, (p) => p.totals.running === 2);
        await handle.signal(drainCampaignSignal);
      },
    );
    expect(report.finalState).toBe('drained');
    expect(report.reason).toBe('An operator drained the campaign: servers in flight finish, no new server starts.');
    expect(report.totals).toMatchObject({ finished: 2, notStarted: 3, byOutcome: { done: 2 } });
    expect(report.servers.filter((s) => s.state === 'not_started')).toHaveLength(3);
  });

  it('cancels: in-flight servers roll back and report cancelled, no new server starts', async () => {
    const { report, activities, names } = await run(
      4,
      { maxParallel: { count: 2 } },
      () => ({}),
      { installDurationMs: 3000 },
      async ({ handle, names: [first, second], activities: acts }) => {
        await waitForProgress(handle, (p) => p.totals.running === 2);
        // Cancel once both servers are installing, so each one has a deployment to roll back.
        await waitFor(() => [first!, second!].every((name) => acts.calls[name]?.includes('wait')), {
          what: `${first} and ${second} to be installing`,
        });
        await handle.signal(cancelCampaignSignal);
      },
    );
    expect(report.finalState).toBe('cancelled');
    expect(report.reason).toBe(
      'An operator cancelled the campaign: servers in flight roll back to rescue, no new server starts.',
    );
    expect(report.servers.map((s) => s.outcome ?? s.state)).toEqual([
      'cancelled',
      'cancelled',
      'not_started',
      'not_started',
    ]);
    expect(activities.calls[names[0]!]).toEqual(['preflight', 'start', 'wait', 'rollback']);
    expect(activities.calls[names[2]!]).toBeUndefined();
  });

  it('sets the concurrency through a validated update', async () => {
    const { report } = await run(
      6,
      { maxParallel: { count: 1 } },
      () => ({}),
      { installDurationMs: 700 },
      async ({ handle }) => {
        expect(await rejection(handle.executeUpdate(setConcurrencyUpdate, { args: [0] }))).toBe(
          'setConcurrency: the value must be an integer from 1 to 500 (got 0).',
        );
        expect(await rejection(handle.executeUpdate(setConcurrencyUpdate, { args: [1.5] }))).toBe(
          'setConcurrency: the value must be an integer from 1 to 500 (got 1.5).',
        );
        expect(await handle.executeUpdate(setConcurrencyUpdate, { args: [3] })).toBe(3);
        const widened = await waitForProgress(handle, (p) => p.totals.running === 3);
        expect(widened.concurrency).toBe(3);
      },
    );
    expect(report.totals.byOutcome).toEqual({ done: 6 });
  });

  it('waits for approval after the canary and widens when approved', async () => {
    let approvedAtMs = 0;
    const settings: Partial<CampaignSettings> = { approval: 'afterCanary', waves: [{ count: 1 }, { percent: 100 }] };
    const { report } = await run(
      4,
      settings,
      () => ({}),
      {},
      async ({ handle }) => {
        const waiting = await waitForProgress(handle, (p) => p.status === 'awaiting_approval');
        expect(waiting.totals.finished).toBe(1);
        expect(waiting.wave).toMatchObject({ number: 1, size: 1, admitted: 1, approvalNeeded: true });
        expect(waiting.waveStartedAtMs).toHaveLength(1);
        approvedAtMs = Date.now();
        expect(await handle.executeUpdate(approveNextWaveUpdate)).toBe(2);
      },
    );
    expect(report.finalState).toBe('done');
    expect(report.totals.byOutcome).toEqual({ done: 4 });
    // Wave 2 starts once approved: the workflow clock is the dev server's, the same machine's clock.
    const [canary, second] = report.waveStartedAtMs!;
    expect(report.waveStartedAtMs).toHaveLength(2);
    expect(canary).toBeGreaterThanOrEqual(report.startedAtMs);
    expect(second).toBeGreaterThanOrEqual(approvedAtMs - 1000);
  });

  it('rejects an approval when the campaign has no approval gate', async () => {
    await run(
      1,
      {},
      () => ({}),
      { installDurationMs: 500 },
      async ({ handle }) => {
        expect(await rejection(handle.executeUpdate(approveNextWaveUpdate))).toBe(
          'approveNextWave: this campaign has no approval gate (approval: none), so there is nothing to approve.',
        );
      },
    );
  });

  it('skips a pending server and names the problem for unknown or running servers', async () => {
    const { report, names } = await run(
      3,
      { maxParallel: { count: 1 } },
      () => ({}),
      { installDurationMs: 800 },
      async ({ handle, names }) => {
        await waitForProgress(handle, (p) => p.totals.running === 1);
        expect(await rejection(handle.executeUpdate(skipServerUpdate, { args: ['nope.example'] }))).toMatch(
          /^skipServer: server "nope.example" is not part of campaign ctl-[0-9a-f-]+\.$/,
        );
        expect(await rejection(handle.executeUpdate(skipServerUpdate, { args: [names[0]!] }))).toBe(
          `skipServer: server "${names[0]}" is running; only a server that has not started can be skipped. Release a running one with releaseServer.`,
        );
        await handle.executeUpdate(skipServerUpdate, { args: [names[2]!] });
      },
    );
    expect(report.servers[2]).toMatchObject({
      serviceName: names[2],
      outcome: 'skipped',
      message: 'An operator skipped the server before it started.',
    });
    expect(report.totals.byOutcome).toEqual({ done: 2, skipped: 1 });
  });

  it('retries a failed server, whose failure still counts against the budget', async () => {
    const settings: Partial<CampaignSettings> = { maxParallel: { count: 1 }, failureBudget: { count: 1 } };
    const { report, activities, names } = await run(
      3,
      settings,
      (n) => ({ [n[0]!]: { deployFailures: 1, installDurationMs: 0 } }),
      { installDurationMs: 700 },
      async ({ handle, names }) => {
        await waitForProgress(handle, (p) => p.servers[0]!.outcome === 'deploy_failed');
        expect(await rejection(handle.executeUpdate(retryServerUpdate, { args: [names[1]!] }))).toBe(
          `retryServer: server "${names[1]}" is running, not failed; only a finished server that failed can be retried.`,
        );
        expect(await handle.executeUpdate(retryServerUpdate, { args: [names[0]!] })).toBe(2);
      },
    );
    expect(report.finalState).toBe('done');
    expect(report.servers[0]).toMatchObject({ outcome: 'done', attempts: 2 });
    expect(report.totals.failures).toBe(1);
    expect(activities.installPosts.get(names[0]!)).toBe(2);
  });
});

describe('rollout rules', () => {
  it('halts after a failed canary before the next wave starts', async () => {
    const settings: Partial<CampaignSettings> = { waves: [{ count: 1 }, { count: 2 }], failureBudget: { count: 5 } };
    const { report, activities, names } = await run(
      4,
      settings,
      (n) => ({ [n[0]!]: { boot: 'fail' } }),
      {},
      async () => undefined,
    );
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe(
      'The canary wave failed: 1 of its 1 servers failed (canary budget 0). No further wave starts.',
    );
    expect(report.servers[0]).toMatchObject({ outcome: 'boot_failed', failureType: 'BootFailed' });
    expect(activities.calls[names[0]!]).toEqual(['preflight', 'start', 'wait', 'verify', 'rollback']);
    expect(report.totals.notStarted).toBe(3);
    expect(activities.calls[names[1]!]).toBeUndefined();
  });

  it.each([
    { budget: { count: 2 }, failing: 2, finalState: 'done' },
    { budget: { count: 2 }, failing: 3, finalState: 'halted' },
    { budget: { percent: 25 }, failing: 2, finalState: 'done' },
    { budget: { percent: 25 }, failing: 3, finalState: 'halted' },
  ])(
    'with a budget of $budget over 8 servers, $failing failures end $finalState',
    async ({ budget, failing, finalState }) => {
      const settings: Partial<CampaignSettings> = { maxParallel: { count: 1 }, failureBudget: budget };
      const fail = (n: string[]) =>
        Object.fromEntries(n.slice(0, failing).map((sn) => [sn, { deploy: 'fail' as const }]));
      const { report } = await run(8, settings, fail, {}, async () => undefined);
      expect(report.finalState).toBe(finalState);
      expect(report.totals.failures).toBe(failing);
      expect(report.totals.failureBudget).toBe(2);
      if (finalState === 'halted') {
        expect(report.reason).toBe(
          'The failure budget is exceeded: 3 servers failed, 2 allowed. No new server starts.',
        );
        expect(report.totals.notStarted).toBe(5);
      }
    },
  );

  it('halts with the reason when the image is rejected, touching no server', async () => {
    const settings: Partial<CampaignSettings> = {
      image: { url: 'https://images.example.test/bad.qcow2', type: 'qcow2' },
    };
    const { report, activities } = await run(
      2,
      settings,
      () => ({}),
      {},
      async () => undefined,
    );
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe(
      'The image was rejected before any server was touched: The image at https://images.example.test/bad.qcow2 is not a disk image.',
    );
    expect(report.totals.notStarted).toBe(2);
    expect(Object.keys(activities.calls)).toEqual([]);
  });
});
