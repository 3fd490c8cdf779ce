/**
 * Disk images built in memory, as image qualification reads them (src/activities/image-format.ts): raw GPT
 * with or without an EFI system partition, raw MBR, a qcow2 header, and bytes that are none of these.
 * 512-byte sectors. The demo, the drills, the benchmarks and the CLI tests serve the GPT one.
 */
import { randomBytes } from 'node:crypto';

const SECTOR = 512;
/** C12A7328-F81F-11D2-BA4B-00A0C93EC93B, an EFI system partition, in GPT's on-disk byte order. */
const ESP_GUID = Buffer.from('28732ac11ff8d211ba4b00a0c93ec93b', 'hex');
/** 0FC63DAF-8483-4772-8E79-3D69D8477DE4, a Linux filesystem partition, on-disk order. */
const LINUX_GUID = Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex');
/** The demo image's size: small to serve, large enough for a 1 MiB-aligned ESP and a root partition. */
const GPT_IMAGE_BYTES = 8 * 1024 * 1024;
/** The other images: a few hundred KiB hold every signature qualification reads. */
const SMALL_IMAGE_BYTES = 256 * 1024;

/** The protective MBR's (or a real MBR's) first partition type, and the 0x55AA signature. */
function mbr(disk: Buffer, partitionType: number, sectors: number): void {
  disk[446 + 4] = partitionType;
  disk.writeUInt32LE(1, 446 + 8);
  disk.writeUInt32LE(Math.min(sectors - 1, 0xffffffff), 446 + 12);
  disk.writeUInt16LE(0xaa55, 510);
}

/**
 * A raw GPT disk of 8 MiB, as a cloud image has: protective MBR, GPT header at LBA 1, entries at LBA 2,
 * an EFI system partition (LBA 2048-4095) and a Linux partition (the rest). Without `esp`, the first
 * partition is a Linux one too.
 */
export function rawGptImage(esp = true): Buffer {
  const disk = Buffer.alloc(GPT_IMAGE_BYTES);
  const lastLba = GPT_IMAGE_BYTES / SECTOR - 1;
  mbr(disk, 0xee, lastLba + 1);
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
  entry(0, esp ? ESP_GUID : LINUX_GUID, 2048, 4095);
  entry(1, LINUX_GUID, 4096, lastLba - 34);
  return disk;
}

/** A raw MBR disk with one partition of type 0xEF (an EFI system partition) or 0x83 (Linux). */
export function rawMbrImage(esp: boolean): Buffer {
  const disk = Buffer.alloc(SMALL_IMAGE_BYTES);
  mbr(disk, esp ? 0xef : 0x83, SMALL_IMAGE_BYTES / SECTOR);
  return disk;
}

/** A qcow2 header (magic, version 3) followed by zeros. */
export function qcow2Image(): Buffer {
  const image = Buffer.alloc(SMALL_IMAGE_BYTES);
  Buffer.from([0x51, 0x46, 0x49, 0xfb]).copy(image, 0);
  image.writeUInt32BE(3, 4);
  return image;
}

/** Random bytes with no signature anywhere a disk would have one. */
export function garbageImage(): Buffer {
  const image = randomBytes(SMALL_IMAGE_BYTES);
  image[0] = 0;
  image[510] = 0;
  image.write('NOTAGPT!', SECTOR, 'ascii');
  return image;
}
