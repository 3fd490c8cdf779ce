/**
 * Small generated disk images (a few hundred KiB) and a local HTTPS server that serves them, signed by the
 * test CA (REIMAGE_TEST_CA_DIR), so qualifyImage streams over real TLS.
 */
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureCa, issueLeafCert } from '../../../src/simulator/ca';
import { trustCaFile } from '../../../src/ovh/settings';

const SECTOR = 512;
const IMAGE_BYTES = 256 * 1024;
const ESP_GUID = Buffer.from([
  0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
]);
/** 0FC63DAF-8483-4772-8E79-3D69D8477DE4, "Linux filesystem data", on-disk order. */
const LINUX_GUID = Buffer.from([
  0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4,
]);

/** A raw GPT disk: protective MBR, header at LBA 1, entries at LBA 2; the second entry is the ESP when asked. */
export function rawGptImage(withEsp: boolean): Buffer {
  const image = Buffer.alloc(IMAGE_BYTES);
  image[446 + 4] = 0xee;
  image[510] = 0x55;
  image[511] = 0xaa;
  image.write('EFI PART', SECTOR, 'ascii');
  image.writeBigUInt64LE(2n, SECTOR + 72);
  image.writeUInt32LE(128, SECTOR + 80);
  image.writeUInt32LE(128, SECTOR + 84);
  LINUX_GUID.copy(image, 2 * SECTOR);
  (withEsp ? ESP_GUID : LINUX_GUID).copy(image, 2 * SECTOR + 128);
  return image;
}

/** A raw MBR disk with one partition of type 0xEF (ESP) or 0x83 (Linux). */
export function rawMbrImage(withEsp: boolean): Buffer {
  const image = Buffer.alloc(IMAGE_BYTES);
  image[446 + 4] = withEsp ? 0xef : 0x83;
  image[510] = 0x55;
  image[511] = 0xaa;
  return image;
}

/** A qcow2 header (magic, version 3) followed by zeros. */
export function qcow2Image(): Buffer {
  const image = Buffer.alloc(IMAGE_BYTES);
  Buffer.from([0x51, 0x46, 0x49, 0xfb]).copy(image, 0);
  image.writeUInt32BE(3, 4);
  return image;
}

/** Random bytes with no signature anywhere a disk would have one. */
export function garbageImage(): Buffer {
  const image = randomBytes(IMAGE_BYTES);
  image[0] = 0;
  image[510] = 0;
  image.write('NOTAGPT!', SECTOR, 'ascii');
  return image;
}

export interface ImageServer {
  url(name: string): string;
  close(): Promise<void>;
  /** Authorization header values received on /private/ paths. */
  authorizations: string[];
}

/**
 * Serves `images` at /<name> and /private/<name> (the latter needs `Authorization: Bearer <token>`).
 * HTTPS on 127.0.0.1, port 0; the test CA is added to https.globalAgent's trust.
 */
export async function startImageServer(images: Record<string, Buffer>, token: string): Promise<ImageServer> {
  const caDir = process.env.REIMAGE_TEST_CA_DIR ?? path.join(__dirname, '../../../.data/test-ca');
  const ca = ensureCa(caDir);
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  // NODE_EXTRA_CA_CERTS only works for processes started after it was set (not an in-band jest run).
  trustCaFile(ca.caCertPath);
  const authorizations: string[] = [];
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const isPrivate = url.pathname.startsWith('/private/');
    const image = images[url.pathname.replace(/^\/(private\/)?/, '')];
    if (isPrivate) authorizations.push(request.headers.authorization ?? '');
    if (isPrivate && request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(403).end('forbidden');
    } else if (!image) {
      response.writeHead(404).end('not found');
    } else {
      response.writeHead(200, { 'Content-Length': image.length, 'Content-Type': 'application/octet-stream' });
      response.end(image);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `https://localhost:${port}/${name}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    authorizations,
  };
}
