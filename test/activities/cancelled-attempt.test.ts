import { CancelledFailure } from '@temporalio/common';
import { getServer } from '../../src/ovh/dedicated-server';
import { RateBudget } from '../../src/ovh/rate-budget';
import type { Simulator } from '../../src/simulator';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, mockEnv, run, startInput } from './helpers/harness';
import { serverCalls } from '../helpers/server-calls';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ fleet: fleet([{ name: 'queued.test.eu' }]) });
});
afterAll(() => sim.close());

const REINSTALL = 'POST /dedicated/server/{serviceName}/reinstall';

/** A budget that lets everything through until a test pauses it. */
const openBudget = () => new RateBudget({ requests: 60_000, perMs: 60_000, burst: 100, fresh: true });

/**
 * A mock context that, at the start's checkpoint heartbeat (its last step before the POST), holds the budget
 * for 1.5 s and times the attempt out while the POST waits in it.
 */
function timedOutBeforePost(budget: RateBudget) {
  const env = mockEnv();
  let paused = false;
  env.on('heartbeat', (details: unknown) => {
    if (paused || typeof details !== 'object' || details === null || !('maxTaskIdBeforePost' in details)) return;
    paused = true;
    budget.pauseFor(1500);
    // Once the POST has queued behind the pause (it does so before any I/O).
    setImmediate(() => env.cancel('TIMED_OUT'));
  });
  return env;
}

describe('startDeployment', () => {
  it('never sends its POST once the attempt times out while the POST waits in the rate budget', async () => {
    const budget = openBudget();
    const client = clientFor(sim, {}, budget);
    const env = timedOutBeforePost(budget);
    const attempt = run(activitiesFor(client).startDeployment, startInput('queued.test.eu'), env);
    await expect(attempt).rejects.toEqual(new CancelledFailure('TIMED_OUT'));
    // A read queued after the POST on the same budget: once it is answered, the POST would have gone.
    await getServer(client.session(), 'queued.test.eu');
    expect(serverCalls(sim, 'queued.test.eu')).not.toContain(REINSTALL);
    expect(sim.state.server('queued.test.eu')).toMatchObject({ imageDeployed: false, taskIds: [] });
  });
});
