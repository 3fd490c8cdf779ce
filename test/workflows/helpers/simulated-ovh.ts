/**
 * Real activities (createActivities) with the real OVH client over HTTPS, against the OVH simulator: what
 * the reimage-flow and campaign-rollback tests run. Server names are unique per call so server workflow IDs
 * never collide between tests sharing the dev server.
 */
import { randomUUID } from 'node:crypto';
import { accountActivities, createActivities, followSimulator } from '../../../src/activities';
import type { ActivityDeps } from '../../../src/activities/deps';
import type { HookActivities, ReimageActivities } from '../../../src/activities/types';
import { OvhClient } from '../../../src/ovh/client';
import { RateBudget } from '../../../src/ovh/rate-budget';
import { followSimulatorClock } from '../../../src/rehearsal/simulator-clock';
import type { Simulator } from '../../../src/simulator';
import type { CampaignSettings, ServerTarget } from '../../../src/shared/campaign-types';
import { startTestSimulator } from '../../helpers/simulator';
import { testSettings } from './settings';

export interface SimulatedOvh {
  sim: Simulator;
  activities: ReimageActivities & HookActivities;
  servers: ServerTarget[];
  installPosts(serviceName: string): number;
  running(serviceName: string): string;
  /**
   * The simulated duration of a fault-free install on each server, in order (the simulator draws it once
   * per server, within ±20 % of 11 minutes): one install per server started through the side door and read
   * back, then a reset of the simulator. Call it before anything else talks to the simulator.
   */
  installDurationsMs(): number[];
  close(): Promise<void>;
}

export interface SimulatedOvhOptions {
  count: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** Image faults per server index (e.g. `{ 0: ['download_fail'] }`). */
  faults?: Record<number, string[]>;
  /** Servers whose OVH state is not "ok" (preflight refuses them). */
  datacenter?: (i: number) => string;
  /** The offer of server i and how much slower than drawn its installs run (the fleet file's fields). */
  hardware?: (i: number) => { commercialRange: string; installPace: number };
  /** What the worker's activities get besides the OVH client: its hook allow-list, its environment. */
  deps?: Partial<ActivityDeps>;
  /** The activities keep the simulator's time (deadlines and waits in simulated ms), as `reimage worker` does. */
  followClock?: boolean;
}

export async function simulatedOvh(options: SimulatedOvhOptions): Promise<SimulatedOvh> {
  const prefix = randomUUID().slice(0, 8);
  const names = Array.from({ length: options.count }, (_, i) => `ns${prefix}-${i + 1}.test.eu`);
  const sim = await startTestSimulator({
    speed: options.speed,
    fleet: {
      servers: names.map((name, i) => ({
        name,
        ...(options.datacenter ? { datacenter: options.datacenter(i) } : {}),
        ...(options.faults?.[i] ? { faults: options.faults[i] } : {}),
        ...options.hardware?.(i),
      })),
    },
  });
  const { appKey, appSecret, consumerKey } = sim.credentials;
  const ovh = new OvhClient(
    { endpoint: sim.url, appKey, appSecret, consumerKey, caFile: sim.caCertPath, requestTimeoutMs: 5000 },
    // Fresh: this simulator has no other caller, so there is no predecessor's burst to wait out.
    { rateBudget: new RateBudget({ requests: 1_000_000, perMs: 60_000, burst: 1000, fresh: true }) },
  );
  const clock = options.followClock
    ? followSimulator(await followSimulatorClock(sim.url, sim.caCertPath, options.speed), ovh)
    : {};
  const activities = {
    ...createActivities({ ovh, env: {}, simulatorSshPort: sim.sshPort, ...clock, ...options.deps }),
    ...accountActivities({ accountNames: ['default'] }),
  };
  return {
    sim,
    activities,
    servers: names.map((serviceName, i) => ({
      serviceName,
      ...(options.datacenter ? { datacenter: options.datacenter(i) } : {}),
    })),
    installPosts: (sn) => sim.state.server(sn)?.installPosts ?? -1,
    running: (sn) => sim.state.server(sn)?.running ?? 'unknown',
    installDurationsMs: () => {
      const drawn = names.map((sn) => {
        sim.state.startInstall(sn);
        return sim.state.server(sn)?.deployment?.installDurationMs ?? Number.NaN;
      });
      sim.state.reset();
      return drawn;
    },
    close: () => sim.close(),
  };
}

/** For a file whose tests each open a simulator: the returned function opens one, closed after the test. */
export function simulatorPerTest(): (options: SimulatedOvhOptions) => Promise<SimulatedOvh> {
  let current: SimulatedOvh | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options) => (current = await simulatedOvh(options));
}

/** Settings for the simulator: a UEFI-ready raw image, real-time deadlines, polls scaled to the speed. */
export function simSettings(
  taskQueue: string,
  speed: number,
  overrides: Partial<CampaignSettings> = {},
): CampaignSettings {
  const scaled = (ms: number) => Math.max(2, Math.round(ms / speed));
  return testSettings(taskQueue, {
    image: {
      url: 'https://images.example.test/debian-12.raw',
      type: 'raw',
      efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      checksum: { type: 'sha256', value: 'ab'.repeat(32) },
    },
    qualifyImage: false,
    // OVH's realistic policy (15 s .. 120 s) on the simulator's clock.
    poll: { minMs: scaled(15_000), maxMs: scaled(120_000) },
    ...overrides,
  });
}
