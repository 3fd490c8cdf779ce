/**
 * configDrive.userDataFile, a path an untrusted campaign file names: inside the campaign file's folder (or
 * one REIMAGE_USER_DATA_DIRS allows), a regular file, and never read past the 32 KiB limit plus one byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CampaignValidationError, loadCampaignFile } from '../../src/campaign/loader';

const BASE = `name: user-data-test
servers: [ns3012345.ip-51-91-2.eu]
image:
  url: https://images.example.com/debian-12.qcow2
  type: qcow2
`;

let root: string;
let campaignDir: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'reimage-user-data-'));
  campaignDir = path.join(root, 'campaigns');
  mkdirSync(campaignDir);
  writeFileSync(path.join(root, 'shared-init.yaml'), '#cloud-config\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A campaign in campaignDir whose user data comes from `userDataFile`; its path. */
function campaignWith(userDataFile: string): string {
  const file = path.join(campaignDir, 'campaign.yaml');
  writeFileSync(file, `${BASE}configDrive:\n  userDataFile: ${JSON.stringify(userDataFile)}\n`);
  return file;
}

async function messageOf(load: Promise<unknown>): Promise<string> {
  const error = await load.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CampaignValidationError);
  return (error as Error).message;
}

const OUTSIDE = `is outside the campaign file's folder: keep user-data files next to the campaign, or have the operator add their folder to REIMAGE_USER_DATA_DIRS`;

it("refuses a path that leaves the campaign file's folder, relative or absolute", async () => {
  expect(await messageOf(loadCampaignFile(campaignWith('../shared-init.yaml')))).toBe(
    `configDrive.userDataFile: "../shared-init.yaml" ${OUTSIDE}`,
  );
  const absolute = path.join(root, 'shared-init.yaml');
  expect(await messageOf(loadCampaignFile(campaignWith(absolute)))).toBe(
    `configDrive.userDataFile: ${JSON.stringify(absolute)} ${OUTSIDE}`,
  );
});

it('refuses a symbolic link inside the folder that leads out of it', async () => {
  symlinkSync(path.join(root, 'shared-init.yaml'), path.join(campaignDir, 'init.yaml'));
  expect(await messageOf(loadCampaignFile(campaignWith('init.yaml')))).toBe(
    `configDrive.userDataFile: "init.yaml" ${OUTSIDE}`,
  );
});

it('reads a file from a folder the operator allows (REIMAGE_USER_DATA_DIRS)', async () => {
  const spec = await loadCampaignFile(campaignWith('../shared-init.yaml'), { userDataDirs: [root] });
  expect(spec.configDrive).toEqual({ userData: '#cloud-config\n' });
});

it('refuses a device, which could stream without end, without reading it', async () => {
  expect(await messageOf(loadCampaignFile(campaignWith('/dev/zero'), { userDataDirs: ['/dev'] }))).toBe(
    'configDrive.userDataFile: "/dev/zero" is not a regular file; give the path of a cloud-init file',
  );
});

it('refuses a named pipe without waiting for a writer', async () => {
  execFileSync('mkfifo', [path.join(campaignDir, 'pipe')]);
  expect(await messageOf(loadCampaignFile(campaignWith('pipe')))).toBe(
    'configDrive.userDataFile: "pipe" is not a regular file; give the path of a cloud-init file',
  );
});
