/**
 * Maintenance windows, cron windows and bake times, on the dev server in real time: every duration is a
 * campaign input, so the tests scale them down to seconds. A "minute" of these scenarios is MIN real
 * milliseconds, and each decision the campaign takes has several MIN of margin on either side, so a busy
 * runner delays the servers without changing which window admits them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { fleet, startCampaign, waitForProgress } from './helpers/campaign-driver';
import { scriptedActivities } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';

const MIN = 150;

let env: TestWorkflowEnvironment;
devServerPerFile((ready) => (env = ready));

/** A cron expression (with a seconds field) that fires once a day at `atMs`'s wall-clock time in `timezone`. */
function dailyCronAt(atMs: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(atMs);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return `${field('second')} ${field('minute')} ${field('hour')} * * *`;
}

describe('maintenance windows and waits', () => {
  it('defers servers that would not finish before the close and carries them over to the next window', async () => {
    const taskQueue = uniqueTaskQueue('win');
    const servers = fleet(taskQueue, 7);
    const startedAt = new Map<string, number>();
    const activities = scriptedActivities({}, { installDurationMs: 20 * MIN }, async (sn) => {
      startedAt.set(sn, Date.now());
    });
    // The worker is up before the clock starts: 30 minutes are left for the campaign to start before the
    // first window opens.
    const worker = await createTestWorker(env, { taskQueue, activities });
    const t0 = Date.now();
    const w1 = { startMs: t0 + 30 * MIN, endMs: t0 + 90 * MIN };
    const w2 = { startMs: t0 + 100 * MIN, endMs: t0 + 135 * MIN };
    const settings = testSettings(taskQueue, {
      maxParallel: { count: 2 },
      // Until 3 servers are done a server is expected to take its deadlines, install + boot = 26 minutes;
      // then what the done ones took, about 20. Two servers at a time: in w1 the first pair fits at +0, the
      // second at about +20 (ends by +46 of 60), the third not at about +40 (+60). In w2 (35 minutes) one
      // pair fits at +0 (+20), the next not at about +20 (+40).
      deadlines: { installMs: 25 * MIN, bootMs: MIN, rollbackMs: 10 * MIN },
      windows: { kind: 'absolute', windows: [w1, w2] },
    });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());

    const windowOf = (s: { serviceName: string }) => {
      const at = startedAt.get(s.serviceName);
      if (at === undefined) return 'not started';
      return [w1, w2].findIndex((w) => w.startMs <= at && at < w.endMs) === 0 ? 'w1' : 'w2';
    };
    expect(servers.map(windowOf)).toEqual(['w1', 'w1', 'w1', 'w1', 'w2', 'w2', 'not started']);
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('No maintenance window is left: the servers not yet started stay untouched.');
    expect(report.totals).toMatchObject({ finished: 6, notStarted: 1, byOutcome: { done: 6 } });
  });

  it('sleeps until a recurring cron window opens in its time zone', async () => {
    const taskQueue = uniqueTaskQueue('cron');
    const servers = fleet(taskQueue, 2);
    const startedAt: number[] = [];
    const activities = scriptedActivities({}, {}, async () => {
      startedAt.push(Date.now());
    });
    const worker = await createTestWorker(env, { taskQueue, activities });
    // Whole seconds: the cron has a one-second resolution. Read in UTC, the same wall-clock time is hours away.
    const opensAt = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    const timezone = 'America/New_York';
    const settings = testSettings(taskQueue, {
      // Long enough for the default deadlines (install + boot) to fit: a server is admitted at the opening.
      windows: { kind: 'recurring', cron: dailyCronAt(opensAt, timezone), durationMs: 10 * 60_000, timezone },
    });
    const report = await worker.runUntil(async () => {
      const handle = await startCampaign(env, taskQueue, servers, settings);
      const waiting = await waitForProgress(handle, (p) => p.status === 'outside_window', 'the closed window');
      expect(waiting.window).toEqual({ configured: true, open: false, opensAtMs: opensAt });
      expect(waiting.totals).toMatchObject({ pending: 2, running: 0 });
      return handle.result();
    });

    expect(report.finalState).toBe('done');
    expect(startedAt).toHaveLength(2);
    for (const at of startedAt) expect(at).toBeGreaterThanOrEqual(opensAt);
  });

  it('halts, naming the fix, when no window is long enough for a server instead of sleeping through each', async () => {
    const taskQueue = uniqueTaskQueue('short');
    const servers = fleet(taskQueue, 2);
    const started: string[] = [];
    const activities = scriptedActivities({}, {}, async (sn) => {
      started.push(sn);
    });
    const settings = testSettings(taskQueue, {
      // Until 3 servers are done, a server needs install + boot = 75 real minutes before the close. The campaign
      // halts at once, so these durations cost the test nothing.
      deadlines: { installMs: 60 * 60_000, bootMs: 15 * 60_000, rollbackMs: 10 * 60_000 },
      windows: { kind: 'recurring', cron: '0 22 * * *', durationMs: 60 * 60_000, timezone: 'Europe/Paris' },
    });
    const worker = await createTestWorker(env, { taskQueue, activities });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe(
      'No maintenance window is long enough for a server: one is expected to take 1h15m (deadlines.install + ' +
        'deadlines.boot until the first servers are done, then the time done servers took), the longest window ' +
        'lasts 1h. Lengthen the windows or shorten the deadlines; the servers not yet started stay untouched.',
    );
    expect(started).toEqual([]);
    expect(report.totals).toMatchObject({ notStarted: 2 });
  });

  it('bakes between waves before widening', async () => {
    const taskQueue = uniqueTaskQueue('bake');
    const servers = fleet(taskQueue, 3);
    const startedAt = new Map<string, number>();
    const activities = scriptedActivities({}, {}, async (sn) => {
      startedAt.set(sn, Date.now());
    });
    const bakeTimeMs = 20 * MIN;
    const settings = testSettings(taskQueue, { waves: [{ count: 1 }, { count: 2 }], bakeTimeMs });
    const worker = await createTestWorker(env, { taskQueue, activities });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());
    expect(report.finalState).toBe('done');
    const [first, second, third] = servers.map((s) => startedAt.get(s.serviceName) as number);
    expect(second! - first!).toBeGreaterThanOrEqual(bakeTimeMs);
    // The second wave starts its two servers together, well within one bake.
    expect(Math.abs(third! - second!)).toBeLessThan(bakeTimeMs);
  });
});
