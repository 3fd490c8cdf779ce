import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reimageCampaignWorkflow } from '../../src/workflows';
import { campaignProgressQuery } from '../../src/shared/campaign-messages';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { writeTestLog } from '../helpers/test-log';
import { testSettings } from './helpers/settings';
import { simulatedOvh, type SimulatedOvh } from './helpers/simulated-ovh';

/**
 * 2,000 servers with near-zero installs, 4 to 7 minutes on a 2-core box shared with the rest of the
 * suite (the dev server and the worker share the two cores: ~5 to 7 servers/s). `.ci/run` sets
 * `REIMAGE_SCALE_SERVERS=1000` to fit CI's time (still several runs through continue-as-new);
 * `REIMAGE_SCALE_SERVERS=300` gives a quick local run.
 */
const SERVERS = Number(process.env.REIMAGE_SCALE_SERVERS ?? 2000);
/** Every 100th server's install fails (download fault), within a 5% budget. */
const FAILING_EVERY = 100;
const FAILURES = Math.floor(SERVERS / FAILING_EVERY);

let env: TestWorkflowEnvironment;
let ovh: SimulatedOvh;
devServerPerFile((connected) => (env = connected));
beforeAll(async () => {
  const faults = Object.fromEntries(
    Array.from({ length: SERVERS / FAILING_EVERY }, (_, k) => [
      k * FAILING_EVERY + FAILING_EVERY - 1,
      ['download_fail'],
    ]),
  );
  ovh = await simulatedOvh({ count: SERVERS, speed: 100_000, faults });
});
afterAll(async () => {
  await ovh?.close();
});

/** Every run of the campaign with its history length and input size. */
async function runsOf(workflowId: string): Promise<{ events: number; inputBytes: number }[]> {
  const runs: { events: number; inputBytes: number }[] = [];
  for await (const info of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await env.client.workflow.getHandle(workflowId, info.runId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const inputBytes = started?.input?.payloads?.reduce((sum, p) => sum + (p.data?.length ?? 0), 0) ?? 0;
    runs.push({ events: history.events?.length ?? 0, inputBytes });
  }
  return runs;
}

describe(`a ${SERVERS}-server campaign with the real activities against the simulator`, () => {
  it('completes through continue-as-new with correct totals and one install per server', async () => {
    const taskQueue = uniqueTaskQueue('scale');
    const settings = testSettings(taskQueue, {
      image: {
        url: 'https://images.example.test/debian-12.raw',
        type: 'raw',
        efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      },
      qualifyImage: false,
      poll: { minMs: 2, maxMs: 10 },
      maxParallel: { count: 200 },
      failureBudget: { percent: 5 },
      // Lower than the 4,000-event default so even a 300-server run goes through several runs.
      continueAsNewAfterEvents: SERVERS >= 2000 ? 4000 : 1000,
    });
    const worker = await createTestWorker(env, {
      taskQueue,
      activities: ovh.activities,
      maxConcurrentActivityTaskExecutions: 300,
    });
    const t0 = Date.now();
    const report = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(reimageCampaignWorkflow, {
        workflowId: campaignWorkflowId(taskQueue),
        taskQueue,
        args: [{ campaignId: taskQueue, servers: ovh.servers, settings }],
      });
      const ticker = setInterval(() => {
        // Progress in the test's log: where a slow or stuck run shows how far it got.
        handle.query(campaignProgressQuery).then(
          (p) =>
            writeTestLog(
              `${Date.now() - t0} ms: run ${p.run}, ${p.totals.finished} finished, ${p.totals.running} running`,
            ),
          () => undefined,
        );
      }, 15_000);
      try {
        return await handle.result();
      } finally {
        clearInterval(ticker);
      }
    });
    const elapsedMs = Date.now() - t0;
    const runs = await runsOf(campaignWorkflowId(taskQueue));
    const largest = Math.max(...runs.map((r) => r.events));
    const largestInput = Math.max(...runs.map((r) => r.inputBytes));
    writeTestLog(
      `${SERVERS} servers in ${elapsedMs} ms; ${runs.length} runs; largest history ${largest} events; largest input ${largestInput} bytes`,
    );

    expect(report.finalState).toBe('done');
    expect(report.totals).toMatchObject({
      servers: SERVERS,
      finished: SERVERS,
      failures: FAILURES,
      failureBudget: Math.floor(SERVERS / 20),
    });
    expect(report.totals.byOutcome).toEqual({ done: SERVERS - FAILURES, deploy_failed: FAILURES });
    expect(report.servers.filter((s) => s.outcome === 'deploy_failed').map((s) => s.serviceName)).toEqual(
      ovh.servers.filter((_, i) => i % FAILING_EVERY === FAILING_EVERY - 1).map((s) => s.serviceName),
    );
    expect(report.totals.apiCalls).toBe(report.servers.reduce((sum, s) => sum + (s.apiCalls ?? 0), 0));
    expect(report.runs).toBe(runs.length);
    expect(runs.length).toBeGreaterThan(1);
    expect(largest).toBeLessThan(10_240);
    expect(ovh.servers.filter((s) => ovh.installPosts(s.serviceName) !== 1)).toEqual([]);
  }, 840_000);
});
