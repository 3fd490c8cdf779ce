/**
 * B1 makespan: 1,000 servers, maxParallel 100, installs of 11 simulated minutes (±20% jitter drawn by the
 * simulator), run at a simulator speed where the orchestration keeps up, with the campaign's time settings
 * (poll intervals) scaled by the same factor. Prints one JSON line with the measured makespan (workflow start
 * to report, in simulated time), the ideal and their ratio.
 *
 * The ideal is the lower bound from the durations the simulator actually drew: max(total work / parallelism,
 * longest install). Everything else (preflight, start, detection of the end, boot check, scheduling) is
 * overhead the ratio shows.
 *
 *   npx tsx bench/b1-makespan.ts            # 1,000 servers, 100 in flight, speed 20 (about 6 minutes)
 *   npx tsx bench/b1-makespan.ts --quick    # 60 servers, 20 in flight, speed 60 (about 40 s)
 */
import { benchArgs, printResult } from './lib/args';
import { startBenchStack } from './lib/stack';
import { readEnvironment } from '../src/config';
import type { ServerView } from '../src/simulator/side-door';

const TARGET_RATIO = 1.05;

/**
 * The makespan of the same durations admitted in the same order into `parallel` slots with zero overhead:
 * what a perfect orchestrator that does not know durations in advance achieves (the bound below it assumes
 * work can be split across slots). The gap between the two is the tail of the last wave, not overhead.
 */
function zeroOverheadMakespan(durations: number[], parallel: number): number {
  const slots = Array.from({ length: Math.min(parallel, durations.length) }, () => 0);
  for (const duration of durations) {
    const free = slots.indexOf(Math.min(...slots));
    slots[free] = (slots[free] ?? 0) + duration;
  }
  return Math.max(...slots);
}

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 60 }, full: { servers: 1000 } });
  const parallel = args.quick ? 20 : 100;
  // Simulated seconds per real second: high, yet low enough for the orchestration (about 6 servers/s on
  // two cores shared with the dev server) to keep `parallel` servers installing.
  const speed = args.quick ? 60 : 20;
  const stack = await startBenchStack({ baseEnv: readEnvironment(), servers: args.servers, speed, seed: 'b1' });
  try {
    const campaignId = `b1-${Date.now().toString(36)}`;
    const scaled = (seconds: number) => `${Math.max(1, Math.round((seconds * 1000) / speed))}ms`;
    const started = Date.now();
    const report = await stack.runCampaign(
      {
        rollout: { maxParallel: parallel, failureBudget: '10%' },
        // The default policy (15 s to 2 min), in real time at this speed.
        poll: { minInterval: scaled(15), maxInterval: scaled(120) },
      },
      campaignId,
    );
    const makespanMs = (Date.now() - started) * speed;
    const views = await Promise.all(stack.sim.servers.map((sn) => stack.sideDoor<ServerView>(`servers/${sn}`)));
    const durations = views.map((v) => v.deployment?.plannedDurationMs ?? 0);
    const total = durations.reduce((a, b) => a + b, 0);
    const idealMs = Math.max(total / parallel, Math.max(...durations));
    const minutes = (ms: number) => Math.round(ms / 6000) / 10;
    const ratio = Math.round((makespanMs / idealMs) * 1000) / 1000;
    const greedyMs = zeroOverheadMakespan(durations, parallel);
    printResult(
      'B1 makespan',
      args,
      {
        servers: args.servers,
        maxParallel: parallel,
        speed,
        byOutcome: report.totals.byOutcome,
        installMinutes: {
          min: minutes(Math.min(...durations)),
          mean: minutes(total / durations.length),
          max: minutes(Math.max(...durations)),
        },
        makespanMinutes: minutes(makespanMs),
        idealMinutes: minutes(idealMs),
        ratio,
        zeroOverheadMinutes: minutes(greedyMs),
        ratioToZeroOverhead: Math.round((makespanMs / greedyMs) * 1000) / 1000,
      },
      { ratio: ratio <= TARGET_RATIO },
    );
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
