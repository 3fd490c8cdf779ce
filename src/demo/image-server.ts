/**
 * A demo image served over HTTPS on loopback: a small raw disk with a GPT and an EFI system partition,
 * as a real cloud image has, so the campaign's image qualification (size, sha256, format, ESP) runs for
 * real. Signed by the simulator's CA, so anything that trusts the simulator trusts it too.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueLeafCert, type CertificateAuthority } from '../simulator/ca';

const SECTOR = 512;
/** C12A7328-F81F-11D2-BA4B-00A0C93EC93B in GPT's on-disk byte order. */
const ESP_GUID = Buffer.from('28732ac11ff8d211ba4b00a0c93ec93b', 'hex');
/** 0FC63DAF-8483-4772-8E79-3D69D8477DE4, a Linux filesystem partition. */
const LINUX_GUID = Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex');

/** A raw GPT disk of `sizeBytes` with an ESP (first MiB) and a Linux partition (the rest). */
function buildRawGptImage(sizeBytes: number): Buffer {
  const disk = Buffer.alloc(sizeBytes);
  const lastLba = sizeBytes / SECTOR - 1;
  // Protective MBR: one partition of type 0xEE covering the disk.
  disk[446 + 4] = 0xee;
  disk.writeUInt32LE(1, 446 + 8);
  disk.writeUInt32LE(Math.min(lastLba, 0xffffffff), 446 + 12);
  disk.writeUInt16LE(0xaa55, 510);
  const header = disk.subarray(SECTOR, 2 * SECTOR);
  header.write('EFI PART', 0, 'ascii');
  header.writeUInt32LE(0x00010000, 8);
  header.writeUInt32LE(92, 12);
  header.writeBigUInt64LE(1n, 24);
  header.writeBigUInt64LE(BigInt(lastLba), 32);
  header.writeBigUInt64LE(34n, 40);
  header.writeBigUInt64LE(BigInt(lastLba - 33), 48);
  header.writeBigUInt64LE(2n, 72);
  header.writeUInt32LE(128, 80);
  header.writeUInt32LE(128, 84);
  const entry = (index: number, type: Buffer, first: number, last: number) => {
    const at = 2 * SECTOR + index * 128;
    type.copy(disk, at);
    disk.writeBigUInt64LE(BigInt(first), at + 32);
    disk.writeBigUInt64LE(BigInt(last), at + 40);
  };
  entry(0, ESP_GUID, 2048, 4095);
  entry(1, LINUX_GUID, 4096, lastLba - 34);
  return disk;
}

export interface DemoImageServer {
  url: string;
  sha256: string;
  sizeBytes: number;
  close(): Promise<void>;
}

/** Serves a generated image at https://localhost:<port>/debian-12-demo.raw. */
export async function startDemoImageServer(
  ca: CertificateAuthority,
  sizeBytes = 8 * 1024 * 1024,
): Promise<DemoImageServer> {
  const image = buildRawGptImage(sizeBytes);
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    if (req.url !== '/debian-12-demo.raw') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.length }).end(image);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/debian-12-demo.raw`,
    sha256: createHash('sha256').update(image).digest('hex'),
    sizeBytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
