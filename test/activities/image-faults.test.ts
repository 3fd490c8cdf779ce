/**
 * The simulator's remaining image faults and a dropped connection, each mapped to the failure the workflow
 * acts on: OVH's own step and message in a non-retryable DeployFailed, or a retryable OvhApiRetryable.
 */
import { FailureType } from '../../src/shared/failure-types';
import type { DeploymentHandle } from '../../src/activities/types';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, FAST_POLL, fleet, imageSpec, inMs, run } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'format.test.eu', faults: ['format_mismatch'] },
      { name: 'ram.test.eu', faults: ['too_big_for_ram'] },
      { name: 'disk.test.eu', faults: ['too_big_for_disk'] },
      { name: 'table.test.eu', faults: ['no_partition_table'] },
      { name: 'drop.test.eu' },
    ]),
  });
});
afterAll(() => sim.close());

async function deployAndWait(serviceName: string): Promise<{ handle: DeploymentHandle; failure: unknown }> {
  const activities = activitiesFor(clientFor(sim));
  const handle = await run(activities.startDeployment, {
    campaignId: 'faults',
    attempt: 1,
    serviceName,
    route: 'reinstall' as const,
    image: imageSpec(),
  });
  const failure = await run(activities.waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { handle, failure };
}

const cases: [string, string, string][] = [
  [
    'format.test.eu',
    '6/9 "Deploying OS on disks"',
    'image provided format is qcow2 which does not match expected raw format',
  ],
  ['ram.test.eu', '5/9 "Downloading OS image"', 'Could not download, raw image is too big to download in memory.'],
  ['disk.test.eu', '6/9 "Deploying OS on disks"', 'which is larger than /dev/sda of'],
  [
    'table.test.eu',
    '6/9 "Deploying OS on disks"',
    'image provided format is not of type raw because no partition table was found. It seems to contain: data',
  ],
];

describe('image faults reported by OVH during the install', () => {
  it.each(cases)("%s fails with DeployFailed at step %s with OVH's message", async (serviceName, step, ovhMessage) => {
    const { handle, failure } = await deployAndWait(serviceName);
    expect(failure).toMatchObject({ type: FailureType.DeployFailed, nonRetryable: true });
    const message = (failure as Error).message;
    expect(
      message.startsWith(
        `OVH reports that the deployment on ${serviceName} failed at step ${step} (task ${handle.taskId}, customerError): `,
      ),
    ).toBe(true);
    expect(message).toContain(ovhMessage);
    expect(sim.state.server(serviceName)?.installPosts).toBe(1);
  });
});

describe('a dropped connection', () => {
  it('is a retryable OvhApiRetryable failure, and the call succeeds once connections are kept', async () => {
    const activities = activitiesFor(clientFor(sim));
    const input = {
      campaignId: 'faults',
      serviceName: 'drop.test.eu',
      route: 'reinstall' as const,
      image: imageSpec(),
    };
    sim.state.injectFaults('drop=1');
    await expect(run(activities.preflightServer, input)).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
      nonRetryable: false,
    });
    sim.state.injectFaults({}, true);
    await expect(run(activities.preflightServer, input)).resolves.toMatchObject({
      serviceName: 'drop.test.eu',
      ok: true,
    });
  });
});
