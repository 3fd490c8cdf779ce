import { FailureType } from '../../src/shared/failure-types';
import type { DeploymentHandle } from '../../src/activities/types';
import type { DeployRoute } from '../../src/domain/routes';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, FAST_POLL, fleet, startInput, inMs, mockEnv, run } from './helpers/harness';
import { lastSeq, perRoute, serverCalls } from '../helpers/server-calls';
import { startTestSimulator } from '../helpers/simulator';
import { reboot, setBootId } from '../../src/ovh/dedicated-server';

const RESCUE = 230242;
let sim: Simulator;
const activities = () => activitiesFor(clientFor(sim));

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'failed.test.eu', faults: ['checksum_mismatch'] },
      { name: 'hung.test.eu', faults: ['never_ends'] },
      { name: 'noboot.test.eu', faults: ['efi_boot_fail'] },
      { name: 'twice.test.eu' },
      { name: 'reboot404.test.eu', faults: ['write_fail'] },
      { name: 'known.test.eu', faults: ['checksum_mismatch'] },
      { name: 'moved.test.eu', faults: ['checksum_mismatch'] },
      { name: 'fresh404.test.eu' },
      { name: 'checkpoint404.test.eu' },
    ]),
  });
});
afterAll(() => sim.close());

async function deploy(serviceName: string, route: DeployRoute = 'reinstall'): Promise<DeploymentHandle> {
  return run(activities().startDeployment, startInput(serviceName, { route }));
}

const rollback = (serviceName: string, handle?: DeploymentHandle, deadlineMs = 3000, env = mockEnv()) =>
  run(
    activities().rollbackToRescue,
    { serviceName, route: handle?.route ?? 'reinstall', handle, deadlineAt: inMs(deadlineMs), pollMs: 10 },
    env,
  );

/** Runs `work` with simulator faults injected, then clears them. */
async function withFaults<T>(spec: string, work: () => Promise<T>): Promise<T> {
  sim.state.injectFaults(spec);
  try {
    return await work();
  } finally {
    sim.state.injectFaults({}, true);
  }
}

/** A rollback given the rescue boot ID preflight read, as the workflow passes it. */
const rollbackKnowing = (serviceName: string, handle: DeploymentHandle, rescueBootId: number) =>
  run(activities().rollbackToRescue, {
    serviceName,
    route: 'reinstall',
    handle,
    deadlineAt: inMs(3000),
    pollMs: 10,
    rescueBootId,
  });

