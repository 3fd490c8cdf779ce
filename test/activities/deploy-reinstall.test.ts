import type { ApplicationFailure } from '@temporalio/common';
import { followSimulator } from '../../src/activities/deps';
import { followSimulatorClock } from '../../src/rehearsal/simulator-clock';
import { FailureType } from '../../src/shared/failure-types';
import type { DeploymentHandle } from '../../src/activities/types';
import type { DeploymentProgress } from '../../src/domain/deployment';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, FAST_POLL, fleet, imageSpec, inMs, mockEnv, run } from './helpers/harness';
import { startTestSimulator, TEST_SPEED } from '../helpers/simulator';

let sim: Simulator;
const ovh = () => clientFor(sim);

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'ok1.test.eu' },
      { name: 'ok2.test.eu' },
      // Installs ten times as long (about 1.6 s here), so polls see the running steps even on a loaded runner.
      { name: 'ok3.test.eu', installPace: 10 },
      { name: 'dl.test.eu', faults: ['download_fail'] },
      { name: 'efi.test.eu', faults: ['efi_boot_fail'] },
      { name: 'never.test.eu', faults: ['never_ends'] },
      { name: 'write.test.eu', faults: ['write_fail'] },
    ]),
  });
});
afterAll(() => sim.close());

async function start(serviceName: string): Promise<DeploymentHandle> {
  const input = { campaignId: 'c1', attempt: 1, serviceName, route: 'reinstall' as const, image: imageSpec() };
  return run(activitiesFor(ovh()).startDeployment, input);
}

function wait(handle: DeploymentHandle, deadlineMs = 5000) {
  return run(activitiesFor(ovh()).waitForDeployment, { handle, deadlineAt: inMs(deadlineMs), ...FAST_POLL });
}

