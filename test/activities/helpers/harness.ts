/**
 * Activity tests run the real activities in MockActivityEnvironment, through the real OVH client over HTTPS,
 * against the simulator (one per test file, started with startTestSimulator).
 */
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../src/activities';
import type { ActivityDeps } from '../../../src/activities/deps';
import type { StartDeploymentInput } from '../../../src/activities/types';
import type { ImageSpec } from '../../../src/domain/image';
import { OvhClient } from '../../../src/ovh/client';
import { RateBudget } from '../../../src/ovh/rate-budget';
import type { OvhSettings } from '../../../src/ovh/settings';
import type { Simulator } from '../../../src/simulator';
import { TEST_SPEED } from '../../helpers/simulator';
import { testLogger } from '../../helpers/test-logger';

/** AK/AS/CK settings for the simulator, trusting its CA through OVH_CA_FILE. */
export function keySettings(sim: Simulator, overrides: Partial<OvhSettings> = {}): OvhSettings {
  const { appKey, appSecret, consumerKey } = sim.credentials;
  return {
    endpoint: sim.url,
    appKey,
    appSecret,
    consumerKey,
    caFile: sim.caCertPath,
    requestTimeoutMs: 3000,
    ...overrides,
  };
}

/**
 * A client with a generous budget (tests that measure the budget build their own), fresh: no other process
 * calls the test's simulator, so there is no predecessor to wait out.
 */
export function clientFor(sim: Simulator, overrides: Partial<OvhSettings> = {}, budget?: RateBudget): OvhClient {
  return new OvhClient(keySettings(sim, overrides), {
    rateBudget: budget ?? new RateBudget({ requests: 60_000, perMs: 60_000, burst: 100, fresh: true }),
  });
}

export function activitiesFor(ovh: OvhClient, extra: Partial<ActivityDeps> = {}) {
  return createActivities({
    ovh,
    env: { IMAGE_TOKEN: 'token-from-worker-env' },
    grant: { names: ['IMAGE_TOKEN'], withheld: [] },
    ...extra,
  });
}

/** A mock activity context scheduled now (so earlier tasks are not "ours"), logging to the test file's log. */
export function mockEnv(info: Partial<Info> = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(
    { scheduledTimestampMs: Date.now(), heartbeatTimeoutMs: 2000, ...info },
    { logger: testLogger() },
  );
}

/** An image spec OVH's /reinstall accepts. */
export function imageSpec(overrides: Partial<ImageSpec> = {}): ImageSpec {
  return {
    url: 'https://images.example.test/debian-12.raw',
    type: 'raw',
    efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
    checksum: { type: 'sha256', value: 'ab'.repeat(32) },
    ...overrides,
  };
}

/** A first-attempt startDeployment input on the reinstall route with imageSpec(). */
export function startInput(serviceName: string, overrides: Partial<StartDeploymentInput> = {}): StartDeploymentInput {
  return { campaignId: 'c1', attempt: 1, serviceName, route: 'reinstall', image: imageSpec(), ...overrides };
}

/** An absolute deadline `ms` from now. */
export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Poll bounds for a sped-up simulator: the default policy divided by the speed factor. */
export const FAST_POLL = { pollMinMs: 5, pollMaxMs: 30, typicalInstallMs: Math.round((11 * 60_000) / TEST_SPEED) };

/** A fleet file entry; every name ends in `.test.eu`. */
export interface TestServer {
  name: string;
  bootMode?: 'uefi' | 'legacy';
  memoryMb?: number;
  diskGroups?: { diskGroupId: number; diskSizeGb?: number; diskType?: string; numberOfDisks?: number }[];
  faults?: string[];
  state?: 'ok' | 'error' | 'hacked' | 'hackedBlocked';
  compatibleTemplates?: string[];
  rescueBoot?: boolean;
  /** How many times the drawn install duration this server's installs last (1 to 10). */
  installPace?: number;
}

/** A fleet option for createSimulator. */
export function fleet(servers: TestServer[]): { servers: TestServer[] } {
  return { servers };
}

/** Runs an activity in `env` (a fresh mock context by default), keeping its input and result types. */
export function run<I, O>(
  activity: (input: I) => Promise<O>,
  input: I,
  env: MockActivityEnvironment = mockEnv(),
): Promise<O> {
  return env.run(activity, input);
}

/** Preflight on `serviceName` through `ovh`: the checkpoint the workflow hands to the first start. */
export async function preflightCheckpoint(ovh: OvhClient, serviceName: string): Promise<number> {
  const verdict = await run(activitiesFor(ovh).preflightServer, {
    campaignId: 'c1',
    serviceName,
    route: 'reinstall',
    image: imageSpec(),
  });
  expect(verdict.ok).toBe(true);
  return verdict.installTaskCheckpoint ?? Number.NaN;
}
