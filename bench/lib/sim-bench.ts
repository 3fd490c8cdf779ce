/**
 * Shared parts of the API-economy benchmarks (B2, B3): an in-process simulator, the reimage activity chain
 * (preflight -> start -> wait -> verify, handing preflight's task checkpoint and boot IDs on as the server
 * workflow does) run in MockActivityEnvironment with its clock and sleeps on the simulator's time, the
 * plan's preflight alone (one worker, so one stable-facts cache for both), and detection latency measured
 * in simulated seconds.
 *
 * Detection latency of one server = simulated time at which the poller received the answer saying the
 * install ended, minus the install's end (the task's `doneDate`, OVH's clock, 1 s resolution).
 */
import path from 'node:path';
import { sleep as activitySleep, type Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import type { ImageSpec } from '../../src/domain/image';
import type { DeployRoute } from '../../src/domain/routes';
import { OvhClient, type OvhRequest } from '../../src/ovh/client';
import type { RateBudget, RatePriority } from '../../src/ovh/rate-budget';
import { isPendingTaskStatus } from '../../src/ovh/schemas';
import { z } from 'zod';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { PROJECT_ROOT } from '../../src/temporal/binaries';
import { quantile } from '../../src/shared/eta';
import type { InstallLearning } from '../../src/workflows/install-durations';

/** The CA of the benchmarks' simulators: REIMAGE_TEST_CA_DIR in the script's environment, or .data/bench-ca. */
export function benchCaDir(env: NodeJS.ProcessEnv): string {
  return env.REIMAGE_TEST_CA_DIR ?? path.join(PROJECT_ROOT, '.data', 'bench-ca');
}

/** The image every contender deploys (same body for ours and the naive script). */
export const BENCH_IMAGE: ImageSpec = {
  url: 'https://images.example.test/debian-12.raw',
  type: 'raw',
  efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
  checksum: { type: 'sha256', value: 'ab'.repeat(32) },
};

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const TASK_ROUTE = '/dedicated/server/{serviceName}/task/{taskId}';

/** A simulator as production answers (no retired route); `options.caDir`: benchCaDir's. */
export function startBenchSimulator(options: SimulatorOptions & { caDir: string }): Promise<Simulator> {
  return createSimulator({ seed: 'b2', ...options });
}

/** `p` in [0, 100] of `values` (nearest rank); null when empty. */
const percentile = (values: number[], p: number): number | null => quantile(values, p / 100) ?? null;

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/** p50, p95 and max of latencies in simulated seconds. */
export function latencySummary(latenciesS: number[]): Record<string, number | null> {
  return {
    p50: round1(percentile(latenciesS, 50)),
    p95: round1(percentile(latenciesS, 95)),
    max: round1(percentile(latenciesS, 100)),
  };
}

/** Records, per task path, the simulated time at which a read first showed the task ended. */
export class DetectionLog {
  private readonly seen = new Map<string, number>();
  constructor(private readonly sim: Simulator) {}

  observe(path: string, task: { status: string; doneDate?: string | null }): void {
    if (isPendingTaskStatus(task.status) || this.seen.has(path)) return;
    const doneAt = task.doneDate ? Date.parse(task.doneDate) : Number.NaN;
    this.seen.set(path, (this.sim.state.now() - doneAt) / 1000);
  }

  latenciesS(): number[] {
    return [...this.seen.values()].filter((value) => Number.isFinite(value));
  }
}

/** An OvhClient that reports every task read to a DetectionLog (the activities use it unchanged). */
class ObservedClient extends OvhClient {
  detections?: DetectionLog;

  override async request<T>(
    request: OvhRequest<T>,
    onCalls?: (count: number) => void,
    priority?: RatePriority,
    signal?: AbortSignal,
  ): Promise<T> {
    const answer = await super.request(request, onCalls, priority, signal);
    if (request.route === TASK_ROUTE) this.detections?.observe(request.path, answer as { status: string });
    return answer;
  }
}

export interface ChainOptions {
  sim: Simulator;
  rateBudget?: RateBudget;
  detections: DetectionLog;
  route?: DeployRoute;
  poll: { pollMinMs: number; pollMaxMs: number };
  /** REIMAGE_CALLBACK_SECRET of the worker, for chains whose servers call back (callback-chain.ts). */
  callbackSecret?: string;
}

export interface ChainCalls {
  preflight: number;
  start: number;
  wait: number;
  verify: number;
  polls: number;
  /** Simulated install duration (OVH's task dates). */
  installDurationMs: number;
  ok: boolean;
}

/** The reimage activities on the simulator's clock: sleeps last `ms / speed` real milliseconds. */
export function chainRunner(options: ChainOptions, speed: number) {
  const { sim } = options;
  const { appKey, appSecret, consumerKey } = sim.credentials;
  const ovh = new ObservedClient(
    { endpoint: sim.url, appKey, appSecret, consumerKey, caFile: sim.caCertPath, requestTimeoutMs: 60_000 },
    { rateBudget: options.rateBudget },
  );
  ovh.detections = options.detections;
  const clock = () => sim.state.now() - ovh.apiTimeDiffSeconds() * 1000;
  const activities = createActivities({
    ovh,
    clock,
    sleep: (ms) => activitySleep(Math.max(1, ms / speed)),
    ovhClockSpeed: speed,
    ...(options.callbackSecret ? { callbackSecret: options.callbackSecret } : {}),
  });
  const mockEnv = (info: Partial<Info> = {}) =>
    new MockActivityEnvironment(
      { scheduledTimestampMs: Date.now(), heartbeatTimeoutMs: 60_000, ...info },
      { logger: quiet },
    );
  const run = <I, O>(activity: (input: I) => Promise<O>, input: I, env = mockEnv()): Promise<O> =>
    env.run(activity, input);
  const deadline = (minutes: number) => new Date(clock() + minutes * 60_000).toISOString();
  const route = options.route ?? 'reinstall';

  /** One call first, so node-ovh's GET /auth/time (once per process in production) is not charged to a server. */
  const warmUp = () => ovh.request({ method: 'GET', path: '/dedicated/server', route: '/dedicated/server', schema: z.array(z.string()) });
  const preflightOf = (serviceName: string) =>
    run(activities.preflightServer, { campaignId: 'bench', serviceName, route, image: BENCH_IMAGE });
  /** What `reimage plan` costs: the account's server list once, then every server's preflight. */
  const plan = async (serviceNames: string[]): Promise<number> => {
    const selection = { kind: 'list' as const, serviceNames };
    const resolved = await run(activities.resolveServers, { selection, exclude: [], needPlacement: false });
    const verdicts = await Promise.all(serviceNames.map(preflightOf));
    return verdicts.reduce((sum, verdict) => sum + verdict.apiCalls, resolved.apiCalls);
  };
  /** One server's chain; `expected`: what the campaign learned of install durations, as the workflow hands it. */
  const reimage = async (serviceName: string, expected?: PollExpectation): Promise<ChainCalls> => {
    const common = { campaignId: 'bench', serviceName, route, image: BENCH_IMAGE };
    const preflight = await preflightOf(serviceName);
    if (!preflight.ok)
      return { preflight: preflight.apiCalls, start: 0, wait: 0, verify: 0, polls: 0, installDurationMs: 0, ok: false };
    const taskCheckpoint = preflight.installTaskCheckpoint;
    const handle = await run(activities.startDeployment, { ...common, attempt: 1, taskCheckpoint });
    const wait = await run(activities.waitForDeployment, {
      handle,
      deadlineAt: deadline(60),
      ...options.poll,
      ...expected,
    });
    const harddiskBootIds = preflight.server?.harddiskBootIds;
    const verify = await run(activities.verifyBoot, { serviceName, deadlineAt: deadline(10), harddiskBootIds });
    return {
      preflight: preflight.apiCalls,
      start: handle.apiCalls,
      wait: wait.apiCalls,
      verify: verify.apiCalls,
      polls: wait.polls,
      installDurationMs: wait.installDurationMs,
      ok: true,
    };
  };
  return {
    warmUp,
    plan,
    reimage,
    budgetStats: () => options.rateBudget?.stats(),
    parts: { activities, run, mockEnv, preflightOf, deadline, route, clock, speed },
  };
}

/** waitForDeployment's expectation fields. */
export interface PollExpectation {
  typicalInstallMs: number;
  earlyInstallMs?: number;
}

/**
 * The campaign's learning of install durations (src/workflows/install-durations.ts) for chains run outside a
 * workflow: a done server's install is recorded (as its whole reimage too: chains time nothing else).
 */
export function recordChain(learning: InstallLearning, calls: ChainCalls): void {
  if (calls.ok) learning.record(calls.installDurationMs, 1, calls.installDurationMs);
}

/** What the next server's wait is told of when its install likely ends; undefined until enough are done. */
export function chainExpectation(learning: InstallLearning): PollExpectation | undefined {
  const learned = learning.learned();
  return learned && { typicalInstallMs: learned.typicalInstallMs, earlyInstallMs: learned.earlyInstallMs };
}

/** Runs `work` over `items` with at most `limit` in flight (a sliding window: a slot frees at each end). */
export async function slidingWindow<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Per-kind means over the servers that were reimaged. */
export function meanCalls(calls: ChainCalls[]): Record<string, number> {
  const done = calls.filter((call) => call.ok);
  const mean = (pick: (call: ChainCalls) => number) =>
    Math.round((done.reduce((sum, call) => sum + pick(call), 0) / Math.max(1, done.length)) * 100) / 100;
  return {
    preflight: mean((call) => call.preflight),
    start: mean((call) => call.start),
    polls: mean((call) => call.wait),
    verify: mean((call) => call.verify),
    total: mean((call) => call.preflight + call.start + call.wait + call.verify),
  };
}
