/**
 * The reliability drills of RELIABILITY.md, one function each, shared by `npm run drill` and the CI tests:
 *  - worker-kill: the worker is SIGKILLed at seeded random moments of a campaign and started again;
 *  - dev-server-restart: the Temporal dev server is SIGKILLed mid-campaign and started again on the same
 *    SQLite file and port; the worker and the client reconnect by themselves;
 *  - fault-storm: the OVH API answers 5xx, 429, drops connections, 404s fresh tasks and answers slowly,
 *    and some installs fail (download, checksum, boot) so their servers roll back to rescue.
 * Each returns its figures (verify.ts); `violations` lists every broken guarantee.
 */
import { randomUUID } from 'node:crypto';
import { Prng } from '../../src/simulator/prng';
import { awaitReport, campaignRunning, startDrillCampaign } from './campaign';
import { startDrillStack, type DrillStack, type DrillStackOptions } from './stack';
import { verifyDrill, type DrillFigures } from './verify';

export const DRILL_NAMES = ['worker-kill', 'dev-server-restart', 'fault-storm'] as const;
export type DrillName = (typeof DRILL_NAMES)[number];

export interface DrillOptions {
  /** The environment the drill's processes inherit: the script's (config.ts readEnvironment()) or the test's. */
  baseEnv: NodeJS.ProcessEnv;
  /** Small sizes (CI) instead of the full 200-server drill. */
  quick: boolean;
  seed: string;
  /** CA directory of the simulator and the image server. */
  caDir: string;
  /** Run on this Temporal server instead of starting one (not for dev-server-restart, which owns its own). */
  temporalAddress?: string;
  /** Simulated seconds per real second; default 3000 (60 makes an install last 11 real seconds). */
  speed?: number;
  /** Reads of each fresh task that answer 404 in the storm (OVH does this for a while); default 2. */
  stormTask404Reads?: number;
  /** The worker's OVH_RATE_LIMIT, instead of the drill's (e.g. far above the simulator's limit: sustained 429s). */
  workerRateLimit?: string;
  /** Progress lines (stderr in the script); default: none. */
  log?: (line: string) => void;
}

/** Image faults every drill injects, by count of servers in the fleet's tail: [fault, quick, full]. */
const IMAGE_FAULTS: [string, number, number][] = [
  ['download_fail', 1, 3],
  ['checksum_mismatch', 1, 2],
  ['efi_boot_fail', 1, 2],
];
/** Simulated seconds per real second: an 11-minute install takes a fraction of a second. */
const SPEED = 3000;
/** Each worker kill can stall the servers in flight for an activity timeout (up to ~3 min): room for 6. */
const CAMPAIGN_TIMEOUT_MS = 40 * 60_000;

/** The image faults of a fleet, as a fault spec; the faulty servers are the last ones of the fleet. */
function imageFaultSpec(servers: string[], quick: boolean): string {
  let next = servers.length;
  return IMAGE_FAULTS.map(([fault, q, f]) => {
    const count = quick ? q : f;
    const targets = servers.slice(next - count, next);
    next -= count;
    return `${fault}=${targets.join('+')}`;
  }).join(',');
}

/** The outcomes the injected image faults must produce: download and checksum fail the install, EFI the boot. */
function expectedOutcomes(servers: number, quick: boolean): Record<string, number> {
  const count = (fault: string) => IMAGE_FAULTS.find(([f]) => f === fault)![quick ? 1 : 2];
  const deployFailed = count('download_fail') + count('checksum_mismatch');
  const bootFailed = count('efi_boot_fail');
  return { done: servers - deployFailed - bootFailed, deploy_failed: deployFailed, boot_failed: bootFailed };
}

type Disruption = (stack: DrillStack, campaignId: string, rng: Prng) => Promise<Record<string, unknown>>;

interface DrillPlan {
  servers: [quick: number, full: number];
  maxParallel: [quick: number, full: number];
  /**
   * Requests per minute the simulator allows the consumer key, and the worker's OVH_RATE_LIMIT: the same,
   * as for a worker configured for its account; the drill then checks the key's busiest minute against it.
   */
  perMinute?: [quick: number, full: number];
  stack?: Partial<DrillStackOptions>;
  disrupt: (quick: boolean) => Disruption;
}