describe('the reinstall route', () => {
  it('deploys, reports progress, and verifies that the server boots its new OS', async () => {
    const activities = activitiesFor(ovh());
    const handle = await run(activities.startDeployment, {
      campaignId: 'c1',
      attempt: 1,
      serviceName: 'ok1.test.eu',
      route: 'reinstall',
      image: imageSpec({ httpHeaders: { Authorization: 'Bearer ${IMAGE_TOKEN}' } }),
      configDrive: { hostname: 'web-1', sshKey: 'ssh-ed25519 AAAAC3Nza test', metadata: { role: 'web' } },
    });
    expect(handle).toMatchObject({ serviceName: 'ok1.test.eu', route: 'reinstall', adopted: false, apiCalls: 3 });

    const env = mockEnv();
    const beats: DeploymentProgress[] = [];
    env.on('heartbeat', (details: DeploymentProgress) => beats.push(details));
    const result = await run(activities.waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL }, env);
    expect(result).toMatchObject({ status: 'done', lastStep: undefined });
    expect(result.installDurationMs).toBeGreaterThan(8 * 60_000);
    expect(beats.some((beat) => beat.status === 'doing')).toBe(true);
    // A successful install is followed through its task alone: install/status is never read.
    const installStatusReads = sim.state
      .requests(500)
      .filter((entry) => entry.route.endsWith('/install/status') && entry.path.includes('ok1.test.eu'));
    expect(installStatusReads).toEqual([]);
    expect(result.apiCalls).toBe(result.polls);

    const probeUrl = `https://localhost:${sim.port}/_sim/probe/ok1.test.eu`;
    const boot = await run(activities.verifyBoot, {
      serviceName: 'ok1.test.eu',
      probe: { type: 'http', url: probeUrl, timeoutMs: 1000 },
      deadlineAt: inMs(3000),
      retryIntervalMs: 20,
    });
    expect(boot).toEqual({ bootedFromDisk: true, probeOk: true, probeAttempts: 1, apiCalls: 2 });
    expect(sim.state.server('ok1.test.eu')).toMatchObject({ running: 'disk', imageDeployed: true, installPosts: 1 });
  });

  it('reads the running step for progress displays when asked to, every so many polls', async () => {
    const handle = await start('ok3.test.eu');
    const env = mockEnv();
    const beats: DeploymentProgress[] = [];
    env.on('heartbeat', (details: DeploymentProgress) => beats.push(details));
    const input = { handle, deadlineAt: inMs(30_000), ...FAST_POLL, stepEveryPolls: 1 };
    const result = await run(activitiesFor(ovh()).waitForDeployment, input, env);
    expect(result).toMatchObject({ status: 'done', lastStep: { total: 9 } });
    expect(beats.some((beat) => beat.status === 'doing' && beat.step?.total === 9)).toBe(true);
  });

  it('sends the resolved header value to OVH but never puts it in the handle', async () => {
    const request = sim.state
      .requests(200)
      .find(
        (entry) =>
          entry.route === 'POST /dedicated/server/{serviceName}/reinstall' && entry.path.includes('ok1.test.eu'),
      );
    expect(JSON.parse(request?.body ?? '{}').customizations.httpHeaders).toEqual({
      Authorization: 'Bearer token-from-worker-env',
    });
  });

  it("fails with DeployFailed and OVH's step error when the download fails", async () => {
    const handle = await start('dl.test.eu');
    await expect(wait(handle)).rejects.toMatchObject({
      type: FailureType.DeployFailed,
      nonRetryable: true,
      message: `OVH reports that the deployment on dl.test.eu failed at step 5/9 "Downloading OS image" (task ${handle.taskId}, customerError): Could not download image: 404 Not Found. Fix the image or the request, then retry the server.`,
    });
  });

  it('fails with DeployFailed on an OVH-side write error', async () => {
    const handle = await start('write.test.eu');
    await expect(wait(handle)).rejects.toMatchObject({
      type: FailureType.DeployFailed,
      message: expect.stringContaining(`(task ${handle.taskId}, ovhError): Can't write raw on disk.`),
    });
  });

  it('fails with TimedOut at the deadline when the install never ends', async () => {
    const handle = await start('never.test.eu');
    const deadlineAt = inMs(400);
    await expect(
      run(activitiesFor(ovh()).waitForDeployment, { handle, deadlineAt, ...FAST_POLL }),
    ).rejects.toMatchObject({
      type: FailureType.TimedOut,
      nonRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^The deployment on never\\.test\\.eu did not finish by ${deadlineAt} \\(OVH status doing, at step \\d/9 .*\\. Check the server in the OVH control panel\\.$`,
        ),
      ),
    });
  });

  it('fails with BootFailed when the install is done but the OS never answers the probe', async () => {
    const activities = activitiesFor(ovh());
    const handle = await start('efi.test.eu');
    await expect(wait(handle)).resolves.toMatchObject({ status: 'done' });
    const deadlineAt = inMs(300);
    const probeUrl = `https://localhost:${sim.port}/_sim/probe/efi.test.eu`;
    await expect(
      run(activities.verifyBoot, {
        serviceName: 'efi.test.eu',
        probe: { type: 'http', url: probeUrl, timeoutMs: 500 },
        deadlineAt,
        retryIntervalMs: 50,
      }),
    ).rejects.toMatchObject({
      type: FailureType.BootFailed,
      nonRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^efi\\.test\\.eu boots from its disk but its OS did not answer GET ${probeUrl.replace(/[.]/g, '\\.')} by ${deadlineAt} \\(\\d+ attempts, last: HTTP 503\\)\\. Check efiBootloaderPath, the image's network setup and that the probed service starts at boot\\.$`,
        ),
      ),
    });
  });

  it("counts the boot check's budget in simulated time when the worker follows the simulator's clock", async () => {
    // The workflow sets the deadline from its own (real) clock: 10 minutes of budget, 0.15 s at this speed.
    const client = ovh();
    const simulated = followSimulator(await followSimulatorClock(sim.url, sim.caCertPath, TEST_SPEED), client);
    const activities = activitiesFor(client, simulated);
    const deadlineAt = inMs(10 * 60_000);
    const probeUrl = `https://localhost:${sim.port}/_sim/probe/efi.test.eu`;
    const started = Date.now();
    const failure = (await run(activities.verifyBoot, {
      serviceName: 'efi.test.eu',
      probe: { type: 'http', url: probeUrl, timeoutMs: 500 },
      deadlineAt,
      // 30 simulated seconds: 7.5 real ms.
      retryIntervalMs: 30_000,
    }).catch((error: unknown) => error)) as ApplicationFailure;
    expect(failure).toMatchObject({ type: FailureType.BootFailed });
    // The budget was spent probing every 30 simulated seconds, in a fraction of the real 10 minutes.
    expect((failure.details?.[0] as { probeAttempts: number }).probeAttempts).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('resumes its poll and call counters from the last heartbeat after a worker crash', async () => {
    const handle = await start('ok2.test.eu');
    const resumed: DeploymentProgress = {
      status: 'doing',
      polls: 40,
      apiCalls: 80,
      lastPollAt: new Date().toISOString(),
    };
    const env = mockEnv({ attempt: 2, heartbeatDetails: resumed });
    const result = await run(
      activitiesFor(ovh()).waitForDeployment,
      { handle, deadlineAt: inMs(5000), ...FAST_POLL },
      env,
    );
    expect(result.polls).toBeGreaterThan(40);
    expect(result.apiCalls).toBeGreaterThan(80);
  });

  it('rejects ova before any OVH call', async () => {
    const serviceName = 'ok2.test.eu';
    const before = sim.state.counters().total;
    await expect(
      run(activitiesFor(ovh()).startDeployment, {
        campaignId: 'c1',
        attempt: 1,
        serviceName,
        route: 'reinstall',
        image: imageSpec({ type: 'ova' }),
      }),
    ).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      nonRetryable: true,
      message: expect.stringMatching(/^image\.type is "ova", which neither OVH route accepts/),
    });
    expect(sim.state.counters().total).toBe(before);
  });

  it('rejects an image without efiBootloaderPath before any OVH call', async () => {
    const before = sim.state.counters().total;
    await expect(
      run(activitiesFor(ovh()).startDeployment, {
        campaignId: 'c1',
        attempt: 1,
        serviceName: 'ok2.test.eu',
        route: 'reinstall',
        image: imageSpec({ efiBootloaderPath: undefined }),
      }),
    ).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message:
        "image.efiBootloaderPath is missing: OVH's byoi_64 template on /reinstall requires it (e.g. \\efi\\debian\\grubx64.efi); set it in the campaign.",
    });
    expect(sim.state.counters().total).toBe(before);
  });
});
