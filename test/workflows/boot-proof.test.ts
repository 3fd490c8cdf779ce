/**
 * The boot proof a campaign gets without asking: its servers' SSH greeting on the address OVH reports
 * (the simulated servers answer on loopback), on the dev server with the real activities.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startHookReceiver, type HookReceiver } from '../../testkit/hook-receiver';
import { testCa } from '../helpers/simulator';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest } from './helpers/simulated-ovh';

const SPEED = 2000;

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));
const openSimulator = simulatorPerTest();

let receiver: HookReceiver;
beforeAll(async () => {
  receiver = await startHookReceiver(testCa());
});
afterAll(() => receiver.close());

describe('the boot proof of a campaign that names no bootProbe', () => {
  it('rolls back a server whose OS never answers SSH as boot_failed and never calls its afterBoot hook', async () => {
    const sim = await openSimulator({
      count: 2,
      speed: SPEED,
      faults: { 1: ['efi_boot_fail'] },
      deps: { hookHosts: [receiver.host] },
    });
    const [good, dead] = sim.servers.map((server) => server.serviceName) as [string, string];
    const taskQueue = uniqueTaskQueue('boot-proof');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      deadlines: { installMs: 60_000, bootMs: 2_000, rollbackMs: 30_000 },
      hooks: { afterBoot: { kind: 'webhook', url: receiver.url('/boot'), timeoutMs: 10_000 } },
    });
    expect(settings.bootProbe).toBeUndefined();

    const report = await worker.runUntil(async () =>
      (await startCampaign(env, taskQueue, sim.servers, settings)).result(),
    );

    const byName = new Map(report.servers.map((row) => [row.serviceName, row]));
    expect(byName.get(good)).toMatchObject({ outcome: 'done' });
    expect(byName.get(dead)).toMatchObject({ outcome: 'boot_failed', failureType: 'BootFailed' });
    // The address OVH reports for it.
    const address = sim.sim.state.server(dead)!.ip;
    expect(byName.get(dead)!.message).toMatch(
      new RegExp(
        `^${dead} boots from its disk but its OS did not answer an SSH greeting on ${address.replace(/\./g, '\\.')}:${sim.sim.sshPort} by .+ \\(\\d+ attempts, last: .+\\)\\. Check efiBootloaderPath`,
      ),
    );
    expect(address).toMatch(/^127\./);
    expect(sim.running(dead)).toBe('rescue');
    expect(receiver.to('/boot').map((delivery) => delivery.deliveryId)).toEqual([`${taskQueue}/${good}/1/afterBoot`]);
  });

  it('checks only the disk boot with bootProbe: none', async () => {
    const sim = await openSimulator({ count: 1, speed: SPEED, faults: { 0: ['efi_boot_fail'] } });
    const taskQueue = uniqueTaskQueue('boot-none');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, { bootProbe: 'none' });

    const report = await worker.runUntil(async () =>
      (await startCampaign(env, taskQueue, sim.servers, settings)).result(),
    );

    expect(report.servers.map((row) => row.outcome)).toEqual(['done']);
  });
});
