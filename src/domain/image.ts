/**
 * The image to deploy: formats, checksum types, the image spec a campaign declares, and what qualifying
 * the image learned. Domain vocabulary: imports nothing, workflow-safe; types and zod enums derive from the
 * lists.
 */

/** Image formats OVH writes. */
export const IMAGE_FORMATS = ['qcow2', 'raw'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** What a campaign may declare; `ova` is accepted here only to be rejected with a precise ImageRejected message. */
export const DECLARED_IMAGE_TYPES = [...IMAGE_FORMATS, 'ova'] as const;
export type DeclaredImageType = (typeof DECLARED_IMAGE_TYPES)[number];

/** Digest algorithms OVH verifies an image with. */
export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type ChecksumType = (typeof CHECKSUM_TYPES)[number];

export interface ImageChecksum {
  type: ChecksumType;
  /** Hex digest. */
  value: string;
}

/** The image to deploy, as the campaign declares it. */
export interface ImageSpec {
  url: string;
  type: DeclaredImageType;
  checksum?: ImageChecksum;
  /** Sent to OVH to download the image and used by qualifyImage. Values may be `${VAR}` references,
   * resolved from the worker's environment: only the reference travels through Temporal. */
  httpHeaders?: Record<string, string>;
  /** Path of the EFI loader inside the image, e.g. `\\efi\\debian\\grubx64.efi`; required on UEFI servers. */
  efiBootloaderPath?: string;
  description?: string;
  /** qualifyImage refuses images larger than this. */
  sizeCapBytes?: number;
}

/** The partition table found at the start of an image; `n/a` for qcow2 (the table is inside the virtual disk). */
export type PartitionTable = 'gpt' | 'mbr' | 'none' | 'n/a';

/** What qualifying the image learned (qualifyImage's result, shown by `reimage plan`). */
export interface ImageQualification {
  sizeBytes: number;
  format: ImageFormat;
  checksumVerified: boolean;
  /** Hex digest computed while streaming (with the declared checksum type, or sha256). */
  computedChecksum?: string;
  partitionTable: PartitionTable;
  hasEfiSystemPartition?: boolean;
}
