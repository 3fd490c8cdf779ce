/**
 * The config drive (cloud-init) written next to the image. Domain vocabulary: imports nothing, workflow-safe.
 */

/** Config-drive (cloud-init) settings. `sshKey`, `userData` and metadata values may be `${VAR}` references. */
export interface ConfigDriveSpec {
  hostname?: string;
  sshKey?: string;
  userData?: string;
  metadata?: Record<string, string>;
}
