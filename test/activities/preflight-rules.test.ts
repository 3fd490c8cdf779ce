import { failedChecks, type PreflightReads } from '../../src/activities/preflight-checks';
import type { PreflightInput } from '../../src/activities/types';

/** Reads of a healthy server; each test breaks one field the simulator cannot change. */
const healthy: PreflightReads = {
  server: { name: 'ns1.test.eu', state: 'ok', datacenter: 'gra3', rack: 'G1', os: 'debian12_64', bootId: 1 },
  hardware: {
    bootMode: 'uefi',
    memorySize: { unit: 'MB', value: 65536 },
    diskGroups: [{ diskGroupId: 1, diskType: 'SSD', diskSize: { unit: 'GB', value: 960 }, numberOfDisks: 2 }],
  },
  serviceInfos: { status: 'ok', expiration: '2099-01-01' },
  templates: { ovh: ['debian12_64', 'byoi_64'] },
  rescueBootIds: [230242],
  pendingTasks: [],
  byoi: null,
};
const input: PreflightInput = {
  campaignId: 'c1',
  serviceName: 'ns1.test.eu',
  route: 'reinstall',
  image: { url: 'https://i/x.raw', type: 'raw', efiBootloaderPath: '\\efi\\boot\\bootx64.efi' },
  imageSizeBytes: 1e9,
};
const now = Date.parse('2030-01-01T00:00:00Z');

describe('preflight rules the simulator cannot reach', () => {
  it('passes a healthy server', () => {
    expect(failedChecks(input, healthy, now)).toEqual([]);
  });

  it('fails server_state alone for a hacked server', () => {
    expect(failedChecks(input, { ...healthy, server: { ...healthy.server, state: 'hacked' } }, now)).toEqual([
      {
        check: 'server_state',
        message: 'ns1.test.eu is in state "hacked" (not "ok"); OVH must clear the server before it can be reinstalled.',
      },
    ]);
  });

  it('fails service_expiry alone for an expired service', () => {
    expect(
      failedChecks(input, { ...healthy, serviceInfos: { status: 'expired', expiration: '2029-01-01' } }, now),
    ).toEqual([
      {
        check: 'service_expiry',
        message: 'The service of ns1.test.eu is "expired"; renew or pay it before reimaging.',
      },
    ]);
  });

  it('fails byoi_compatible alone when byoi_64 is not offered', () => {
    expect(failedChecks(input, { ...healthy, templates: { ovh: ['debian12_64'] } }, now)).toEqual([
      {
        check: 'byoi_compatible',
        message:
          'ns1.test.eu does not offer the byoi_64 template (install/compatibleTemplates), so it cannot install a custom image.',
      },
    ]);
  });

  it('fails rescue_boot alone when OVH lists no rescue boot', () => {
    expect(failedChecks(input, { ...healthy, rescueBootIds: [] }, now)).toEqual([
      {
        check: 'rescue_boot',
        message:
          'OVH lists no rescue boot for ns1.test.eu, so a failed reinstall could not be rolled back to rescue; ask OVH support.',
      },
    ]);
  });

  it('fails no_install_in_flight alone when a legacy deployment is in progress', () => {
    expect(
      failedChecks(
        { ...input, route: 'bringYourOwnImage' },
        { ...healthy, templates: undefined, byoi: { status: 'doing', message: 'starting' } },
        now,
      ),
    ).toEqual([
      {
        check: 'no_install_in_flight',
        message: 'ns1.test.eu already has a bringYourOwnImage deployment in progress; wait for it to end.',
      },
    ]);
  });
});
