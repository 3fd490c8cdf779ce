import type { PreflightInput } from '../../src/activities/types';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, FAST_POLL, fleet, imageSpec, inMs, run, startInput } from './helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
const GiB = 1024 ** 3;

beforeAll(async () => {
  sim = await startTestSimulator({
    // One test checks a server on the retired route, which the simulator serves only on request.
    legacyByoi: true,
    fleet: fleet([
      {
        name: 'good.test.eu',
        bootMode: 'uefi',
        memoryMb: 65536,
        diskGroups: [
          { diskGroupId: 1, diskSizeGb: 960 },
          { diskGroupId: 2, diskSizeGb: 1920 },
        ],
      },
      { name: 'busy.test.eu', faults: ['never_ends'] },
      { name: 'small-ram.test.eu', memoryMb: 8192, diskGroups: [{ diskGroupId: 1, diskSizeGb: 960 }] },
      { name: 'small-disk.test.eu', memoryMb: 262144, diskGroups: [{ diskGroupId: 1, diskSizeGb: 100 }] },
      { name: 'hacked.test.eu', state: 'hacked' },
      { name: 'no-byoi.test.eu', compatibleTemplates: ['debian12_64', 'byolinux_64'] },
      { name: 'no-rescue.test.eu', rescueBoot: false },
      { name: 'reinstalled.test.eu' },
    ]),
  });
});
afterAll(() => sim.close());

function preflight(overrides: Partial<PreflightInput>) {
  const input: PreflightInput = {
    campaignId: 'c1',
    serviceName: 'good.test.eu',
    route: 'reinstall',
    image: imageSpec(),
    imageSizeBytes: 2 * GiB,
    ...overrides,
  };
  return run(activitiesFor(clientFor(sim)).preflightServer, input);
}

