/**
 * B6 throughput per OVH key: how many servers per hour one consumer key limited to 60 requests per minute
 * carries, when `maxParallel` is high enough that the key, not the slots, is the bound.
 *
 * The fleet (1,000 servers; `--quick`: 200) installs in 11 minutes ± 20 % (the simulator's draw). Our
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
 * `--accounts N` splits the fleet across N OVH accounts, each a simulator with its own key limited to 60 a
 * minute and its own budget in the worker (as a worker holding N accounts has), with N times the slots:
 * the servers per hour should then be about N times one key's.
 *
 *   npx tsx bench/b6-throughput-per-key.ts            # 1,000 servers, 200 at a time (about 15 minutes)
 *   npx tsx bench/b6-throughput-per-key.ts --quick    # 200 servers, 100 at a time, speed 90 (CI, about 70 s)
 *   npx tsx bench/b6-throughput-per-key.ts --accounts 2   # 1,000 servers over two keys, 400 at a time
 *   npx tsx bench/b6-throughput-per-key.ts --callbacks    # the servers call back (twice the slots)
 */
import { InstallLearning } from '../src/workflows/install-durations';
import { readEnvironment } from '../src/config';
import { RateBudget } from '../src/ovh/rate-budget';
import { benchArgs, printResult } from './lib/args';
import {
  benchCaDir,
  chainRunner,
  DetectionLog,
  chainExpectation,
  recordChain,
  latencySummary,
  meanCalls,
  slidingWindow,
  startBenchSimulator,
  type ChainCalls,
  type PollExpectation,
} from './lib/sim-bench';
import { BENCH_CALLBACK_SECRET, BenchCallbackReceiver, callbackChain } from './lib/callback-chain';

const LIMIT_PER_MINUTE = 60;
const TARGETS = { sustainedServersPerHour: 450, busiestMinute: LIMIT_PER_MINUTE, http429: 0 };
/** With callbacks: after a plan, and without one. */
const CALLBACK_TARGETS = { afterPlan: 650, campaignAlone: 400 };
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
  /** OVH accounts the fleet is split across, each a simulator with its own key, limit and budget. */
  accounts: number;
  /** The servers call back (completion.callback): bench/lib/callback-chain.ts. */
  callbacks: boolean;
}

/** One OVH account: its simulator (its own key, limited to 60 a minute), the worker's budget for it, its chain. */
async function startAccount(index: number, options: RunOptions) {
  const { speed } = options;
  const perMs = Math.round(60_000 / speed);
  const sim = await startBenchSimulator({
    servers: Math.ceil(options.servers / options.accounts),
    speed,
    seed: index === 0 ? 'b6' : `b6-${index}`,
    rateLimit: { requests: LIMIT_PER_MINUTE, perMs },
    caDir: CA_DIR,
  });
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
  const chain = chainRunner({ sim, detections, rateBudget, poll, callbackSecret: BENCH_CALLBACK_SECRET }, speed);
  await chain.warmUp();
  const receiver = new BenchCallbackReceiver();
  if (options.callbacks) await receiver.start();
  const reimage = options.callbacks
    ? (name: string, expected?: PollExpectation) => callbackChain(chain, receiver)(name, expected, poll)
    : chain.reimage;
  return { sim, detections, chain, reimage, receiver };
}

type Account = Awaited<ReturnType<typeof startAccount>>;

/** The plan on every account at once: its simulated minutes (the slowest account's) and calls per server. */
async function planAll(accounts: Account[], servers: number) {
  const startedAt = accounts.map((account) => account.sim.state.now());
  const calls = await Promise.all(accounts.map((account) => account.chain.plan(account.sim.servers)));
  const ms = Math.max(...accounts.map((account, i) => account.sim.state.now() - (startedAt[i] as number)));
  const total = calls.reduce((sum, n) => sum + n, 0);
  return { minutes: Math.round(ms / 6_000) / 10, callsPerServer: Math.round((total / servers) * 100) / 100 };
}

/** Each account's routes, summed, per server. */
function callsByRoute(before: Counters[], after: Counters[], servers: number): Record<string, number> {
  const sums: Record<string, number> = {};
  after.forEach((counters, i) => {
    for (const [route, count] of Object.entries(counters.byRoute)) {
      const key = route.replace('/dedicated/server/{serviceName}', '{sn}');
      sums[key] = (sums[key] ?? 0) + count - (before[i]?.byRoute[route] ?? 0);
    }
  });
  return Object.fromEntries(Object.entries(sums).map(([route, n]) => [route, Math.round((n / servers) * 100) / 100]));
}

type Counters = ReturnType<Account['sim']['state']['counters']>;

