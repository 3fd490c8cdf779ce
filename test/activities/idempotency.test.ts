import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';
import {
  activitiesFor,
  clientFor,
  FAST_POLL,
  fleet,
  imageSpec,
  inMs,
  mockEnv,
  run,
  startInput,
  preflightCheckpoint,
} from './helpers/harness';
import { waitFor } from '../helpers/wait-for';
import { lastSeq, serverCalls } from '../helpers/server-calls';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    // Installs that must still hold their server at a later POST never end (one lasts 165 ms otherwise).
    fleet: fleet([
      { name: 'lost.test.eu' },
      { name: 'five.test.eu' },
      { name: 'locked.test.eu', faults: ['never_ends'] },
      { name: 'flaky.test.eu' },
      { name: 'unread.test.eu' },
      { name: 'nocheck.test.eu' },
      { name: 'race.test.eu', faults: ['never_ends'] },
      { name: 'handed.test.eu' },
      { name: 'overtaken.test.eu', faults: ['never_ends'] },
    ]),
  });
});
afterAll(() => sim.close());

const input = (serviceName: string) => startInput(serviceName);

describe('startDeployment idempotency', () => {
  it('adopts the task a timed-out POST created, so the server receives one install request', async () => {
    const scheduledTimestampMs = Date.now();
    const slow = clientFor(sim, { requestTimeoutMs: 1200 });
    // The first call pays the TLS handshake and GET /auth/time; the POST is then the only slow call.
    await run(activitiesFor(slow).detectRoute, { serviceName: 'lost.test.eu' });
    const first = mockEnv({ scheduledTimestampMs });
    const beats: unknown[] = [];
    // The checkpoint heartbeat comes right before the POST: from then on, answers arrive too late.
    first.on('heartbeat', (details) => {
      beats.push(details);
      sim.state.injectFaults('latency=2000ms');
    });
    await expect(run(activitiesFor(slow).startDeployment, input('lost.test.eu'), first)).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
      nonRetryable: false,
      message:
        'OVH did not answer POST /dedicated/server/lost.test.eu/reinstall in time: no answer after 1200 ms. The call may still have taken effect. The activity will retry.',
    });
    sim.state.injectFaults({ latencyMs: 0 }, true);
    // The simulator holds the POST for its 2 s latency before handling it: the retry must find its task.
    await waitFor(() => sim.state.server('lost.test.eu')?.installPosts === 1, {
      what: 'the timed-out POST to lost.test.eu to reach the simulator and create its task',
    });
    const retry = mockEnv({ scheduledTimestampMs, attempt: 2, heartbeatDetails: beats.at(-1) });
    const handle = await run(activitiesFor(clientFor(sim)).startDeployment, input('lost.test.eu'), retry);
    expect(handle).toMatchObject({ adopted: true, taskId: sim.state.server('lost.test.eu')?.taskIds.at(-1) });
    expect(sim.state.server('lost.test.eu')?.installPosts).toBe(1);
  });

  it('adopts the task a POST answered with 500 still created', async () => {
    const scheduledTimestampMs = Date.now();
    sim.state.injectFaults('post_500_creates_task=five.test.eu');
    const ovh = clientFor(sim);
    await expect(
      run(activitiesFor(ovh).startDeployment, input('five.test.eu'), mockEnv({ scheduledTimestampMs })),
    ).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
      message: expect.stringMatching(
        /^OVH answered 500 Server::InternalServerError::TaskCreate to POST \/dedicated\/server\/five\.test\.eu\/reinstall: /,
      ),
    });
    const handle = await run(
      activitiesFor(ovh).startDeployment,
      input('five.test.eu'),
      mockEnv({ scheduledTimestampMs, attempt: 2 }),
    );
    expect(handle.adopted).toBe(true);
    expect(sim.state.server('five.test.eu')?.installPosts).toBe(1);
    sim.state.injectFaults({}, true);
  });

  it('adopts by its ID a task the 500-answered POST created while OVH still answers 404 on it', async () => {
    const scheduledTimestampMs = Date.now();
    sim.state.injectFaults('post_500_creates_task=unread.test.eu,task404=3');
    const ovh = clientFor(sim);
    const first = mockEnv({ scheduledTimestampMs });
    const beats: unknown[] = [];
    first.on('heartbeat', (details) => beats.push(details));
    await expect(run(activitiesFor(ovh).startDeployment, input('unread.test.eu'), first)).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
    });
    const retry = mockEnv({ scheduledTimestampMs, attempt: 2, heartbeatDetails: beats.at(-1) });
    const handle = await run(activitiesFor(ovh).startDeployment, input('unread.test.eu'), retry);
    expect(handle).toMatchObject({ adopted: true, taskId: sim.state.server('unread.test.eu')?.taskIds.at(-1) });
    expect(sim.state.server('unread.test.eu')?.installPosts).toBe(1);
    sim.state.injectFaults({}, true);
  });

  it('retries without posting when, without a checkpoint, the newest task cannot be read yet', async () => {
    const scheduledTimestampMs = Date.now();
    sim.state.injectFaults('post_500_creates_task=nocheck.test.eu,task404=1');
    const ovh = clientFor(sim);
    await expect(
      run(activitiesFor(ovh).startDeployment, input('nocheck.test.eu'), mockEnv({ scheduledTimestampMs })),
    ).rejects.toMatchObject({ type: FailureType.OvhApiRetryable });
    const taskId = sim.state.server('nocheck.test.eu')?.taskIds.at(-1);
    const second = mockEnv({ scheduledTimestampMs, attempt: 2 });
    await expect(run(activitiesFor(ovh).startDeployment, input('nocheck.test.eu'), second)).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
      nonRetryable: false,
      message: `The newest installation task of nocheck.test.eu (${taskId}) cannot be read yet (OVH answers 404 on fresh tasks); this attempt retries instead of posting a second installation.`,
    });
    const third = mockEnv({ scheduledTimestampMs, attempt: 3 });
    const handle = await run(activitiesFor(ovh).startDeployment, input('nocheck.test.eu'), third);
    expect(handle).toMatchObject({ adopted: true, taskId });
    expect(sim.state.server('nocheck.test.eu')?.installPosts).toBe(1);
    sim.state.injectFaults({}, true);
  });

  it("adopts the install its timed-out earlier attempt posted between this attempt's task list and its POST", async () => {
    const checkpoint = { maxTaskIdBeforePost: Math.max(0, ...(sim.state.server('race.test.eu')?.taskIds ?? [])) };
    const retry = mockEnv({ scheduledTimestampMs: Date.now(), attempt: 2, heartbeatDetails: checkpoint });
    let zombieTaskId: number | undefined;
    // Attempt 1 timed out on Temporal's side but still runs: its POST lands right before this one's, whose
    // checkpoint heartbeat comes after its task list.
    retry.on('heartbeat', () => {
      zombieTaskId ??= sim.state.startInstall('race.test.eu');
    });
    const handle = await run(activitiesFor(clientFor(sim)).startDeployment, input('race.test.eu'), retry);
    expect(zombieTaskId).toBeDefined();
    expect(handle).toMatchObject({ adopted: true, taskId: zombieTaskId });
    expect(sim.state.server('race.test.eu')).toMatchObject({ installPosts: 1, taskIds: [zombieTaskId] });
  });

  it("with preflight's checkpoint, posts without listing, and a retry adopts the task its timed-out POST created", async () => {
    const scheduledTimestampMs = Date.now();
    const slow = clientFor(sim, { requestTimeoutMs: 1200 });
    const taskCheckpoint = await preflightCheckpoint(slow, 'handed.test.eu');
    const since = lastSeq(sim);
    const first = mockEnv({ scheduledTimestampMs });
    const beats: unknown[] = [];
    first.on('heartbeat', (details) => {
      beats.push(details);
      sim.state.injectFaults('latency=2000ms');
    });
    await expect(
      run(activitiesFor(slow).startDeployment, { ...input('handed.test.eu'), taskCheckpoint }, first),
    ).rejects.toMatchObject({ type: FailureType.OvhApiRetryable, nonRetryable: false });
    sim.state.injectFaults({ latencyMs: 0 }, true);
    expect(beats[0]).toEqual({ maxTaskIdBeforePost: taskCheckpoint });
    await waitFor(() => sim.state.server('handed.test.eu')?.installPosts === 1, {
      what: 'the timed-out POST to handed.test.eu to reach the simulator and create its task',
    });
    expect(serverCalls(sim, 'handed.test.eu', since)).toEqual(['POST /dedicated/server/{serviceName}/reinstall']);
    const retry = mockEnv({ scheduledTimestampMs, attempt: 2, heartbeatDetails: beats.at(-1) });
    const handle = await run(
      activitiesFor(clientFor(sim)).startDeployment,
      { ...input('handed.test.eu'), taskCheckpoint },
      retry,
    );
    expect(handle).toMatchObject({ adopted: true, taskId: sim.state.server('handed.test.eu')?.taskIds.at(-1) });
    expect(sim.state.server('handed.test.eu')?.installPosts).toBe(1);
  });

  it("with preflight's checkpoint, fails with ServerLocked when someone else started an install after the preflight", async () => {
    const ovh = clientFor(sim);
    const taskCheckpoint = await preflightCheckpoint(ovh, 'overtaken.test.eu');
    const taskId = sim.state.startInstall('overtaken.test.eu');
    await expect(
      run(activitiesFor(ovh).startDeployment, { ...input('overtaken.test.eu'), taskCheckpoint }, mockEnv()),
    ).rejects.toMatchObject({
      type: FailureType.ServerLocked,
      nonRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^overtaken\\.test\\.eu is locked by another OVH task or process: Task ${taskId} of type reinstallServer `,
        ),
      ),
    });
    expect(sim.state.server('overtaken.test.eu')?.taskIds).toEqual([taskId]);
  });

  it('fails with ServerLocked when an install it did not start is running', async () => {
    const ovh = clientFor(sim);
    await run(
      activitiesFor(ovh).startDeployment,
      { ...input('locked.test.eu'), image: imageSpec() },
      mockEnv({ scheduledTimestampMs: Date.now() }),
    );
    // A later workflow (scheduled after that task started) must not adopt someone else's install.
    const later = mockEnv({ scheduledTimestampMs: Date.now() + 60_000 });
    const taskId = sim.state.server('locked.test.eu')?.taskIds.at(-1);
    await expect(run(activitiesFor(ovh).startDeployment, input('locked.test.eu'), later)).rejects.toMatchObject({
      type: FailureType.ServerLocked,
      nonRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^locked\\.test\\.eu is locked by another OVH task or process: Task ${taskId} of type reinstallServer with status \\w+ is already running on server locked\\.test\\.eu`,
        ),
      ),
    });
    expect(sim.state.server('locked.test.eu')?.taskIds).toEqual([taskId]);
  });

  it('keeps polling through transient 404 and 500 answers on the task', async () => {
    sim.state.injectFaults('task404=2,task500=2');
    const ovh = clientFor(sim);
    const handle = await run(activitiesFor(ovh).startDeployment, input('flaky.test.eu'), mockEnv());
    const result = await run(activitiesFor(ovh).waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL });
    expect(result.status).toBe('done');
    expect(sim.state.counters().byStatus).toMatchObject({ '404': expect.any(Number), '500': expect.any(Number) });
    sim.state.injectFaults({}, true);
  });
});
