/**
 * B7 learned durations: what learning install durations from done servers saves in polls and detection
 * latency. A campaign-shaped run without Temporal: servers go through a sliding window of `parallel` slots,
 * each through our activity chain (bench/lib/sim-bench.ts, as in B2), and each starts with what the
 * campaign's estimator (src/workflows/install-durations.ts) learned from the servers done before it, as the
 * campaign workflow does. The contender `default` never learns (every server expects 11 minutes).
 *
 * Scenarios, each on its own simulator with the same seed (the same drawn durations):
 * - steady: installs of 11 minutes ± 20 %, what the default expects;
 * - drift: installs get 50 % slower once a quarter of the servers are done (the simulator's install_factor
 *   fault), early enough for the 32-server window to see mostly slow installs before the campaign ends;
 * - short: installs of 6.6 minutes ± 20 % (a small image), far from the default.
 *
 * Figures over all servers, and over the servers started once 3 were done (`learned`: the ones the learning
 * contender starts with an expectation; the same servers for `default`). Detection latency in simulated
 * seconds, as in B2.
 *
 *   npx tsx bench/b7-learned-durations.ts              # 48 servers, 6 in flight, speed 60 (about 10 minutes)
 *   npx tsx bench/b7-learned-durations.ts --quick      # 24 servers, 4 in flight, speed 120
 *   npx tsx bench/b7-learned-durations.ts --speed 120  # another speed (simulated seconds per real second)
 */
import { readEnvironment } from '../src/config';
import { isPendingTaskStatus } from '../src/ovh/schemas';
import type { InstallSample } from '../src/shared/campaign-report-types';
import type { Simulator } from '../src/simulator';
import { MIN_SAMPLES } from '../src/shared/eta';
import { learnedInstalls, recordInstall } from '../src/workflows/install-durations';
import { benchArgs, printResult } from './lib/args';
import {
  benchCaDir,
  chainRunner,
  DetectionLog,
  latencySummary,
  slidingWindow,
  startBenchSimulator,
} from './lib/sim-bench';

const CA_DIR = benchCaDir(readEnvironment());
/** The campaign file's default poll bounds. */
const POLL_BOUNDS = { pollMinMs: 15_000, pollMaxMs: 10 * 60_000 };
const SCENARIOS = {
  steady: { initial: undefined, atQuarter: undefined },
  drift: { initial: undefined, atQuarter: 'install_factor=1.5' },
  short: { initial: 'install_factor=0.6', atQuarter: undefined },
} as const;
type Scenario = keyof typeof SCENARIOS;

const round2 = (value: number) => Math.round(value * 100) / 100;
const mean = (values: number[]) => round2(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length));

/** Each task's detection latency (simulated seconds), by the server it belongs to. */
class DetectionsByServer extends DetectionLog {
  readonly byServer = new Map<string, number>();
  constructor(private readonly simulator: Simulator) {
    super(simulator);
  }

  /** `path` is /dedicated/server/{serviceName}/task/{taskId}. */
  override observe(path: string, task: { status: string; doneDate?: string | null }): void {
    const serviceName = decodeURIComponent(path.split('/')[3] ?? '');
    if (isPendingTaskStatus(task.status) || this.byServer.has(serviceName) || !task.doneDate) return;
    this.byServer.set(serviceName, (this.simulator.state.now() - Date.parse(task.doneDate)) / 1000);
  }
}

interface ServerFigures {
  index: number;
  polls: number;
  calls: number;
  detectionS: number;
}

function summary(servers: ServerFigures[]) {
  return {
    servers: servers.length,
    pollsPerServer: mean(servers.map((s) => s.polls)),
    callsPerServer: mean(servers.map((s) => s.calls)),
    detectionS: latencySummary(servers.map((s) => s.detectionS)),
  };
}

async function campaign(scenario: Scenario, learn: boolean, servers: number, parallel: number, speed: number) {
  const { initial, atQuarter } = SCENARIOS[scenario];
  const sim = await startBenchSimulator({
    servers,
    speed,
    caDir: CA_DIR,
    ...(initial ? { faults: initial } : {}),
  });
  try {
    const detections = new DetectionsByServer(sim);
    const figures: ServerFigures[] = [];
    let window: InstallSample[] = [];
    await slidingWindow(
      sim.servers.map((serviceName, index) => ({ serviceName, index })),
      parallel,
      async ({ serviceName, index }) => {
        const learned = learn ? learnedInstalls(window) : undefined;
        const expectation = learned
          ? { typicalInstallMs: learned.typicalInstallMs, earlyInstallMs: learned.earlyInstallMs }
          : {};
        // chainRunner passes its poll options on to waitForDeployment's input, the expectation with them.
        const poll = { ...POLL_BOUNDS, ...expectation };
        const startedAt = sim.state.now();
        const chain = await chainRunner({ sim, detections, poll }, speed).reimage(serviceName);
        window = recordInstall(window, chain.installDurationMs, sim.state.now() - startedAt);
        const calls = chain.preflight + chain.start + chain.wait + chain.verify;
        figures.push({ index, polls: chain.polls, calls, detectionS: detections.byServer.get(serviceName) ?? NaN });
        if (atQuarter && figures.length === Math.floor(servers / 4)) sim.state.injectFaults(atQuarter);
      },
    );
    // A server admitted once MIN_SAMPLES were done: lane by lane, server i starts after i - parallel + 1 ends.
    const learnedFrom = parallel + MIN_SAMPLES - 1;
    const final = learnedInstalls(window);
    return {
      all: summary(figures),
      learned: summary(figures.filter((s) => s.index >= learnedFrom)),
      learnedTypicalMinutes: final ? round2(final.typicalInstallMs / 60_000) : null,
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  // Simulated seconds per real second (`--speed N`), as in B2: 60 for the recorded figures, 120 in CI.
  const args = benchArgs({ quick: { servers: 24, speed: 120 }, full: { servers: 48, speed: 60 } });
  const { speed } = args;
  const parallel = args.quick ? 4 : 6;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`B7: ${args.servers} servers, ${parallel} in flight, simulator speed ${speed}`);
  const scenarios: Record<string, { default: unknown; learned: Awaited<ReturnType<typeof campaign>> }> = {};
  const runScenario = async (scenario: Scenario) => {
    const run = (learn: boolean) => campaign(scenario, learn, args.servers, parallel, speed);
    const [defaults, learned] = args.quick
      ? await Promise.all([run(false), run(true)])
      : [await run(false), await run(true)];
    log(`${scenario} default: ${JSON.stringify(defaults)}`);
    log(`${scenario} learned: ${JSON.stringify(learned)}`);
    scenarios[scenario] = { default: defaults, learned };
  };
  const names = Object.keys(SCENARIOS) as Scenario[];
  // The quick run (CI) runs its campaigns side by side, each on its own simulator: they mostly wait on the
  // simulated clock, so they fit in CI's time; the full run keeps them apart for the recorded figures.
  if (args.quick) await Promise.all(names.map(runScenario));
  else for (const scenario of names) await runScenario(scenario);
  const p50Met = Object.values(scenarios).every((s) => (s.learned.learned.detectionS.p50 ?? Infinity) <= 30);
  printResult(
    'B7 learned durations',
    args,
    { servers: args.servers, parallel, speed, scenarios },
    { detectionP50OnceLearned: p50Met },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
