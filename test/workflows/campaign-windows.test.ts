import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal';
import { startTimeSkippingWithAttributes } from './helpers/time-skipping';
import { fleet, startCampaign } from './helpers/campaign-driver';
import { quietRuntime } from './helpers/quiet-runtime';
import { scriptedActivities } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';

const MIN = 60_000;
const H = 60 * MIN;

// One time-skipping server for the file: its clock is shared, so these tests run one after the other.
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  quietRuntime();
  env = await startTimeSkippingWithAttributes();
});
afterAll(async () => {
  await env?.teardown();
});

describe('maintenance windows and waits (time-skipping server)', () => {
  it('defers servers that would not finish before the close and carries them over to the next window', async () => {
    const taskQueue = uniqueTaskQueue('win');
    const servers = fleet(taskQueue, 6);
    const startedAt = new Map<string, number>();
    const activities = scriptedActivities({}, {}, async (sn) => {
      startedAt.set(sn, await env.currentTimeMs());
      await env.sleep(20 * MIN); // each install takes 20 minutes of server time
    });
    const t0 = await env.currentTimeMs();
    const w1 = { startMs: t0 + H, endMs: t0 + 2 * H };
    const w2 = { startMs: t0 + 5 * H, endMs: t0 + 5 * H + 65 * MIN };
    const settings = testSettings(taskQueue, {
      maxParallel: { count: 1 },
      // Expected time before 3 servers are done: install + boot deadlines = 31 minutes.
      deadlines: { installMs: 30 * MIN, bootMs: MIN, rollbackMs: 10 * MIN },
      // The install skips 20 minutes of server time inside the wait: its heartbeat timeout must cover it.
      poll: { minMs: 1000, maxMs: 30 * MIN, heartbeatTimeoutMs: 30 * MIN },
      windows: { kind: 'absolute', windows: [w1, w2] },
    });
    const worker = await createTestWorker(env, { taskQueue, activities });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());

    const offsets = servers.map((s) => {
      const at = startedAt.get(s.serviceName);
      if (at === undefined) return 'not started';
      const w = at < w2.startMs ? 'w1' : 'w2';
      return `${w}+${Math.floor((at - (w === 'w1' ? w1.startMs : w2.startMs)) / MIN)}m`;
    });
    expect(offsets).toEqual(['w1+0m', 'w1+20m', 'w2+0m', 'w2+20m', 'w2+40m', 'not started']);
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('No maintenance window is left: the servers not yet started stay untouched.');
    expect(report.totals).toMatchObject({ finished: 5, notStarted: 1, byOutcome: { done: 5 } });
  });

  it('sleeps until a recurring cron window opens in its time zone', async () => {
    const taskQueue = uniqueTaskQueue('cron');
    const servers = fleet(taskQueue, 2);
    const startedAt: number[] = [];
    const activities = scriptedActivities({}, {}, async () => {
      startedAt.push(await env.currentTimeMs());
    });
    const settings = testSettings(taskQueue, {
      windows: { kind: 'recurring', cron: '30 3 * * 2', durationMs: 2 * H, timezone: 'America/New_York' },
    });
    const worker = await createTestWorker(env, { taskQueue, activities });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());
    expect(report.finalState).toBe('done');
    for (const at of startedAt) {
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(at);
      expect(local).toMatch(/^Tue 0[34]:\d\d$/);
    }
  });

  it('halts, naming the fix, when no window is long enough for a server instead of sleeping through each', async () => {
    const taskQueue = uniqueTaskQueue('short');
    const servers = fleet(taskQueue, 2);
    const started: string[] = [];
    const activities = scriptedActivities({}, {}, async (sn) => {
      started.push(sn);
    });
    const settings = testSettings(taskQueue, {
      // Until 3 servers are done, a server needs install + boot = 75 minutes before the close.
      deadlines: { installMs: 60 * MIN, bootMs: 15 * MIN, rollbackMs: 10 * MIN },
      windows: { kind: 'recurring', cron: '0 22 * * *', durationMs: H, timezone: 'Europe/Paris' },
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
      startedAt.set(sn, await env.currentTimeMs());
    });
    const settings = testSettings(taskQueue, { waves: [{ count: 1 }, { count: 2 }], bakeTimeMs: 2 * H });
    const worker = await createTestWorker(env, { taskQueue, activities });
    const report = await worker.runUntil(async () => (await startCampaign(env, taskQueue, servers, settings)).result());
    expect(report.finalState).toBe('done');
    const [first, second, third] = servers.map((s) => startedAt.get(s.serviceName) as number);
    expect(second! - first!).toBeGreaterThanOrEqual(2 * H);
    expect(Math.abs(third! - second!)).toBeLessThan(MIN);
  });
});
