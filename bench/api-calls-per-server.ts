/**
 * OVH API calls one server costs, per route and phase (preflight, start, wait, verify, rollback), with the
 * default poll policy (first poll at 9 min 37 s of the expected 11 minutes, then every 45 s; bounds 15 s..10 min).
 * The activities run in MockActivityEnvironment against the simulator, with their clock and sleeps scaled to
 * its speed so the policy sees a real 11-minute install. Preflight includes node-ovh's one GET /auth/time
 * per process; its task checkpoint and boot IDs are handed on as the server workflow does. Prints one JSON
 * line with both routes; bench/b2-api-economy.ts measures a fleet (without rollbacks, on the reinstall route).
 *
 *   npx tsx bench/api-calls-per-server.ts    # one server per route (about 15 s); --quick is the same run
 */
import { sleep as activitySleep } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../src/activities';
import { readEnvironment } from '../src/config';
import type { ImageSpec } from '../src/domain/image';
import type { DeployRoute } from '../src/domain/routes';
import { OvhClient } from '../src/ovh/client';
import { createSimulator } from '../src/simulator';
import { benchArgs, printResult } from './lib/args';
import { benchCaDir } from './lib/sim-bench';

/** Simulated seconds per real second: an 11-minute install takes about 1.1 s. */
const SPEED = 600;

const image: ImageSpec = {
  url: 'https://images.example.test/debian-12.raw',
  type: 'raw',
  efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
};
/** One CA for every simulator: two CAs with the same name cannot both be trusted by one process. */
const CA_DIR = benchCaDir(readEnvironment());
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Runs one activity in a fresh mock context, keeping its types. */
function run<I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> {
  return new MockActivityEnvironment(
    { scheduledTimestampMs: Date.now(), heartbeatTimeoutMs: 60_000 },
    { logger: quiet },
  ).run(activity, input);
}

async function measure(route: DeployRoute): Promise<Record<string, unknown>> {
  const sim = await createSimulator({
    // The same install and reboot durations on every run.
    seed: 'calls-per-server',
    speed: SPEED,
    legacyByoi: true,
    caDir: CA_DIR,
    fleet: { servers: [{ name: 'bench.test.eu' }] },
  });
  const { appKey, appSecret, consumerKey } = sim.credentials;
  const ovh = new OvhClient({ endpoint: sim.url, appKey, appSecret, consumerKey, caFile: sim.caCertPath });
  // The activities' clock is the simulator's (expressed as a local clock), their sleeps are sped up alike.
  const clock = () => sim.state.now() - ovh.apiTimeDiffSeconds() * 1000;
  const activities = createActivities({ ovh, clock, sleep: (ms) => activitySleep(Math.max(1, ms / SPEED)) });
  const serviceName = 'bench.test.eu';
  const deadline = (minutes: number) => new Date(clock() + minutes * 60_000).toISOString();
  const preflight = await run(activities.preflightServer, { campaignId: 'bench', serviceName, route, image });
  const { rescueBootId, harddiskBootIds } = preflight.server ?? {};
  const taskCheckpoint = preflight.installTaskCheckpoint;
  const common = { campaignId: 'bench', attempt: 1, serviceName, route, image };
  const handle = await run(activities.startDeployment, { ...common, taskCheckpoint });
  const wait = await run(activities.waitForDeployment, { handle, deadlineAt: deadline(60) });
  const verify = await run(activities.verifyBoot, { serviceName, deadlineAt: deadline(10), harddiskBootIds });
  const rollback = await run(activities.rollbackToRescue, {
    serviceName,
    route,
    handle,
    deadlineAt: deadline(30),
    rescueBootId,
  });
  await sim.close();
  // The first call of a process also costs GET /auth/time, counted in preflight.
  const calls = {
    preflight: preflight.apiCalls,
    start: handle.apiCalls,
    wait: wait.apiCalls,
    verify: verify.apiCalls,
    rollback: rollback.apiCalls,
  };
  const total = Object.values(calls).reduce((sum, value) => sum + value, 0);
  return {
    route,
    ...calls,
    polls: wait.polls,
    installMinutes: Math.round(wait.installDurationMs / 6000) / 10,
    total,
    withoutRollback: total - calls.rollback,
  };
}

async function main(): Promise<void> {
  const args = benchArgs({ quick: { servers: 1 }, full: { servers: 1 } });
  const routes = [await measure('reinstall'), await measure('bringYourOwnImage')];
  printResult('api-calls-per-server', args, { routes }, {});
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
