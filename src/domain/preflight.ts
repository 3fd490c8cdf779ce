/**
 * The checks a server must pass before it is reimaged. Domain vocabulary: imports nothing, workflow-safe.
 */

/** Names of the preflight checks; a verdict lists every one that failed. */
export const PreflightCheckName = {
  ServerState: 'server_state',
  ServiceExpiry: 'service_expiry',
  NoInstallInFlight: 'no_install_in_flight',
  ByoiCompatible: 'byoi_compatible',
  EfiBootloader: 'efi_bootloader',
  DiskGroup: 'disk_group',
  ImageFitsRam: 'image_fits_ram',
  ImageFitsDisk: 'image_fits_disk',
  RescueBoot: 'rescue_boot',
} as const;
export type PreflightCheckName = (typeof PreflightCheckName)[keyof typeof PreflightCheckName];

export interface PreflightFailure {
  check: PreflightCheckName;
  message: string;
}
