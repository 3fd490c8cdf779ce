/**
 * Recognising an image from its first bytes: qcow2 (magic "QFI\xfb"), raw GPT ("EFI PART" at LBA 1, offset
 * 512, with an EFI system partition entry), raw MBR (0x55AA at offset 510, type 0xEF for an EFI system
 * partition), or neither. 512-byte sectors, as OVH's installer assumes for images.
 */
import type { ImageFormat, PartitionTable } from '../domain/image';

/** Bytes kept from the start of the stream: MBR, GPT header and the 128 standard partition entries. */
export const HEAD_BYTES = 64 * 1024;

const SECTOR = 512;
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
const GPT_SIGNATURE = Buffer.from('EFI PART', 'ascii');
/** C12A7328-F81F-11D2-BA4B-00A0C93EC93B in GPT's on-disk byte order (first three fields little-endian). */
const ESP_GUID = Buffer.from([
  0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
]);
const MBR_ESP_TYPE = 0xef;

export interface ImageLayout {
  format: ImageFormat;
  partitionTable: PartitionTable;
  /** Undefined for qcow2: its partitions live inside the compressed virtual disk. */
  hasEfiSystemPartition?: boolean;
}

function gptHasEsp(head: Buffer): boolean {
  const header = head.subarray(SECTOR, 2 * SECTOR);
  const entriesLba = Number(header.readBigUInt64LE(72));
  const count = header.readUInt32LE(80);
  const entrySize = header.readUInt32LE(84);
  if (entrySize < 16) return false;
  for (let index = 0; index < count; index += 1) {
    const offset = entriesLba * SECTOR + index * entrySize;
    if (offset + 16 > head.length) break;
    if (head.subarray(offset, offset + 16).equals(ESP_GUID)) return true;
  }
  return false;
}

function mbrHasEsp(head: Buffer): boolean {
  for (let index = 0; index < 4; index += 1) {
    if (head[446 + index * 16 + 4] === MBR_ESP_TYPE) return true;
  }
  return false;
}

/** The layout of an image whose first bytes are `head` (at most HEAD_BYTES of them). */
export function inspectImageHead(head: Buffer): ImageLayout {
  if (head.length >= 4 && head.subarray(0, 4).equals(QCOW2_MAGIC)) return { format: 'qcow2', partitionTable: 'n/a' };
  if (head.length >= 2 * SECTOR && head.subarray(SECTOR, SECTOR + 8).equals(GPT_SIGNATURE)) {
    return { format: 'raw', partitionTable: 'gpt', hasEfiSystemPartition: gptHasEsp(head) };
  }
  if (head.length >= SECTOR && head[510] === 0x55 && head[511] === 0xaa) {
    return { format: 'raw', partitionTable: 'mbr', hasEfiSystemPartition: mbrHasEsp(head) };
  }
  return { format: 'raw', partitionTable: 'none', hasEfiSystemPartition: false };
}