describe('preflightServer', () => {
  it('passes a healthy server and reports what it learned', async () => {
    await expect(preflight({})).resolves.toEqual({
      serviceName: 'good.test.eu',
      ok: true,
      failedChecks: [],
      server: {
        state: 'ok',
        datacenter: 'gra3',
        rack: 'G101A01',
        os: 'debian12_64',
        commercialRange: 'advance-1',
        bootId: 1,
        bootMode: 'uefi',
        memoryBytes: 64 * GiB,
        diskGroups: [
          { diskGroupId: 1, diskType: 'SSD', diskSizeBytes: 960e9, numberOfDisks: 2 },
          { diskGroupId: 2, diskType: 'SSD', diskSizeBytes: 1920e9, numberOfDisks: 2 },
        ],
        rescueBootId: 230242,
        // The worker knows no harddisk boot of the endpoint yet: the boot check lists them.
        harddiskBootIds: [],
      },
      installTaskCheckpoint: 0,
      apiCalls: 7,
    });
  });

  it('reads the reinstallServer task list once, with only the function filter OVH documents', async () => {
    await preflight({ serviceName: 'small-ram.test.eu' });
    const lists = sim.state
      .requests(500)
      .filter(
        (entry) => entry.route === 'GET /dedicated/server/{serviceName}/task' && entry.path.includes('small-ram'),
      );
    expect(lists.map((entry) => entry.path)).toEqual([
      '/1.0/dedicated/server/small-ram.test.eu/task?function=reinstallServer',
    ]);
  });

  it('reports an unknown server as a failed server_state check', async () => {
    const verdict = await preflight({ serviceName: 'ghost.test.eu' });
    expect(verdict).toEqual({
      serviceName: 'ghost.test.eu',
      ok: false,
      failedChecks: [
        {
          check: 'server_state',
          message:
            'ghost.test.eu is not a dedicated server of this OVH account (OVH: The requested object (serviceName = ghost.test.eu) does not exist); check the name in the campaign and the account behind the credentials.',
        },
      ],
      apiCalls: 2,
    });
  });

  it('fails server_state alone when OVH holds the server as hacked', async () => {
    const verdict = await preflight({ serviceName: 'hacked.test.eu' });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'server_state',
        message:
          'hacked.test.eu is in state "hacked" (not "ok"); OVH must clear the server before it can be reinstalled.',
      },
    ]);
  });

  it('fails byoi_compatible alone when the server does not offer the byoi_64 template', async () => {
    const verdict = await preflight({ serviceName: 'no-byoi.test.eu' });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'byoi_compatible',
        message:
          'no-byoi.test.eu does not offer the byoi_64 template (install/compatibleTemplates), so it cannot install a custom image.',
      },
    ]);
  });

  it('fails rescue_boot alone when OVH lists no rescue boot for the server', async () => {
    const verdict = await preflight({ serviceName: 'no-rescue.test.eu' });
    expect(verdict).toMatchObject({
      ok: false,
      failedChecks: [
        {
          check: 'rescue_boot',
          message:
            'OVH lists no rescue boot for no-rescue.test.eu, so a failed reinstall could not be rolled back to rescue; ask OVH support.',
        },
      ],
      server: { rescueBootId: undefined },
    });
  });

  it('fails service_expiry alone when the service expires before the window ends', async () => {
    const windowEndsAt = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000).toISOString();
    const verdict = await preflight({ windowEndsAt });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'service_expiry',
        message: expect.stringMatching(
          /^The service of good\.test\.eu expires on \d{4}-\d{2}-\d{2}, before the maintenance window ends; renew it first\.$/,
        ),
      },
    ]);
  });

  it('fails no_install_in_flight alone when a reinstall is running', async () => {
    const ovh = clientFor(sim);
    const handle = await run(activitiesFor(ovh).startDeployment, startInput('busy.test.eu'));
    const verdict = await preflight({ serviceName: 'busy.test.eu' });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'no_install_in_flight',
        message: expect.stringMatching(
          new RegExp(
            `^busy\\.test\\.eu already has an installation running: reinstallServer task ${handle.taskId} \\((init|todo|doing)\\); wait for it to end or cancel it\\.$`,
          ),
        ),
      },
    ]);
  });

  it('passes no_install_in_flight when the newest reinstall has ended, reading only that task', async () => {
    const activities = activitiesFor(clientFor(sim));
    const handle = await run(activities.startDeployment, startInput('reinstalled.test.eu'));
    await run(activities.waitForDeployment, { handle, deadlineAt: inMs(5000), ...FAST_POLL });
    const verdict = await preflight({ serviceName: 'reinstalled.test.eu' });
    expect(verdict).toMatchObject({ ok: true, failedChecks: [], installTaskCheckpoint: handle.taskId, apiCalls: 8 });
    const taskReads = sim.state
      .requests(500)
      .filter(
        (entry) =>
          entry.route === 'GET /dedicated/server/{serviceName}/task/{taskId}' && entry.path.includes('reinstalled'),
      );
    expect(taskReads.at(-1)?.path).toBe(`/1.0/dedicated/server/reinstalled.test.eu/task/${handle.taskId}`);
  });

  it('fails efi_bootloader alone when a UEFI server gets an image without a loader path', async () => {
    const verdict = await preflight({ image: imageSpec({ efiBootloaderPath: undefined }) });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'efi_bootloader',
        message:
          "image.efiBootloaderPath is missing and good.test.eu boots in uefi mode: set the path of the image's EFI loader (e.g. \\efi\\debian\\grubx64.efi).",
      },
    ]);
  });

  it('fails disk_group alone when the disk group does not exist', async () => {
    const verdict = await preflight({ diskGroupId: 7 });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'disk_group',
        message: 'diskGroupId 7 does not exist on good.test.eu (it has 1, 2); pick one of those.',
      },
    ]);
  });

  it('fails image_fits_ram alone when the image does not fit in RAM minus 3 GiB', async () => {
    const verdict = await preflight({ serviceName: 'small-ram.test.eu', imageSizeBytes: 6 * GiB });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'image_fits_ram',
        message:
          'The image (6.0 GiB) does not fit in the RAM of small-ram.test.eu minus 3 GiB (5.0 GiB); OVH holds the image in memory while writing it. Shrink the image or skip this server.',
      },
    ]);
  });

  it('fails image_fits_disk alone when the image is larger than the target disk', async () => {
    const verdict = await preflight({ serviceName: 'small-disk.test.eu', imageSizeBytes: 150e9 });
    expect(verdict.failedChecks).toEqual([
      {
        check: 'image_fits_disk',
        message:
          'The image (139.7 GiB) is larger than the first disk of disk group 1 on small-disk.test.eu (93.1 GiB); BYOI writes to that one disk. Pick another disk group or a smaller image.',
      },
    ]);
  });

  it('names every failed check, not only the first', async () => {
    const verdict = await preflight({
      serviceName: 'small-ram.test.eu',
      imageSizeBytes: 6 * GiB,
      diskGroupId: 3,
      image: imageSpec({ efiBootloaderPath: undefined }),
    });
    expect(verdict.failedChecks.map((failure) => failure.check)).toEqual([
      'efi_bootloader',
      'disk_group',
      'image_fits_ram',
    ]);
  });

  it('checks the legacy route without the byoi_64 template and without an EFI path', async () => {
    const verdict = await preflight({ route: 'bringYourOwnImage', image: imageSpec({ efiBootloaderPath: undefined }) });
    expect(verdict).toMatchObject({ ok: true, failedChecks: [], apiCalls: 7 });
  });
});
