import { activitiesFor, clientFor, fleet, inMs, run, startInput } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';
import { waitFor } from '../helpers/wait-for';
import type { Simulator } from '../../src/simulator';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ fleet: fleet([{ name: 'cb1.test.eu' }]) });
});
afterAll(() => sim.close());

describe('waitForDeployment once the server called back', () => {
  it('reads the task at once instead of waiting for the learned schedule, and ends on its first read of done', async () => {
    const activities = activitiesFor(clientFor(sim));
    const handle = await run(activities.startDeployment, startInput('cb1.test.eu'));
    await waitFor(() => sim.state.server('cb1.test.eu')?.imageDeployed === true, { what: 'the install to end' });
    // A schedule that would first poll minutes from now: only the callback makes it read at once.
    const result = await run(activities.waitForDeployment, {
      handle,
      deadlineAt: inMs(60_000),
      pollMinMs: 20,
      pollMaxMs: 10 * 60_000,
      typicalInstallMs: 10 * 60_000,
      calledBack: true,
    });
    expect(result).toMatchObject({ status: 'done', polls: 1, apiCalls: 1 });
  });
});
