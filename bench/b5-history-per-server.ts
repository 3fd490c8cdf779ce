/**
 * B5 history per server: the events in one server workflow's history for an 11-minute install (simulator
 * speed 60, so it takes about 11 s; the poll policy is scaled alike). Waiting is one heartbeating
 * activity, so the count does not grow with the install time. Prints one JSON line with the count per
 * event type of the largest history.
 *
 *   npx tsx bench/b5-history-per-server.ts [--quick] [--servers 3]
 */
import { temporal } from '@temporalio/proto';
import { benchArgs, printResult } from './lib/args';
import { startBenchStack } from './lib/stack';
import { readEnvironment } from '../src/config';
import { serverWorkflowId } from '../src/shared/workflow-ids';

const TARGET_EVENTS = 60;
/** Simulated seconds per real second. */
const SPEED = 60;

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 2 }, full: { servers: 5 } });
  const stack = await startBenchStack({ baseEnv: readEnvironment(), servers: args.servers, speed: SPEED, seed: 'b5' });
  try {
    const campaignId = `b5-${Date.now().toString(36)}`;
    const report = await stack.runCampaign(
      {
        rollout: { maxParallel: args.servers },
        // OVH's default policy (15 s to 2 min) at 60x: 250 ms to 2 s of real time.
        poll: { minInterval: '250ms', maxInterval: '2s' },
      },
      campaignId,
    );
    const histories = await Promise.all(
      stack.sim.servers.map(async (sn) => {
        const history = await stack.client.workflow.getHandle(serverWorkflowId(sn)).fetchHistory();
        return history.events ?? [];
      }),
    );
    const largest = histories.reduce((a, b) => (b.length > a.length ? b : a));
    const byType: Record<string, number> = {};
    for (const event of largest) {
      const type = (temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
      byType[type] = (byType[type] ?? 0) + 1;
    }
    const installingMinutes = report.servers.map((s) => Math.round(((s.installingMs ?? 0) * SPEED) / 6000) / 10);
    printResult(
      'B5 history per server',
      args,
      {
        servers: args.servers,
        byOutcome: report.totals.byOutcome,
        simulatedInstallingMinutes: installingMinutes,
        eventsPerServer: histories.map((h) => h.length),
        largestByType: byType,
      },
      { eventsPerServer: largest.length <= TARGET_EVENTS },
    );
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
