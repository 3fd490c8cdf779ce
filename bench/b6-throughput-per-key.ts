/**
 * B6 throughput per OVH key: how many servers per hour one consumer key limited to 60 requests per minute
 * carries, when `maxParallel` is high enough that the key, not the slots, is the bound.
 *
 * The fleet (1,000 servers; `--quick`: 150) installs in 11 minutes ± 20 % (the simulator's draw). Our
 * activity chain per server (preflight -> start -> wait -> verify, as the server workflow runs it, with no
 * plan before: every stable fact is read by the campaign itself) runs `IN_FLIGHT` servers at a time, each
 * new server getting the install duration learned from those done before it, as the campaign hands it on.
 * All OVH calls of all servers share one RateBudget (the worker's, polls first), and the simulator answers
 * 429 past 60 calls in its own window of a minute.
 *
 * Clocks, as in B3: the simulator runs `SPEED` times faster than real time and its limiter counts real
 * milliseconds, so both limits are scaled by `SPEED` (60 calls per 60 000 / SPEED real ms is 60 per
 * simulated minute for both) and every activity sleep is divided by `SPEED`.
 *
 * Two runs on fresh simulators: the campaign alone, and the campaign after `reimage plan` on the same worker
 * (the plan reads every server's stable facts through the same budget, e.g. the day before the maintenance
 * window; its minutes and calls are reported apart, and the campaign in the window reuses what it read).
 *
 * Figures: the makespan (simulated), servers per hour over the whole campaign and sustained (between the
 * 10th and the 90th percentile of completions, leaving out the ramp-up of the first installs and the tail
 * of the last), calls per server, the highest number of calls in any sliding minute (the simulator's
 * `busiestWindow`, never above 60) and the 429s (none).
 *
 *   npx tsx bench/b6-throughput-per-key.ts            # 1,000 servers, 200 at a time (about 15 minutes)
 *   npx tsx bench/b6-throughput-per-key.ts --quick    # 100 servers, 100 at a time (CI, about 80 s)
 */
import { readEnvironment } from '../src/config';
import { RateBudget } from '../src/ovh/rate-budget';
import { benchArgs, printResult } from './lib/args';
import {
  benchCaDir,
  chainRunner,
  DetectionLog,
  InstallLearning,
  latencySummary,
  meanCalls,
  slidingWindow,
  startBenchSimulator,
  type ChainCalls,
} from './lib/sim-bench';

const LIMIT_PER_MINUTE = 60;
const TARGETS = { sustainedServersPerHour: 450, busiestMinute: LIMIT_PER_MINUTE, http429: 0 };
const CA_DIR = benchCaDir(readEnvironment());
const HOUR_MS = 3_600_000;

/** Servers per simulated hour between two completion times. */
function perHour(count: number, fromMs: number, toMs: number): number {
  return toMs > fromMs ? Math.round((count / (toMs - fromMs)) * HOUR_MS) : 0;
}

interface RunOptions {
  servers: number;
  inFlight: number;
  speed: number;
  /** Run `reimage plan` first on the same worker (its own time and calls are reported apart). */
  withPlan: boolean;
}

async function runCampaign(options: RunOptions) {
  const { servers, inFlight, speed } = options;
  const perMs = Math.round(60_000 / speed);
  const sim = await startBenchSimulator({
    servers,
    speed,
    seed: 'b6',
    rateLimit: { requests: LIMIT_PER_MINUTE, perMs },
    caDir: CA_DIR,
  });
  try {
    // The worker's budget and burst; a window slack of 5 % of the scaled minute (B3 says why).
    const rateBudget = new RateBudget({
      requests: LIMIT_PER_MINUTE,
      perMs,
      burst: 10,
      slackMs: perMs * 0.05,
      fresh: true,
    });
    const detections = new DetectionLog(sim);
    const poll = { pollMinMs: 15_000, pollMaxMs: 10 * 60_000 };
    const chain = chainRunner({ sim, detections, rateBudget, poll }, speed);
    await chain.warmUp();
    const planStartedAt = sim.state.now();
    const planCalls = options.withPlan ? await chain.plan(sim.servers) : 0;
    const plan = options.withPlan
      ? {
          minutes: Math.round((sim.state.now() - planStartedAt) / 6_000) / 10,
          callsPerServer: Math.round((planCalls / servers) * 100) / 100,
        }
      : undefined;
    const before = sim.state.counters();
    const startedAt = sim.state.now();
    const learning = new InstallLearning();
    const calls: ChainCalls[] = [];
    const doneAt: number[] = [];
    const failures: string[] = [];
    await slidingWindow(sim.servers, inFlight, async (name) => {
      try {
        const done = await chain.reimage(name, learning.expectation());
        learning.record(done);
        calls.push(done);
        if (done.ok) doneAt.push(sim.state.now() - startedAt);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    });
    const makespanMs = sim.state.now() - startedAt;
    const after = sim.state.counters();
    doneAt.sort((a, b) => a - b);
    const p10 = doneAt[Math.floor(doneAt.length * 0.1)] ?? 0;
    const p90 = doneAt[Math.floor(doneAt.length * 0.9)] ?? 0;
    const sustainedCount = doneAt.filter((at) => at > p10 && at <= p90).length;
    const http429 = (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0);
    return {
      ...(plan ? { plan } : {}),
      done: doneAt.length,
      failed: failures.length,
      ...(failures[0] ? { firstFailure: failures[0] } : {}),
      makespanMinutes: Math.round(makespanMs / 6_000) / 10,
      serversPerHour: { overall: perHour(doneAt.length, 0, makespanMs), sustained: perHour(sustainedCount, p10, p90) },
      callsPerServer: meanCalls(calls),
      byRoute: Object.fromEntries(
        Object.entries(after.byRoute).map(([route, count]) => [
          route.replace('/dedicated/server/{serviceName}', '{sn}'),
          Math.round(((count - (before.byRoute[route] ?? 0)) / servers) * 100) / 100,
        ]),
      ),
      // Plan and campaign together: one key, one process.
      busiestMinute: after.busiestWindow.byConsumer[sim.credentials.consumerKey] ?? 0,
      http429,
      detectionS: latencySummary(detections.latenciesS()),
      learned: learning.expectation(),
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 300 }, full: { servers: 1000 } });
  const common = { servers: args.servers, inFlight: args.quick ? 100 : 200, speed: args.quick ? 90 : 30 };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const campaign = await runCampaign({ ...common, withPlan: false });
  log(`campaign alone: ${JSON.stringify(campaign)}`);
  const afterPlan = await runCampaign({ ...common, withPlan: true });
  log(`campaign after a plan: ${JSON.stringify(afterPlan)}`);
  const runs = [campaign, afterPlan];
  const best = Math.max(...runs.map((run) => run.serversPerHour.sustained));
  printResult(
    'B6 throughput per key',
    args,
    {
      ...common,
      limitPerKeyPerMin: LIMIT_PER_MINUTE,
      installMinutes: '11 ±20 %',
      campaign,
      afterPlan,
      targets: TARGETS,
    },
    {
      sustainedServersPerHour: best >= TARGETS.sustainedServersPerHour,
      campaignAloneSustainedServersPerHour: campaign.serversPerHour.sustained >= TARGETS.sustainedServersPerHour,
      busiestMinute: runs.every((run) => run.busiestMinute <= TARGETS.busiestMinute),
      http429: runs.every((run) => run.http429 === TARGETS.http429),
    },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
