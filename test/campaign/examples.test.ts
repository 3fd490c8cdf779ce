/**
 * Every example campaign under examples/campaigns/ is valid, and the minimal one normalizes to exactly the
 * documented defaults.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCampaignFile } from '../../src/campaign/loader';
import { NOTIFY_EVENTS } from '../../src/domain/hooks';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'campaigns');

describe('the example campaigns', () => {
  const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml'));

  it('include the five documented examples', () => {
    expect(files.sort()).toEqual([
      'canary-rollout.yaml',
      'drain-and-notify.yaml',
      'legacy-byoi-route.yaml',
      'maintenance-window.yaml',
      'minimal.yaml',
    ]);
  });

  it.each([
    ['canary-rollout.yaml', 'ubuntu-2404-canary', 'selector', 'reinstall'],
    ['drain-and-notify.yaml', 'web-drain-and-notify', 'list', 'reinstall'],
    ['legacy-byoi-route.yaml', 'legacy-byoi', 'list', 'bringYourOwnImage'],
    ['maintenance-window.yaml', 'db-replicas-june', 'list', 'reinstall'],
    ['minimal.yaml', 'debian-12-minimal', 'list', 'reinstall'],
  ])('accepts %s', async (file, name, serversKind, route) => {
    const spec = await loadCampaignFile(path.join(EXAMPLES, file));
    expect({ name: spec.name, serversKind: spec.servers.kind, route: spec.route }).toEqual({
      name,
      serversKind,
      route,
    });
  });

  it('normalizes minimal.yaml with every default applied', async () => {
    const spec = await loadCampaignFile(path.join(EXAMPLES, 'minimal.yaml'));
    expect(spec).toEqual({
      name: 'debian-12-minimal',
      servers: { kind: 'list', serviceNames: ['ns3012345.ip-51-91-2.eu', 'ns3012346.ip-51-91-2.eu'] },
      exclude: [],
      image: {
        url: 'https://images.example.com/debian-12-genericcloud-amd64.qcow2',
        type: 'qcow2',
        checksum: { type: 'sha256', value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
        efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      },
      route: 'reinstall',
      rollout: {
        waves: [],
        maxParallel: { count: 10 },
        failureBudget: { count: 0 },
        bakeTimeMs: 0,
        approval: 'none',
        failurePolicy: 'finish',
      },
      deadlines: { installMs: 3_600_000, bootMs: 900_000, rollbackMs: 1_200_000, preflightMs: 300_000 },
      poll: { minMs: 15_000, maxMs: 600_000, stepEvery: 0 },
      atClose: 'continue',
      bootProbe: { type: 'ssh', port: 22, timeoutMs: 10_000 },
      retry: { redeployAfterRollback: 0 },
    });
  });

  it('reads the user data file of maintenance-window.yaml relative to the campaign file', async () => {
    const spec = await loadCampaignFile(path.join(EXAMPLES, 'maintenance-window.yaml'));
    expect(spec.configDrive).toEqual({
      hostname: '{shortName}',
      userData:
        '#cloud-config\npackage_update: true\npackages:\n  - postgresql-15\nruncmd:\n  - systemctl enable --now postgresql\n',
    });
    expect(spec.windows).toEqual({
      kind: 'absolute',
      windows: [
        { startMs: Date.UTC(2025, 5, 3, 20), endMs: Date.UTC(2025, 5, 4, 0) },
        { startMs: Date.UTC(2025, 5, 10, 20), endMs: Date.UTC(2025, 5, 11, 0) },
      ],
    });
    expect(spec.atClose).toBe('rollback');
  });

  it('keeps the ${IMAGE_TOKEN} reference of canary-rollout.yaml unresolved', async () => {
    const spec = await loadCampaignFile(path.join(EXAMPLES, 'canary-rollout.yaml'));
    expect(spec.image.httpHeaders).toEqual({ Authorization: 'Bearer ${IMAGE_TOKEN}' });
    expect(spec.rollout.waves).toEqual([{ count: 1 }, { count: 5 }, { percent: 20 }]);
    expect(spec.rollout.failureBudget).toEqual({ percent: 2 });
    expect(spec.windows).toEqual({
      kind: 'recurring',
      cron: '0 22 * * 1-5',
      durationMs: 14_400_000,
      timezone: 'Europe/Paris',
    });
    expect(spec.bootProbe).toEqual({ type: 'ssh', port: 22, timeoutMs: 10_000 });
    expect(spec.accounts).toEqual(['eu-prod']);
  });

  it('normalizes the hooks and notifications of drain-and-notify.yaml, secret reference unresolved', async () => {
    const spec = await loadCampaignFile(path.join(EXAMPLES, 'drain-and-notify.yaml'));
    expect(spec.hooks).toEqual({
      beforeWipe: {
        kind: 'webhook',
        url: 'https://lb.example.com/reimage',
        secret: '${HOOK_SECRET}',
        timeoutMs: 30_000,
      },
      afterBoot: { kind: 'workflow', workflowType: 'undrainNode', taskQueue: 'k8s-ops', timeoutMs: 1_800_000 },
      afterRollback: { kind: 'webhook', url: 'https://tickets.example.com/reimage', timeoutMs: 30_000 },
    });
    expect(spec.notify).toEqual([
      {
        webhook: { url: 'https://hooks.slack.com/services/T000/B000/XXXX', format: 'slack', timeoutMs: 30_000 },
        events: [...NOTIFY_EVENTS],
      },
    ]);
  });
});