async function runCampaign(options: RunOptions) {
  const accounts: Account[] = [];
  try {
    for (let i = 0; i < options.accounts; i += 1) accounts.push(await startAccount(i, options));
    const servers = accounts.reduce((sum, account) => sum + account.sim.servers.length, 0);
    const plan = options.withPlan ? await planAll(accounts, servers) : undefined;
    const before = accounts.map((account) => account.sim.state.counters());
    const startedAt = accounts.map((account) => account.sim.state.now());
    // One campaign over every account's servers, interleaved; each server on its own account's chain.
    const fleet = interleave(accounts.map((account, i) => account.sim.servers.map((name) => ({ name, i }))));
    const learning = new InstallLearning();
    const calls: ChainCalls[] = [];
    const doneAt: number[] = [];
    const failures: string[] = [];
    await slidingWindow(fleet, options.inFlight, async ({ name, i }) => {
      const account = accounts[i] as Account;
      try {
        const done = await account.reimage(name, chainExpectation(learning));
        recordChain(learning, done);
        calls.push(done);
        if (done.ok) doneAt.push(account.sim.state.now() - (startedAt[i] as number));
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    });
    // The simulators' clocks run at one speed from their own starts: the slowest account ends the campaign.
    const makespanMs = Math.max(...accounts.map((account, i) => account.sim.state.now() - (startedAt[i] as number)));
    const after = accounts.map((account) => account.sim.state.counters());
    doneAt.sort((a, b) => a - b);
    const p10 = doneAt[Math.floor(doneAt.length * 0.1)] ?? 0;
    const p90 = doneAt[Math.floor(doneAt.length * 0.9)] ?? 0;
    const sustainedCount = doneAt.filter((at) => at > p10 && at <= p90).length;
    const http429 = after.reduce((sum, c, i) => sum + (c.byStatus['429'] ?? 0) - (before[i]?.byStatus['429'] ?? 0), 0);
    return {
      ...(plan ? { plan } : {}),
      done: doneAt.length,
      failed: failures.length,
      ...(failures[0] ? { firstFailure: failures[0] } : {}),
      makespanMinutes: Math.round(makespanMs / 6_000) / 10,
      serversPerHour: { overall: perHour(doneAt.length, 0, makespanMs), sustained: perHour(sustainedCount, p10, p90) },
      callsPerServer: meanCalls(calls),
      byRoute: callsByRoute(before, after, servers),
      // Plan and campaign together, the busiest key: one key per account, one process.
      busiestMinute: Math.max(
        ...accounts.map((account, i) => after[i]?.busiestWindow.byConsumer[account.sim.credentials.consumerKey] ?? 0),
      ),
      http429,
      detectionS: latencySummary(accounts.flatMap((account) => account.detections.latenciesS())),
      learned: chainExpectation(learning),
    };
  } finally {
    await Promise.all(accounts.map(async (account) => Promise.all([account.receiver.close(), account.sim.close()])));
  }
}

/** The lists' items taken in turn: a campaign's plan lists the accounts' servers one after the other's. */
function interleave<T>(lists: T[][]): T[] {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, k) =>
    lists.flatMap((list) => (k < list.length ? [list[k] as T] : [])),
  ).flat();
}

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 200 }, full: { servers: 1000 } }, { accounts: true, callbacks: true });
  // Each key carries about 470 servers an hour (over 650 with callbacks): the slots grow with the keys (and
  // with callbacks), so the keys stay the bound.
  const inFlight = (args.quick ? 100 : 200) * args.accounts * (args.callbacks ? 2 : 1);
  const common = {
    servers: args.servers,
    inFlight,
    speed: args.quick ? 90 : 30,
    accounts: args.accounts,
    callbacks: args.callbacks,
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const campaign = await runCampaign({ ...common, withPlan: false });
  log(`campaign alone: ${JSON.stringify(campaign)}`);
  const afterPlan = await runCampaign({ ...common, withPlan: true });
  log(`campaign after a plan: ${JSON.stringify(afterPlan)}`);
  const runs = [campaign, afterPlan];
  const best = Math.max(...runs.map((run) => run.serversPerHour.sustained));
  // N keys carry N times one key's servers.
  const targets = { ...TARGETS, sustainedServersPerHour: TARGETS.sustainedServersPerHour * args.accounts };
  const callbackTargets: Record<string, boolean> = args.callbacks
    ? {
        callbacksAfterPlan: afterPlan.serversPerHour.sustained >= CALLBACK_TARGETS.afterPlan * args.accounts,
        callbacksCampaignAlone: campaign.serversPerHour.sustained >= CALLBACK_TARGETS.campaignAlone * args.accounts,
      }
    : {};
  printResult(
    'B6 throughput per key',
    args,
    {
      ...common,
      limitPerKeyPerMin: LIMIT_PER_MINUTE,
      installMinutes: '11 ±20 %',
      campaign,
      afterPlan,
      targets: args.callbacks ? { ...targets, callbacks: CALLBACK_TARGETS } : targets,
    },
    {
      sustainedServersPerHour: best >= targets.sustainedServersPerHour,
      campaignAloneSustainedServersPerHour: campaign.serversPerHour.sustained >= targets.sustainedServersPerHour,
      busiestMinute: runs.every((run) => run.busiestMinute <= TARGETS.busiestMinute),
      http429: runs.every((run) => run.http429 === TARGETS.http429),
      ...callbackTargets,
    },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
