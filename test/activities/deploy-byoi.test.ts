import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, FAST_POLL, fleet, imageSpec, inMs, run } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
const activities = () => activitiesFor(clientFor(sim));

beforeAll(async () => {
  sim = await startTestSimulator({
    legacyByoi: true,
    fleet: fleet([
      { name: 'seed.test.eu' },
      { name: 'seedfail.test.eu', faults: ['download_fail'] },
      { name: 'probe500.test.eu' },
    ]),
    faults: 'probe500=probe500.test.eu',
  });
});
afterAll(() => sim.close());

const start = (serviceName: string) =>
  run(activities().startDeployment, {
    campaignId: 'c1',
    attempt: 1,
    serviceName,
    route: 'bringYourOwnImage',
    image: imageSpec({
      efiBootloaderPath: undefined,
      description: 'Debian 12',
      httpHeaders: { Authorization: 'Bearer ${IMAGE_TOKEN}' },
    }),
    configDrive: { hostname: 'seed-1', userData: 'I2Nsb3VkLWNvbmZpZw==', metadata: { role: 'db' } },
  });

describe('the seed bringYourOwnImage route', () => {
  it('deploys through the legacy route and finds the reinstallServer task it created', async () => {
    const handle = await start('seed.test.eu');
    expect(handle).toMatchObject({
      route: 'bringYourOwnImage',
      adopted: false,
      taskId: sim.state.server('seed.test.eu')?.taskIds.at(-1),
    });
    const post = sim.state
      .requests(50)
      .find((entry) => entry.method === 'POST' && entry.path.endsWith('/seed.test.eu/bringYourOwnImage'));
    expect(JSON.parse(post?.body ?? '{}')).toEqual({
      URL: 'https://images.example.test/debian-12.raw',
      type: 'raw',
      checkSum: 'ab'.repeat(32),
      checkSumType: 'sha256',
      description: 'Debian 12',
      httpHeader: [{ key: 'Authorization', value: 'Bearer token-from-worker-env' }],
      configdrive: {
        enable: true,
        hostname: 'seed-1',
        userData: 'I2Nsb3VkLWNvbmZpZw==',
        userMetadatas: [{ key: 'role', value: 'db' }],
      },
    });
    await expect(
      run(activities().waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }),
    ).resolves.toMatchObject({ status: 'done' });
    const boot = await run(activities().verifyBoot, {
      serviceName: 'seed.test.eu',
      deadlineAt: inMs(2000),
      retryIntervalMs: 20,
    });
    expect(boot).toEqual({ bootedFromDisk: true, probeAttempts: 0, apiCalls: 3 });
  });

  it('fails with DeployFailed and the legacy message, then rolls back with DELETE to rescue', async () => {
    const handle = await start('seedfail.test.eu');
    await expect(
      run(activities().waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }),
    ).rejects.toMatchObject({
      type: FailureType.DeployFailed,
      message: `OVH reports that the deployment on seedfail.test.eu failed at step 5/9 "Downloading OS image" (task ${handle.taskId}, error): Could not download image located: https://images.example.test/debian-12.raw. Fix the image or the request, then retry the server.`,
    });
    const result = await run(activities().rollbackToRescue, {
      serviceName: 'seedfail.test.eu',
      route: 'bringYourOwnImage',
      handle,
      deadlineAt: inMs(3000),
      pollMs: 10,
    });
    expect(result).toMatchObject({ inRescue: true, rescueBootId: 230242 });
    expect(
      sim.state
        .requests(100)
        .some((entry) => entry.method === 'DELETE' && entry.path.endsWith('/seedfail.test.eu/bringYourOwnImage')),
    ).toBe(true);
    expect(sim.state.server('seedfail.test.eu')).toMatchObject({ running: 'rescue', bootId: 230242 });
  });

  it('detects that auto means reinstall while /reinstall is served, even next to the legacy route', async () => {
    await expect(run(activities().detectRoute, { serviceName: 'seed.test.eu' })).resolves.toEqual({
      route: 'reinstall',
      reason: 'GET .../bringYourOwnImage answered, and so did GET .../reinstall (405): both exist, reinstall preferred',
      apiCalls: 3,
    });
  });

  it('never picks the retired route when the credential may not read the /reinstall probe: the 403 is NotGranted', async () => {
    const consumerKey = sim.state.addConsumerKey([
      { method: 'GET', path: '/dedicated/server/*/bringYourOwnImage' },
      { method: 'GET', path: '/auth/time' },
    ]);
    const limited = activitiesFor(clientFor(sim, { consumerKey }));
    await expect(run(limited.detectRoute, { serviceName: 'seed.test.eu' })).rejects.toMatchObject({
      type: FailureType.NotGranted,
      nonRetryable: true,
      message: expect.stringContaining(
        `The account's credential may not make this call: the consumer key's rules do not allow it: create a key with the access rule "GET /dedicated/server/*/reinstall".`,
      ),
    });
  });

  it('never picks the retired route when the /reinstall probe answers 500: the 500 is retried, not an answer', async () => {
    await expect(run(activities().detectRoute, { serviceName: 'probe500.test.eu' })).rejects.toMatchObject({
      type: FailureType.OvhApiRetryable,
      nonRetryable: false,
      message: expect.stringMatching(
        /^OVH answered 500 Server::InternalServerError to GET \/dedicated\/server\/probe500\.test\.eu\/reinstall: An internal server error occurred \(OVH query ID [\w.-]+\) The activity will retry\.$/,
      ),
    });
  });
});

describe('route detection on a production-like endpoint', () => {
  let prod: Simulator;
  beforeAll(async () => {
    prod = await startTestSimulator({ legacyByoi: false, fleet: fleet([{ name: 'prod.test.eu' }]) });
  });
  afterAll(() => prod.close());

  it('resolves auto to reinstall with one read when the legacy route is retired', async () => {
    await expect(run(activitiesFor(clientFor(prod)).detectRoute, { serviceName: 'prod.test.eu' })).resolves.toEqual({
      route: 'reinstall',
      reason: 'GET .../bringYourOwnImage answered 404 "invalid URL": retired',
      apiCalls: 2,
    });
  });

  it('fails with RouteUnavailable when the retired route is asked for', async () => {
    await expect(
      run(activitiesFor(clientFor(prod)).startDeployment, {
        campaignId: 'c1',
        attempt: 1,
        serviceName: 'prod.test.eu',
        route: 'bringYourOwnImage',
        image: imageSpec(),
      }),
    ).rejects.toMatchObject({
      type: FailureType.RouteUnavailable,
      nonRetryable: true,
      message: expect.stringMatching(
        /^OVH answered 404 Client::NotFound to POST \/dedicated\/server\/prod\.test\.eu\/bringYourOwnImage: Got an invalid \(or empty\) URL \(OVH query ID EU\.sim-1\.\w+\.\d+\) This OVH endpoint does not serve the route; use route "reinstall" \(or "auto"\)\.$/,
      ),
    });
  });
});
