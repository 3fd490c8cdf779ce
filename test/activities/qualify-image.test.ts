import { createHash } from 'node:crypto';
import { createActivities } from '../../src/activities';
import type { QualifyImageInput } from '../../src/activities/types';
import type { ImageSpec } from '../../src/domain/image';
import { OvhClient } from '../../src/ovh/client';
import { FailureType } from '../../src/shared/failure-types';
import type { ImageServer } from '../../testkit/image-server';
import { rawGptImage } from '../../src/simulator/disk-image';
import { garbageImage, qcow2Image, rawMbrImage } from '../../testkit/images';
import { mockEnv } from './helpers/harness';
import { startImageServer } from './helpers/images';

const TOKEN = 'image-secret-token';
const images = {
  'gpt-esp.raw': rawGptImage(true),
  'gpt-plain.raw': rawGptImage(false),
  'mbr.raw': rawMbrImage(false),
  'mbr-esp.raw': rawMbrImage(true),
  'disk.qcow2': qcow2Image(),
  'garbage.raw': garbageImage(),
};

let server: ImageServer;
// qualifyImage makes no OVH call; the client only completes the deps.
const ovh = new OvhClient({ endpoint: 'ovh-eu', appKey: 'ak', appSecret: 'as', consumerKey: 'ck' });
const activities = createActivities({
  ovh,
  env: { IMAGE_TOKEN: TOKEN },
  grant: { names: ['IMAGE_TOKEN', 'MISSING_TOKEN'], withheld: [] },
});

beforeAll(async () => {
  server = await startImageServer(images, TOKEN);
});
afterAll(() => server.close());

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function qualify(image: Partial<ImageSpec> & { url: string }, options: Partial<QualifyImageInput> = {}) {
  const env = mockEnv();
  const input: QualifyImageInput = { image: { type: 'raw', ...image }, targetsUefi: false, ...options };
  return { env, result: env.run(activities.qualifyImage, input) };
}

describe('qualifyImage', () => {
  it('accepts a raw GPT image with an EFI system partition for UEFI servers and verifies its checksum', async () => {
    const data = images['gpt-esp.raw'];
    const { result } = qualify(
      { url: server.url('gpt-esp.raw'), checksum: { type: 'sha256', value: sha256(data).toUpperCase() } },
      { targetsUefi: true },
    );
    await expect(result).resolves.toEqual({
      sizeBytes: data.length,
      format: 'raw',
      checksumVerified: true,
      computedChecksum: sha256(data),
      partitionTable: 'gpt',
      hasEfiSystemPartition: true,
    });
  });

  it('accepts a raw MBR image for legacy-boot servers', async () => {
    const { result } = qualify({ url: server.url('mbr.raw') });
    await expect(result).resolves.toMatchObject({
      format: 'raw',
      partitionTable: 'mbr',
      hasEfiSystemPartition: false,
      checksumVerified: false,
    });
  });

  it('accepts an MBR image whose partition has the EFI type 0xEF for UEFI servers', async () => {
    const { result } = qualify({ url: server.url('mbr-esp.raw') }, { targetsUefi: true });
    await expect(result).resolves.toMatchObject({ partitionTable: 'mbr', hasEfiSystemPartition: true });
  });

  it('recognises a qcow2 image by its magic bytes', async () => {
    const { result } = qualify({ url: server.url('disk.qcow2'), type: 'qcow2' }, { targetsUefi: true });
    await expect(result).resolves.toMatchObject({
      format: 'qcow2',
      partitionTable: 'n/a',
      sizeBytes: images['disk.qcow2'].length,
    });
  });

  it('rejects an image whose declared type does not match its content', async () => {
    const { result } = qualify({ url: server.url('gpt-esp.raw'), type: 'qcow2' });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      nonRetryable: true,
      message:
        'image.type says qcow2 but the image is raw; fix image.type (OVH would fail the install with a format mismatch).',
    });
  });

  it('rejects a raw image without a partition table', async () => {
    const { result } = qualify({ url: server.url('garbage.raw') });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message:
        'The raw image has no partition table (no MBR signature, no GPT header); OVH refuses such images. Check that the URL serves a disk image.',
    });
  });

  it('rejects a GPT image without an EFI system partition when UEFI servers are targeted', async () => {
    const { result } = qualify({ url: server.url('gpt-plain.raw') }, { targetsUefi: true });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message:
        'The raw image (GPT) has no EFI system partition, so UEFI servers cannot boot it; add an ESP (GPT type C12A7328-F81F-11D2-BA4B-00A0C93EC93B) or target legacy-boot servers only.',
    });
  });

  it('rejects an image whose checksum differs from the declared one', async () => {
    const wrong = 'ab'.repeat(32);
    const { result } = qualify({ url: server.url('mbr.raw'), checksum: { type: 'sha256', value: wrong } });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message: `The image's sha256 is ${sha256(images['mbr.raw'])} but image.checksum expects ${wrong}; the image changed or the checksum is wrong.`,
    });
  });

  it('sends headers resolved from ${VAR} references on the worker', async () => {
    const { result } = qualify({
      url: server.url('private/mbr.raw'),
      httpHeaders: { Authorization: 'Bearer ${IMAGE_TOKEN}' },
    });
    await expect(result).resolves.toMatchObject({ partitionTable: 'mbr' });
    expect(server.authorizations.at(-1)).toBe(`Bearer ${TOKEN}`);
  });

  it('rejects a refused download with a hint about the headers and without the query string', async () => {
    const { result } = qualify({ url: `${server.url('private/mbr.raw')}?signature=s3cr3t` });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      nonRetryable: true,
      message: `The image URL ${server.url('private/mbr.raw')} answered HTTP 403. Check image.httpHeaders.`,
    });
  });

  it('fails with ConfigurationError naming the variable when a reference is not set', async () => {
    const { result } = qualify({
      url: server.url('private/mbr.raw'),
      httpHeaders: { Authorization: 'Bearer ${MISSING_TOKEN}' },
    });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ConfigurationError,
      message:
        "image.httpHeaders.Authorization references ${MISSING_TOKEN}, which is not set in the worker's environment; set MISSING_TOKEN on every worker (or remove the reference).",
    });
  });

  it('rejects an image above the size cap', async () => {
    const { result } = qualify({ url: server.url('mbr.raw'), sizeCapBytes: 1000 });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message: `The image at ${server.url('mbr.raw')} is ${images['mbr.raw'].length} bytes, above the limit of 1000 bytes (image.sizeCapBytes or the targets' RAM minus 3 GiB).`,
    });
  });

  it('rejects ova before downloading anything', async () => {
    const before = server.authorizations.length;
    const { result } = qualify({ url: server.url('private/disk.ova'), type: 'ova' });
    await expect(result).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      message: expect.stringContaining('image.type is "ova", which neither OVH route accepts'),
    });
    expect(server.authorizations.length).toBe(before);
  });

  it('heartbeats the number of bytes read', async () => {
    const { env, result } = qualify({ url: server.url('mbr.raw') });
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    await result;
    expect(beats.at(-1)).toEqual({ bytes: images['mbr.raw'].length });
  });
});