describe('rollbackToRescue', () => {
  it('brings a server whose install failed up in rescue', async () => {
    const handle = await deploy('failed.test.eu');
    await expect(
      run(activities().waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }),
    ).rejects.toMatchObject({ type: FailureType.DeployFailed });
    const result = await rollback('failed.test.eu', handle);
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE, rebootTaskId: expect.any(Number) });
    expect(result.cancelledTaskId).toBeUndefined();
    expect(sim.state.server('failed.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('polls on through 404 answers on the fresh reboot task and reaches rescue', async () => {
    const handle = await deploy('reboot404.test.eu');
    await expect(
      run(activities().waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }),
    ).rejects.toMatchObject({ type: FailureType.DeployFailed });
    // Only tasks read from now on are affected: the reboot task answers 404 to its first two reads.
    const result = await withFaults('task404=2', () => rollback('reboot404.test.eu', handle));
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE, rebootTaskId: expect.any(Number) });
    expect(sim.state.server('reboot404.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('polls on through 404 answers on the deployment task it was just given and reaches rescue', async () => {
    const handle = await deploy('fresh404.test.eu');
    // The deployment task has not been read yet: its first two reads answer 404, as OVH's fresh tasks do.
    const result = await withFaults('task404=2', () => rollback('fresh404.test.eu', handle));
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE, rebootTaskId: expect.any(Number) });
    expect(sim.state.server('fresh404.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('follows a checkpointed reboot that OVH still answers 404 for instead of rebooting again', async () => {
    const api = clientFor(sim).session();
    // What an earlier attempt left: the rescue boot set, the reboot posted and checkpointed, never read.
    await setBootId(api, 'checkpoint404.test.eu', RESCUE);
    const earlier = await reboot(api, 'checkpoint404.test.eu');
    const since = lastSeq(sim);
    const retry = mockEnv({ attempt: 2, heartbeatDetails: { rebootTaskId: earlier.taskId } });
    const result = await withFaults('task404=2', () => rollback('checkpoint404.test.eu', undefined, 3000, retry));
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE, rebootTaskId: earlier.taskId });
    expect(serverCalls(sim, 'checkpoint404.test.eu', since)).not.toContain(
      'POST /dedicated/server/{serviceName}/reboot',
    );
    expect(sim.state.server('checkpoint404.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('brings a server whose install never ends up in rescue after waiting for it', async () => {
    const handle = await deploy('hung.test.eu');
    const result = await rollback('hung.test.eu', handle, 2500);
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE });
    expect(sim.state.server('hung.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('brings a server that installed but does not boot up in rescue', async () => {
    const handle = await deploy('noboot.test.eu');
    await run(activities().waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL });
    await expect(rollback('noboot.test.eu', handle)).resolves.toMatchObject({ inRescue: true });
    expect(sim.state.server('noboot.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it("takes preflight's rescue boot instead of listing the boots", async () => {
    const handle = await deploy('known.test.eu');
    const since = lastSeq(sim);
    const result = await rollbackKnowing('known.test.eu', handle, RESCUE);
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE });
    expect(serverCalls(sim, 'known.test.eu', since)).not.toContain('GET /dedicated/server/{serviceName}/boot');
    expect(sim.state.server('known.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('looks the rescue boot up again when OVH refuses the one it was given', async () => {
    const handle = await deploy('moved.test.eu');
    const since = lastSeq(sim);
    const result = await rollbackKnowing('moved.test.eu', handle, 4242);
    expect(result).toMatchObject({ inRescue: true, rescueBootId: RESCUE });
    expect(perRoute(serverCalls(sim, 'moved.test.eu', since))).toMatchObject({
      'GET /dedicated/server/{serviceName}/boot': 1,
      'PUT /dedicated/server/{serviceName}': 2,
    });
    expect(sim.state.server('moved.test.eu')).toMatchObject({ running: 'rescue', bootId: RESCUE });
  });

  it('follows the reboot an earlier attempt started instead of rebooting again', async () => {
    const env = mockEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    const first = await rollback('twice.test.eu', undefined, 3000, env);
    const tasksAfterFirst = sim.state.server('twice.test.eu')?.taskIds;
    const second = await rollback(
      'twice.test.eu',
      undefined,
      3000,
      mockEnv({ attempt: 2, heartbeatDetails: beats.at(-1) }),
    );
    expect(second).toMatchObject({ inRescue: true, rebootTaskId: first.rebootTaskId });
    expect(sim.state.server('twice.test.eu')?.taskIds).toEqual(tasksAfterFirst);
  });
});

describe('rollbackToRescue on a slow simulator', () => {
  let slow: Simulator;
  beforeAll(async () => {
    // 100x: the task stays in init for about half a second, long enough to cancel it.
    slow = await startTestSimulator({ speed: 100, fleet: fleet([{ name: 'early.test.eu' }]) });
  });
  afterAll(() => slow.close());

  it('cancels a deployment still waiting to run, then reaches rescue', async () => {
    const acts = activitiesFor(clientFor(slow));
    const handle = await run(acts.startDeployment, startInput('early.test.eu'));
    const result = await run(acts.rollbackToRescue, {
      serviceName: 'early.test.eu',
      route: 'reinstall',
      handle,
      deadlineAt: inMs(8000),
      pollMs: 50,
    });
    expect(result).toMatchObject({ inRescue: true, cancelledTaskId: handle.taskId, rescueBootId: RESCUE });
    expect(slow.state.server('early.test.eu')).toMatchObject({ running: 'rescue', imageDeployed: false });
  });
});
