/**
 * What startDeployment remembers and proves across attempts, against the OVH simulator over HTTPS: a retry
 * that lost its heartbeat still knows the checkpoint the workflow handed it, and only a refusal it can
 * prove (a first attempt whose POST OVH refused) says OVH created nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, mockEnv, preflightCheckpoint, run, startInput } from './helpers/harness';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    // The installs never end, so they still hold their server at a later POST.
    fleet: fleet([
      { name: 'throttled.test.eu', faults: ['never_ends'] },
      { name: 'refused.test.eu', faults: ['never_ends'] },
      { name: 'retried.test.eu', faults: ['never_ends'] },
    ]),
  });
});
afterAll(() => sim.close());

/** The failure a start threw, with its first details object. */
async function startFailure(promise: Promise<unknown>): Promise<{ type?: string | null; details: unknown }> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  return { type: failure.type, details: failure.details?.[0] };
}

describe('startDeployment across attempts', () => {
  it("adopts, on a retry without heartbeat details, the task its first attempt posted, from the input's checkpoint", async () => {
    const ovh = clientFor(sim);
    const taskCheckpoint = await preflightCheckpoint(ovh, 'throttled.test.eu');
    const first = await run(
      activitiesFor(ovh).startDeployment,
      startInput('throttled.test.eu', { taskCheckpoint }),
      mockEnv(),
    );
    // The first attempt's answer and its heartbeat were lost; the retry counts as scheduled a minute after
    // that task started (on OVH's clock), so only the checkpoint can tell the task is its own.
    const retry = mockEnv({ scheduledTimestampMs: Date.parse(first.startedAt) + 60_000, attempt: 2 });
    const handle = await run(
      activitiesFor(ovh).startDeployment,
      startInput('throttled.test.eu', { taskCheckpoint }),
      retry,
    );
    expect(handle).toMatchObject({ adopted: true, taskId: first.taskId });
    expect(sim.state.server('throttled.test.eu')?.installPosts).toBe(1);
  });

  it("marks a first attempt's refused POST as proving OVH created nothing", async () => {
    const ovh = clientFor(sim);
    const taskCheckpoint = await preflightCheckpoint(ovh, 'refused.test.eu');
    const taskId = sim.state.startInstall('refused.test.eu');
    const failure = await startFailure(
      run(activitiesFor(ovh).startDeployment, startInput('refused.test.eu', { taskCheckpoint }), mockEnv()),
    );
    expect(failure).toMatchObject({ type: FailureType.ServerLocked, details: { status: 400, untouched: true } });
    expect(sim.state.server('refused.test.eu')?.taskIds).toEqual([taskId]);
  });

  it('does not mark the refused POST of a retry, whose earlier attempt may have posted', async () => {
    const ovh = clientFor(sim);
    const taskId = sim.state.startInstall('retried.test.eu');
    // The retry's checkpoint is that foreign task: nothing newer is its own, so the lock is someone else's.
    const retry = mockEnv({ attempt: 2, heartbeatDetails: { maxTaskIdBeforePost: taskId } });
    const failure = await startFailure(run(activitiesFor(ovh).startDeployment, startInput('retried.test.eu'), retry));
    expect(failure).toMatchObject({ type: FailureType.ServerLocked, details: { status: 400 } });
    expect(failure.details).not.toHaveProperty('untouched');
  });
});
