/**
 * API economy of one server with the real activities against the simulator: the stable facts preflight
 * reads (hardware, serviceInfos, rescue boots; compatibleTemplates once per commercial range) are read once
 * per server and reused from the worker's cache, the volatile ones (the server, its install tasks) are read
 * at every preflight, the endpoint's harddisk boots are listed by the first boot check of a worker only, and
 * one deployment costs an exact number of calls per route.
 */
import type { PreflightInput } from '../../src/activities/types';
import { getServiceInfos, serverPath } from '../../src/ovh/dedicated-server';
import { voidSchema } from '../../src/ovh/schemas';
import type { Simulator } from '../../src/simulator';
import { lastSeq, perRoute, serverCalls } from '../helpers/server-calls';
import { activitiesFor, clientFor, FAST_POLL, fleet, imageSpec, inMs, run } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

const GiB = 1024 ** 3;
const SERVER = 'GET /dedicated/server/{serviceName}';
const TASKS = 'GET /dedicated/server/{serviceName}/task';
const TASK = 'GET /dedicated/server/{serviceName}/task/{taskId}';
const BOOTS = 'GET /dedicated/server/{serviceName}/boot';
const STABLE_READS = {
  [BOOTS]: 1,
  'GET /dedicated/server/{serviceName}/install/compatibleTemplates': 1,
  'GET /dedicated/server/{serviceName}/serviceInfos': 1,
  'GET /dedicated/server/{serviceName}/specifications/hardware': 1,
};

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'planned.test.eu' },
      { name: 'broken.test.eu' },
      { name: 'taken.test.eu', faults: ['never_ends'] },
      { name: 'tight.test.eu', memoryMb: 8192 },
      { name: 'expiring.test.eu' },
      { name: 'first.test.eu' },
      { name: 'counted.test.eu' },
      { name: 'unplanned.test.eu' },
      { name: 'ranged.test.eu' },
      { name: 'stale.test.eu' },
    ]),
  });
});
afterAll(() => sim.close());

const input = (serviceName: string, overrides: Partial<PreflightInput> = {}): PreflightInput => ({
  campaignId: 'c1',
  serviceName,
  route: 'reinstall',
  image: imageSpec(),
  imageSizeBytes: 2 * GiB,
  ...overrides,
});

/** One worker's activities (one stable-facts cache), as `reimage plan` and the campaign share them. */
const worker = () => activitiesFor(clientFor(sim));

describe('stable facts', () => {
  it("reuses the stable facts a plan read: the campaign's preflight reads only the server and its install tasks", async () => {
    const activities = worker();
    const planned = await run(activities.preflightServer, input('planned.test.eu'));
    expect(perRoute(serverCalls(sim, 'planned.test.eu'))).toEqual({ ...STABLE_READS, [SERVER]: 1, [TASKS]: 1 });
    const since = lastSeq(sim);
    const verdict = await run(activities.preflightServer, input('planned.test.eu'));
    expect(verdict).toEqual({ ...planned, apiCalls: 2 });
    expect(serverCalls(sim, 'planned.test.eu', since)).toEqual([SERVER, TASKS]);
  });

  it('still refuses a server OVH put in error after the plan: its state is read again', async () => {
    const activities = worker();
    const ovh = clientFor(sim);
    expect(await run(activities.preflightServer, input('broken.test.eu'))).toMatchObject({ ok: true });
    await ovh.request({
      method: 'PUT',
      path: serverPath('broken.test.eu'),
      route: '/dedicated/server/{serviceName}',
      body: { state: 'error' },
      schema: voidSchema,
    });
    const since = lastSeq(sim);
    const verdict = await run(activities.preflightServer, input('broken.test.eu'));
    expect(verdict).toMatchObject({
      ok: false,
      failedChecks: [
        {
          check: 'server_state',
          message:
            'broken.test.eu is in state "error" (not "ok"); OVH must clear the server before it can be reinstalled.',
        },
      ],
      apiCalls: 2,
    });
    expect(serverCalls(sim, 'broken.test.eu', since)).toEqual([SERVER, TASKS]);
  });

  it('still refuses a server on which an install started after the plan: its tasks are read again', async () => {
    const activities = worker();
    expect(await run(activities.preflightServer, input('taken.test.eu'))).toMatchObject({
      ok: true,
      installTaskCheckpoint: 0,
    });
    const taskId = sim.state.startInstall('taken.test.eu');
    const verdict = await run(activities.preflightServer, input('taken.test.eu'));
    expect(verdict).toMatchObject({
      ok: false,
      failedChecks: [
        {
          check: 'no_install_in_flight',
          message: expect.stringMatching(
            new RegExp(`^taken\\.test\\.eu already has an installation running: reinstallServer task ${taskId} `),
          ),
        },
      ],
      installTaskCheckpoint: taskId,
      apiCalls: 3,
    });
  });

  it('confirms a failed check on freshly read facts, never on cached ones', async () => {
    const activities = worker();
    expect(await run(activities.preflightServer, input('tight.test.eu'))).toMatchObject({ ok: true });
    const since = lastSeq(sim);
    const verdict = await run(activities.preflightServer, input('tight.test.eu', { imageSizeBytes: 6 * GiB }));
    expect(verdict).toMatchObject({ ok: false, failedChecks: [{ check: 'image_fits_ram' }], apiCalls: 6 });
    expect(perRoute(serverCalls(sim, 'tight.test.eu', since))).toEqual({ ...STABLE_READS, [SERVER]: 1, [TASKS]: 1 });
  });

  it('reads serviceInfos again when the service expires within a week of the window end', async () => {
    const activities = worker();
    const { expiration } = await getServiceInfos(clientFor(sim), 'expiring.test.eu');
    await run(activities.preflightServer, input('expiring.test.eu'));
    const since = lastSeq(sim);
    const windowEndsAt = new Date(Date.parse(expiration) - 3 * 24 * 3600_000).toISOString();
    const verdict = await run(activities.preflightServer, input('expiring.test.eu', { windowEndsAt }));
    expect(verdict).toMatchObject({ ok: true, apiCalls: 3 });
    expect(serverCalls(sim, 'expiring.test.eu', since)).toEqual([
      SERVER,
      'GET /dedicated/server/{serviceName}/serviceInfos',
      TASKS,
    ]);
  });
});

