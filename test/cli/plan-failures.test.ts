/**
 * `reimage plan` prints the cause the worker found when the plan fails, with its fix, and exits with the
 * documented code: an image host that does not answer, a certificate the worker does not trust, an image
 * OVH would refuse. Every image is served from loopback.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureCa } from '../../src/simulator/ca';
import { testCa } from '../helpers/simulator';
import { serveImages, type ImageServer } from '../../testkit/image-server';
import { rawGptImage } from '../../src/simulator/disk-image';
import { garbageImage } from '../../testkit/images';
import { campaignYaml, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;
let untrusted: ImageServer;
let trusted: ImageServer;
const garbage = garbageImage();
const good = rawGptImage();

beforeAll(async () => {
  stack = await startCliStack([{}], 3000);
  const strangerCa = ensureCa(mkdtempSync(path.join(os.tmpdir(), 'reimage-stranger-ca-')));
  [untrusted, trusted] = await Promise.all([
    serveImages(strangerCa, { 'debian.raw': good }),
    serveImages(testCa(), { 'garbage.raw': garbage }),
  ]);
});
afterAll(() => Promise.all([stack?.close(), untrusted?.close(), trusted?.close()]));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `reimage plan` of a one-server campaign deploying the image at `url` (its sha256 from `bytes`). */
function planImage(name: string, url: string, bytes: Buffer) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const image = { url, type: 'raw', checksum: `sha256:${sha256}`, efiBootloaderPath: '\\efi\\debian\\grubx64.efi' };
  const file = stack.writeCampaign(
    `${name}.yaml`,
    campaignYaml(stack, name, { servers: [stack.servers[0]!], top: { image } }),
  );
  return runCli(['plan', file], stack.env);
}

describe('reimage plan when the worker cannot qualify the image', () => {
  it('prints that the image host does not answer, and where to look', async () => {
    const url = `https://127.0.0.1:${await closedPort()}/debian.raw`;
    const result = await planImage('unreachable', url, good);
    expect(result.stderr).toBe(
      `The image at ${url} could not be downloaded (ECONNREFUSED). Check image.url's host and port, and that the worker can reach it.\n`,
    );
    expect(result.code).toBe(3);
  });

  it('prints that the worker does not trust the certificate, and how to make it trust it', async () => {
    const url = untrusted.url('debian.raw');
    const result = await planImage('untrusted', url, good);
    expect(result.stderr).toBe(
      `The worker does not trust the certificate of the image server at ${url} (UNABLE_TO_VERIFY_LEAF_SIGNATURE). Give the worker the CA that signed it (NODE_EXTRA_CA_CERTS=ca.pem in its environment), or serve the image with a certificate of a public CA.\n`,
    );
    expect(result.code).toBe(3);
  });

  it('prints why OVH would refuse the image', async () => {
    const result = await planImage('garbage', trusted.url('garbage.raw'), garbage);
    expect(result.stderr).toBe(
      'The raw image has no partition table (no MBR signature, no GPT header); OVH refuses such images. Check that the URL serves a disk image.\n',
    );
    expect(result.code).toBe(3);
  });
});

describe('reimage plan of a campaign whose ${VAR} references the worker cannot resolve', () => {
  it('names each field and variable, never a value, and stops before any OVH call', async () => {
    const image = {
      url: stack.image.url,
      type: 'raw',
      checksum: `sha256:${stack.image.sha256}`,
      efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      httpHeaders: { Authorization: 'Bearer ${REIMAGE_VAR_IMAGE_TOKN}' },
    };
    const configDrive = { sshKey: '${REIMAGE_VAR_DEPLOY_SSH_KEYY}' };
    const file = stack.writeCampaign(
      'misspelled.yaml',
      campaignYaml(stack, 'misspelled', { servers: [stack.servers[0]!], top: { image, configDrive } }),
    );
    const callsBefore = stack.sim.state.counters().total;

    const result = await runCli(['plan', file], stack.env);

    expect(result.stderr).toBe(
      [
        "The worker cannot resolve the campaign's environment references; nothing was started:",
        "image.httpHeaders.Authorization references ${REIMAGE_VAR_IMAGE_TOKN}, which is not set in the worker's environment; set REIMAGE_VAR_IMAGE_TOKN on every worker (or remove the reference).",
        "configDrive.sshKey references ${REIMAGE_VAR_DEPLOY_SSH_KEYY}, which is not set in the worker's environment; set REIMAGE_VAR_DEPLOY_SSH_KEYY on every worker (or remove the reference).",
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(3);
    expect(stack.sim.state.counters().total).toBe(callsBefore);
  });
});