/** Servers with at least one accepted install POST: the drill's clock, independent of Temporal. */
function serversStarted(stack: DrillStack): number {
  return stack.servers.filter((sn) => (stack.sim.state.server(sn)?.installPosts ?? 0) > 0).length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `count` servers have started an install; false if the campaign ended first. */
async function untilStarted(stack: DrillStack, campaignId: string, count: number): Promise<boolean> {
  while (serversStarted(stack) < count) {
    if ((await campaignRunning(stack.client, campaignId)) === false) return false;
    await sleep(200);
  }
  return true;
}

/** Kill points: `kills` seeded fractions of the fleet started, between 5% and 90%, in order. */
function killPoints(rng: Prng, kills: number, fleet: number): number[] {
  return Array.from({ length: kills }, () => Math.ceil(fleet * (0.05 + 0.85 * rng.next()))).sort((a, b) => a - b);
}

function workerKills(kills: [number, number], quick: boolean): Disruption {
  return async (stack, campaignId, rng) => {
    const wanted = quick ? kills[0] : kills[1];
    const downtimes: number[] = [];
    for (const point of killPoints(rng, wanted, stack.servers.length)) {
      if (!(await untilStarted(stack, campaignId, point))) break;
      // A random moment after the kill point: mid-POST, mid-poll, mid-rollback, mid-workflow-task.
      await sleep(rng.int(0, 1500));
      const killedAt = Date.now();
      await stack.worker.kill();
      await sleep(rng.int(0, 2000));
      await stack.worker.start();
      downtimes.push(Date.now() - killedAt);
    }
    const violations =
      downtimes.length < wanted ? [`only ${downtimes.length} of ${wanted} kills fell mid-campaign`] : [];
    return { kills: downtimes.length, restarts: downtimes.length, workerDowntimeMs: downtimes, violations };
  };
}

function devServerRestarts(restarts: [number, number], quick: boolean): Disruption {
  return async (stack, campaignId, rng) => {
    const wanted = quick ? restarts[0] : restarts[1];
    const downtimes: number[] = [];
    const workerExits: string[] = [];
    for (const point of killPoints(rng, wanted, stack.servers.length)) {
      if (!(await untilStarted(stack, campaignId, point))) break;
      downtimes.push(await stack.temporal.restart(rng.int(1000, 4000)));
      // A worker that gave up on the lost server would need a person: the drill restarts it and says so.
      await sleep(5000);
      const worker = stack.worker.current();
      if (worker && !worker.running()) {
        workerExits.push(await worker.exited);
        await stack.worker.start();
      }
    }
    const violations =
      downtimes.length < wanted ? [`only ${downtimes.length} of ${wanted} restarts fell mid-campaign`] : [];
    if (workerExits.length > 0)
      violations.push(`the worker exited during a Temporal outage: ${workerExits.join(', ')}`);
    return { devServerRestarts: downtimes.length, devServerDowntimeMs: downtimes, stop: 'SIGKILL', violations };
  };
}

const stormSpec = (quick: boolean, task404: number) => (servers: string[]) =>
  `${imageFaultSpec(servers, quick)},http500=0.1,http429=0.05,drop=0.02,task404=${task404},task500=1,latency=100ms`;

const PLANS: Record<DrillName, DrillPlan> = {
  'worker-kill': {
    // At OVH's 60/min a restarted worker's calls share a minute with its predecessor's (at a larger budget
    // a burst lasts less than a restart); every call costs a second, so the CI run has 6 servers. The full
    // drill's 200 servers get ten times that budget.
    servers: [6, 200],
    maxParallel: [15, 50],
    perMinute: [60, 600],
    disrupt: (quick) => workerKills([2, 6], quick),
  },
  'dev-server-restart': {
    servers: [30, 200],
    maxParallel: [15, 50],
    disrupt: (quick) => devServerRestarts([1, 2], quick),
  },
  'fault-storm': {
    servers: [30, 200],
    maxParallel: [15, 50],
    // 5% of answers are 429 (http429), and the simulator's per-key limit refuses the worker's bursts on top:
    // the worker's budget matches that limit on average, as with a real account.
    stack: { rateLimit: { requests: 40, perMs: 1000 }, workerRateLimit: '2400/min' },
    disrupt: () => async () => ({}),
  },
};

/** The simulator's per-key limit and the worker's budget, both `requests` a minute. */
function accountLimit(requests: number): Partial<DrillStackOptions> {
  return { rateLimit: { requests, perMs: 60_000 }, workerRateLimit: `${requests}/min` };
}

/** Runs one drill end to end and returns its figures; the stack is always torn down. */
export async function runDrill(name: DrillName, options: DrillOptions): Promise<DrillFigures> {
  const plan = PLANS[name];
  const quick = options.quick;
  const pick = ([q, f]: [number, number]) => (quick ? q : f);
  const log = options.log ?? (() => undefined);
  const stack = await startDrillStack({
    baseEnv: options.baseEnv,
    servers: pick(plan.servers),
    speed: options.speed ?? SPEED,
    seed: options.seed,
    caDir: options.caDir,
    faults:
      name === 'fault-storm'
        ? stormSpec(quick, options.stormTask404Reads ?? 2)
        : (servers) => imageFaultSpec(servers, quick),
    temporalAddress: name === 'dev-server-restart' ? undefined : options.temporalAddress,
    ...(plan.perMinute ? accountLimit(pick(plan.perMinute)) : {}),
    ...plan.stack,
    ...(options.workerRateLimit ? { workerRateLimit: options.workerRateLimit } : {}),
  });
  try {
    const started = Date.now();
    const campaignId = `drill-${name}-${options.seed}-${randomUUID().slice(0, 8)}`;
    await startDrillCampaign(stack, { campaignId, maxParallel: pick(plan.maxParallel) });
    log(`${name}: campaign ${campaignId} started on ${stack.servers.length} servers`);
    const disruption = await plan.disrupt(quick)(stack, campaignId, new Prng(options.seed));
    const report = await awaitReport(stack.client, campaignId, CAMPAIGN_TIMEOUT_MS);
    const { violations: disruptionViolations = [], ...extra } = disruption as { violations?: string[] };
    const settings = { seed: options.seed, quick, speed: options.speed ?? SPEED, faults: stack.faultSpec };
    const figures = verifyDrill(name, stack, report, Date.now() - started, { ...settings, ...extra });
    const expected = expectedOutcomes(stack.servers.length, quick);
    figures.expectedOutcomes = expected;
    if (JSON.stringify(sortKeys(figures.outcomes)) !== JSON.stringify(sortKeys(expected))) {
      figures.violations.push(`outcomes ${JSON.stringify(figures.outcomes)} differ from ${JSON.stringify(expected)}`);
    }
    figures.violations.push(...disruptionViolations);
    return figures;
  } finally {
    await stack.close();
  }
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