/** Preflight, start, wait and boot check of one server, passing what preflight read as the workflow does. */
async function deployOnce(activities: ReturnType<typeof worker>, serviceName: string) {
  const preflight = await run(activities.preflightServer, input(serviceName));
  const handle = await run(activities.startDeployment, {
    campaignId: 'c1',
    attempt: 1,
    serviceName,
    route: 'reinstall',
    image: imageSpec(),
    taskCheckpoint: preflight.installTaskCheckpoint,
  });
  const wait = await run(activities.waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL });
  const verify = await run(activities.verifyBoot, {
    serviceName,
    deadlineAt: inMs(3000),
    harddiskBootIds: preflight.server?.harddiskBootIds,
  });
  return { preflight, handle, wait, verify };
}

describe('calls per route for one deployment', () => {
  it("lists the endpoint's harddisk boots at the first boot check of a worker only", async () => {
    const activities = worker();
    const first = await deployOnce(activities, 'first.test.eu');
    expect(first.verify.apiCalls).toBe(2);
    const since = lastSeq(sim);
    const { preflight, verify } = await deployOnce(activities, 'counted.test.eu');
    expect(preflight.server?.harddiskBootIds).toEqual([1]);
    expect(verify.apiCalls).toBe(1);
    // The one boot list is the server's rescue boots.
    expect(perRoute(serverCalls(sim, 'counted.test.eu', since))[BOOTS]).toBe(1);
  });

  it('after a plan: the server twice, the task list once, the POST, the polls', async () => {
    const activities = worker();
    await deployOnce(activities, 'first.test.eu');
    await run(activities.preflightServer, input('planned.test.eu'));
    const since = lastSeq(sim);
    const { preflight, handle, wait, verify } = await deployOnce(activities, 'planned.test.eu');
    expect([preflight.apiCalls, handle.apiCalls, wait.apiCalls, verify.apiCalls]).toEqual([2, 1, wait.polls, 1]);
    expect(perRoute(serverCalls(sim, 'planned.test.eu', since))).toEqual({
      [SERVER]: 2,
      [TASKS]: 1,
      [TASK]: wait.polls,
      'POST /dedicated/server/{serviceName}/reinstall': 1,
    });
  });

  it('without a plan: the stable facts once more (the range read its templates), and still one task list', async () => {
    const activities = worker();
    await deployOnce(activities, 'unplanned.test.eu');
    const since = lastSeq(sim);
    const { preflight, handle, wait, verify } = await deployOnce(activities, 'ranged.test.eu');
    expect([preflight.apiCalls, handle.apiCalls, wait.apiCalls, verify.apiCalls]).toEqual([5, 1, wait.polls, 1]);
    expect(perRoute(serverCalls(sim, 'ranged.test.eu', since))).toEqual({
      [BOOTS]: 1,
      'GET /dedicated/server/{serviceName}/serviceInfos': 1,
      'GET /dedicated/server/{serviceName}/specifications/hardware': 1,
      [SERVER]: 2,
      [TASKS]: 1,
      [TASK]: wait.polls,
      'POST /dedicated/server/{serviceName}/reinstall': 1,
    });
  });

  it('lists the harddisk boots before failing a boot check on a stale list', async () => {
    const { handle } = await deployOnce(worker(), 'stale.test.eu');
    expect(handle.adopted).toBe(false);
    // A new worker: it knows no harddisk boot, and its client's first call is GET /auth/time.
    const verify = await run(worker().verifyBoot, {
      serviceName: 'stale.test.eu',
      deadlineAt: inMs(3000),
      harddiskBootIds: [4242],
    });
    expect(verify).toEqual({ bootedFromDisk: true, probeAttempts: 0, probeOk: undefined, apiCalls: 3 });
  });
});
