import { activitiesFor, clientFor, fleet, inMs, run, startInput } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';
import { waitFor } from '../helpers/wait-for';
import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';

let sim: Simulator;
/** One client for the file: its first call's clock read is charged to the first start, not to a read. */
let activities: ReturnType<typeof activitiesFor>;
beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'cb1.test.eu' },
      { name: 'read-running.test.eu', faults: ['never_ends'] },
      { name: 'read-done.test.eu' },
      { name: 'read-failed.test.eu', faults: ['download_fail'] },
    ]),
  });
  activities = activitiesFor(clientFor(sim));
});
afterAll(() => sim.close());

const waitInput = (handle: Awaited<ReturnType<typeof start>>) => ({
  handle,
  deadlineAt: inMs(60_000),
  pollMinMs: 20,
  pollMaxMs: 10 * 60_000,
  typicalInstallMs: 10 * 60_000,
});
const start = (serviceName: string) => run(activities.startDeployment, startInput(serviceName));

describe('waitForDeployment once the server called back', () => {
  it('reads the task at once instead of waiting for the learned schedule, and ends on its first read of done', async () => {
    const handle = await start('cb1.test.eu');
    await waitFor(() => sim.state.server('cb1.test.eu')?.imageDeployed === true, { what: 'the install to end' });
    // A schedule that would first poll minutes from now: only the callback makes it read at once.
    const result = await run(activities.waitForDeployment, { ...waitInput(handle), calledBack: true });
    expect(result).toMatchObject({ status: 'done', polls: 1, apiCalls: 1 });
  });
});

describe('readDeployment, the fallback read of a server expected to call back', () => {
  it('reads the task once and says the install still runs', async () => {
    const handle = await start('read-running.test.eu');
    const read = await run(activities.readDeployment, waitInput(handle));
    expect(read).toEqual({ status: 'running', polls: 1, apiCalls: 1 });
  });

  it('returns the install duration once the task is done', async () => {
    const handle = await start('read-done.test.eu');
    await waitFor(() => sim.state.server('read-done.test.eu')?.imageDeployed === true, { what: 'the install to end' });
    const read = await run(activities.readDeployment, waitInput(handle));
    expect(read).toMatchObject({ status: 'done', polls: 1, apiCalls: 1, installDurationMs: expect.any(Number) });
  });

  it("fails with DeployFailed and OVH's message once the install failed", async () => {
    const handle = await start('read-failed.test.eu');
    const read = () => run(activities.readDeployment, waitInput(handle));
    let failure: unknown;
    await waitFor(
      () =>
        read().then(
          () => false,
          (error: unknown) => ((failure = error), true),
        ),
      {
        what: 'a read to find the install failed',
      },
    );
    expect(failure).toMatchObject({
      type: FailureType.DeployFailed,
      nonRetryable: true,
      message: `OVH reports that the deployment on read-failed.test.eu failed at step 5/9 "Downloading OS image" (task ${handle.taskId}, customerError): Could not download image: 404 Not Found. Fix the image or the request, then retry the server.`,
    });
  });
});
