/**
 * Disk images built in memory, as image qualification reads them (src/activities/image-format.ts): raw MBR,
 * a qcow2 header, and bytes that are none of these. The raw GPT one, which the demo, the drills, the
 * benchmarks, the CLI tests and the simulator's rehearsal image serve, is src/simulator/disk-image.ts's.
 */
import { randomBytes } from 'node:crypto';
import { mbr, SECTOR } from '../src/simulator/disk-image';

/** The other images: a few hundred KiB hold every signature qualification reads. */
const SMALL_IMAGE_BYTES = 256 * 1024;

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
