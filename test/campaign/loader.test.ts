import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CampaignValidationError, loadCampaignFile, parseCampaign } from '../../src/campaign/loader';

const BASE = `name: loader-test
servers: [ns3012345.ip-51-91-2.eu, ns3012346.ip-51-91-2.eu]
image:
  url: https://images.example.com/debian-12.qcow2
  type: qcow2
`;

function rejection(action: () => unknown): CampaignValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof CampaignValidationError) return error;
    throw error;
  }
  throw new Error('expected a CampaignValidationError');
}

describe('parseCampaign', () => {
  it('lists every structural issue, one per line, as "path: message"', () => {
    const text = `${BASE}rollout:\n  maxParallel: 0\n  maxParalel: 3\nroute: byoi\n`;
    const error = rejection(() => parseCampaign(text, { format: 'yaml' }));
    expect(error.issues).toEqual([
      { path: 'route', message: 'must be one of "reinstall", "bringYourOwnImage", "auto" (got "byoi")' },
      { path: 'rollout.maxParallel', message: 'must be at least 1 (got 0)' },
      { path: 'rollout.maxParalel', message: 'unknown key; did you mean "maxParallel"?' },
    ]);
    expect(error.message).toBe(
      [
        'route: must be one of "reinstall", "bringYourOwnImage", "auto" (got "byoi")',
        'rollout.maxParallel: must be at least 1 (got 0)',
        'rollout.maxParalel: unknown key; did you mean "maxParallel"?',
      ].join('\n'),
    );
  });

  it('reports every cross-field rule that fails once the structure is valid', () => {
    const text = `${BASE}poll: {minInterval: 5m, maxInterval: 1m}\nrollout: {maxPerRack: 5, maxPerDatacenter: 2}\n`;
    expect(rejection(() => parseCampaign(text, { format: 'yaml' })).message).toBe(
      [
        'poll.minInterval: must not be longer than poll.maxInterval (5m > 1m)',
        'rollout.maxPerRack: must not exceed rollout.maxPerDatacenter (5 > 2); a rack sits in one datacenter',
      ].join('\n'),
    );
  });

  it("reports JSON syntax errors with the parser's own words", () => {
    const text = '{"name": "x",}';
    let native = '';
    try {
      JSON.parse(text);
    } catch (error) {
      native = (error as Error).message;
    }
    expect(rejection(() => parseCampaign(text, { format: 'json' })).message).toBe(
      `(root): is not valid JSON: ${native}`,
    );
  });

  it('never echoes secret values in messages, only their type', () => {
    const text = `${BASE.replace('type: qcow2', 'type: qcow2\n  httpHeaders: {Authorization: 123456789}')}`;
    const error = rejection(() => parseCampaign(text, { format: 'yaml' }));
    expect(error.message).toBe('image.httpHeaders.Authorization: must be a string (got a number)');
  });

  it('normalizes checksums to lowercase {type, value} and time zones to their canonical name', () => {
    const digest = 'A94A8FE5CCB19BA61C4C0873D391E987982FBBD3';
    const text = `${BASE}  checksum: {type: sha1, value: ${digest}}\nwindows:\n  recurring: {cron: "0 1 * * 0", duration: 2h, timezone: europe/paris}\n`;
    const spec = parseCampaign(text, { format: 'yaml' });
    expect(spec.image.checksum).toEqual({ type: 'sha1', value: digest.toLowerCase() });
    expect(spec.windows).toEqual({
      kind: 'recurring',
      cron: '0 1 * * 0',
      durationMs: 7_200_000,
      timezone: 'Europe/Paris',
    });
  });

  it('accepts the same campaign written in JSON', () => {
    const json = JSON.stringify({
      name: 'loader-test',
      servers: { namePattern: 'ns30*' },
      image: { url: 'https://images.example.com/debian-12.raw', type: 'raw', checksum: `sha256:${'ab'.repeat(32)}` },
      rollout: { maxParallel: '25%', failureBudget: '5%', waves: [1, '10%'] },
      bootProbe: { type: 'http', url: 'https://{shortName}.example.com/healthz' },
    });
    const spec = parseCampaign(json, { format: 'json' });
    expect(spec.servers).toEqual({ kind: 'selector', selector: { namePattern: 'ns30*' } });
    expect(spec.rollout.maxParallel).toEqual({ percent: 25 });
    expect(spec.bootProbe).toEqual({ type: 'http', url: 'https://{shortName}.example.com/healthz', timeoutMs: 10_000 });
  });
});

describe('loadCampaignFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-campaign-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads configDrive.userDataFile relative to the campaign file', async () => {
    writeFileSync(path.join(dir, 'cloud-init.yaml'), '#cloud-config\npackages: [htop]\n');
    writeFileSync(path.join(dir, 'campaign.yml'), `${BASE}configDrive:\n  userDataFile: cloud-init.yaml\n`);
    const spec = await loadCampaignFile(path.join(dir, 'campaign.yml'));
    expect(spec.configDrive).toEqual({ userData: '#cloud-config\npackages: [htop]\n' });
  });

  it('refuses a file whose extension names no known format', async () => {
    writeFileSync(path.join(dir, 'campaign.toml'), BASE);
    await expect(loadCampaignFile(path.join(dir, 'campaign.toml'))).rejects.toThrow(
      new CampaignValidationError([
        { path: '(root)', message: 'cannot tell the format of "campaign.toml": name the file .yaml, .yml or .json' },
      ]),
    );
  });

  it('reports a campaign file that does not exist', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const error = await loadCampaignFile(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CampaignValidationError);
    expect((error as Error).message).toBe(
      `(root): cannot read the campaign file ${JSON.stringify(missing)}: the file does not exist`,
    );
  });
});
