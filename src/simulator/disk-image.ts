/**
 * A raw GPT disk image built in memory, as image qualification reads it (src/activities/image-format.ts):
 * protective MBR, GPT header and entries, an EFI system partition and a Linux one. The simulator serves it
 * as its rehearsal image (rehearsal-image.ts); the tests build their other images from the same parts.
 * 512-byte sectors.
 */

/** Bytes per sector. */
export const SECTOR = 512;
/** C12A7328-F81F-11D2-BA4B-00A0C93EC93B, an EFI system partition, in GPT's on-disk byte order. */
const ESP_GUID = Buffer.from('28732ac11ff8d211ba4b00a0c93ec93b', 'hex');
/** 0FC63DAF-8483-4772-8E79-3D69D8477DE4, a Linux filesystem partition, on-disk order. */
const LINUX_GUID = Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex');
/** The image's size: small to serve, large enough for a 1 MiB-aligned ESP and a root partition. */
const GPT_IMAGE_BYTES = 8 * 1024 * 1024;

/** The protective MBR's (or a real MBR's) first partition type, and the 0x55AA signature. */
export function mbr(disk: Buffer, partitionType: number, sectors: number): void {
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
