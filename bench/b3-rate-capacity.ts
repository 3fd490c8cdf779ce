/**
 * B3 rate-budget capacity: with the simulator limiting each consumer key to 60 requests per simulated
 * minute, the largest number of servers in flight (a sliding window over a fleet larger than the window)
 * for which detection latency p95 stays within 60 s and OVH never answers 429.
 *
 * Clocks. The simulator's limiter counts requests per window of *real* milliseconds, while installs run on
 * the simulated clock, `SPEED` times faster. So both limits are scaled by the same factor, in real time:
 * the simulator allows 60 requests per `60 000 / SPEED` real ms, and our RateBudget (the worker's, with the
 * same algorithm and burst) grants 60 per the same real period. 60 per real period is then exactly 60 per
 * simulated minute for both, and every activity sleep is divided by `SPEED` too. The budget's window slack
 * (the margin for network delays between our send and the limiter's count) is 5 % of that period here:
 * on a loaded 2-core machine request delays vary by tens of real ms, a large share of a scaled minute
 * (in production, 2 % of a real minute is 1.2 s).
 *
 * Each run: `N` servers in flight over a fleet of `2N` (quick: `N`), our chain preflight -> start -> wait ->
 * verify per server, the default poll policy (bounds 15 s..10 min). Polls go before preflight, start and
 * verify calls in the budget; `--fifo` serves all calls in arrival order instead, for comparison.
 * Besides the latency and the 429s, each run reports what the budget costs: throughput (servers finished
 * per simulated hour) and the mean number of installs running at once.
 *
 *   npx tsx bench/b3-rate-capacity.ts            # N = 20, 40, 60, 80, 100, 120 (about 8 minutes)
 *   npx tsx bench/b3-rate-capacity.ts --quick    # N = 30, 60, one wave each (under a minute)
 *   npx tsx bench/b3-rate-capacity.ts --fifo     # the same without poll priority
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { readEnvironment } from '../src/config';
import { RateBudget, type RateBudgetOptions, type RateGrant } from '../src/ovh/rate-budget';
import {
  chainRunner,
  DetectionLog,
  latencySummary,
  meanCalls,
  benchCaDir,
  slidingWindow,
  startBenchSimulator,
  type ChainCalls,
} from './lib/sim-bench';

const LIMIT = 60;
const TARGETS = { detectionP95S: 60, http429: 0, inFlight: 60 };
const CA_DIR = benchCaDir(readEnvironment());

/** A budget that ignores priorities: every call waits in arrival order. */
class FifoBudget extends RateBudget {
  override acquire(tokens = 1): Promise<RateGrant> {
    return super.acquire(tokens, 'normal');
  }
}

interface RunOptions {
  inFlight: number;
  fleet: number;
  speed: number;
  fifo: boolean;
}

async function runAt(options: RunOptions) {
  const perMs = Math.round(60_000 / options.speed);
  const sim = await startBenchSimulator({
    servers: options.fleet,
    speed: options.speed,
    seed: 'b3',
    rateLimit: { requests: LIMIT, perMs },
    caDir: CA_DIR,
  });
  try {
    // Fresh: a new simulator, so no earlier process's calls share the budget's first window.
    const budgetOptions: RateBudgetOptions = { requests: LIMIT, perMs, burst: 10, slackMs: perMs * 0.1, fresh: true };
    const rateBudget = options.fifo ? new FifoBudget(budgetOptions) : new RateBudget(budgetOptions);
    const detections = new DetectionLog(sim);
    const poll = { pollMinMs: 15_000, pollMaxMs: 10 * 60_000 };
    const chain = chainRunner({ sim, detections, rateBudget, poll }, options.speed);
    await chain.warmUp();
    const startedAt = sim.state.now();
    const calls: ChainCalls[] = [];
    const failures: string[] = [];
    await slidingWindow(sim.servers, options.inFlight, async (name) => {
      try {
        calls.push(await chain.reimage(name));
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    });
    const elapsedMs = sim.state.now() - startedAt;
    const summedInstallMs = calls.reduce((sum, call) => sum + call.installDurationMs, 0);
    const stats = rateBudget.stats();
    const detection = latencySummary(detections.latenciesS());
    return {
      inFlight: options.inFlight,
      fleet: options.fleet,
      detectionS: detection,
      http429: sim.state.counters().byStatus['429'] ?? 0,
      failed: failures.length,
      firstFailure: failures[0],
      callsPerServer: meanCalls(calls).total,
      serversPerHour: Math.round((calls.length / elapsedMs) * 3_600_000),
      installingAtOnce: Math.round((summedInstallMs / elapsedMs) * 10) / 10,
      // Real ms of waiting, turned into simulated seconds.
      meanBudgetWaitS: Math.round(((stats.waitedMs / Math.max(1, stats.acquired)) * options.speed) / 100) / 10,
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, fifo: { type: 'boolean' } }, strict: true });
  const quick = values.quick ?? false;
  const fifo = values.fifo ?? false;
  const speed = 30;
  const sizes = quick ? [60] : [20, 40, 60, 80, 100, 120];
  const runs: Awaited<ReturnType<typeof runAt>>[] = [];
  for (const inFlight of sizes) {
    const run = await runAt({ inFlight, fleet: quick ? inFlight : 2 * inFlight, speed, fifo });
    process.stderr.write(`${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  const meets = (run: (typeof runs)[number]) =>
    (run.detectionS.p95 ?? Infinity) <= TARGETS.detectionP95S && run.http429 === 0 && run.failed === 0;
  const passing = runs.filter(meets).map((run) => run.inFlight);
  const largest = passing.length > 0 ? Math.max(...passing) : 0;
  const result = {
    bench: 'B3 rate-budget capacity',
    quick,
    budget: fifo ? 'fifo' : 'polls first',
    limitPerKeyPerMin: LIMIT,
    speed,
    largestInFlight: largest,
    searchedUpTo: Math.max(...sizes),
    runs,
    targets: TARGETS,
    met: { inFlight: largest >= TARGETS.inFlight },
    machine: { cores: os.cpus().length, node: process.version, date: new Date().toISOString().slice(0, 10) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
