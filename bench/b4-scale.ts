/**
 * B4 scale: a campaign of 10,000 servers whose installs take near-zero time (simulator speed 100,000), run
 * through the real worker process against the dev server. Prints one JSON line: servers orchestrated per
 * second, the worker's peak RSS, the campaign's runs (continue-as-new) and the largest history of any run.
 *
 *   npx tsx bench/b4-scale.ts            # 10,000 servers
 *   npx tsx bench/b4-scale.ts --quick    # 300 servers (CI)
 *   npx tsx bench/b4-scale.ts --servers 2000
 */
import { benchArgs, printResult } from './lib/args';
import { startBenchStack } from './lib/stack';
import { readEnvironment } from '../src/config';

const TARGETS = { serversPerSecond: 20, workerPeakRssMb: 400, largestRunEvents: 10_240 };

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 300 }, full: { servers: 10_000 } });
  const stack = await startBenchStack({
    baseEnv: readEnvironment(),
    servers: args.servers,
    speed: 100_000,
    seed: 'b4',
  });
  try {
    const campaignId = `b4-${Date.now().toString(36)}`;
    const started = Date.now();
    const cpuBefore = stack.cpuSeconds();
    const report = await stack.runCampaign(
      {
        rollout: { maxParallel: 500, failureBudget: '10%' },
        poll: { minInterval: '10ms', maxInterval: '50ms' },
      },
      campaignId,
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const cpu = stack.cpuSeconds();
    const perServerMs = (key: keyof typeof cpu) => Math.round(((cpu[key] - cpuBefore[key]) * 1000) / args.servers);
    const runs = await stack.runsOf(`campaign/${campaignId}`);
    const figures = {
      servers: args.servers,
      finalState: report.finalState,
      byOutcome: report.totals.byOutcome,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      serversPerSecond: Math.round((args.servers / wallSeconds) * 10) / 10,
      workerPeakRssMb: stack.workerPeakRssMb(),
      cpuMsPerServer: {
        worker: perServerMs('worker'),
        temporal: perServerMs('temporal'),
        simulator: perServerMs('simulator'),
      },
      runs: runs.length,
      largestRunEvents: Math.max(...runs.map((r) => r.events)),
    };
    printResult('B4 scale', args, figures, {
      serversPerSecond: figures.serversPerSecond >= TARGETS.serversPerSecond,
      workerPeakRssMb: figures.workerPeakRssMb <= TARGETS.workerPeakRssMb,
      largestRunEvents: figures.largestRunEvents <= TARGETS.largestRunEvents,
      reportTotalsEqualFleet: report.totals.finished === args.servers,
    });
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
