/**
 * The activity contract: inputs, results and failure rules of every activity the workflows call.
 * Workflow-safe: plain serializable data (ISO strings, no Dates, no classes), no imports outside `src/shared`.
 *
 * Failures: every activity throws `ApplicationFailure`s whose `type` is a `FailureType` constant. Permanent
 * cases are `nonRetryable`; `OvhApiRetryable` failures are retryable (with `nextRetryDelay` after a 429).
 * Secrets (image header values, SSH keys, user data, metadata) never appear in results, details or messages.
 */

/** The OVH API route that carries a deployment. `reinstall` is the current one; `bringYourOwnImage` is the
 * retired seed route, kept for endpoints that still serve it. */
export const DeployRoute = { Reinstall: 'reinstall', BringYourOwnImage: 'bringYourOwnImage' } as const;
export type DeployRoute = (typeof DeployRoute)[keyof typeof DeployRoute];

/** What a campaign asks for; `auto` is resolved once per server by `detectRoute`. */
export type RouteChoice = DeployRoute | 'auto';

/** Image formats OVH writes. */
export type ImageFormat = 'qcow2' | 'raw';

/** What a campaign may declare; `ova` is accepted here only to be rejected with a precise ImageRejected message. */
export type DeclaredImageType = ImageFormat | 'ova';

export type ChecksumType = 'md5' | 'sha1' | 'sha256' | 'sha512';

/** The image to deploy, as the campaign declares it. */
export interface ImageSpec {
  url: string;
  type: DeclaredImageType;
  checksum?: { type: ChecksumType; value: string };
  /** Sent to OVH to download the image and used by qualifyImage. Values may be `${VAR}` references,
   * resolved from the worker's environment: only the reference travels through Temporal. */
  httpHeaders?: Record<string, string>;
  /** Path of the EFI loader inside the image, e.g. `\\efi\\debian\\grubx64.efi`; required on UEFI servers. */
  efiBootloaderPath?: string;
  description?: string;
  /** qualifyImage refuses images larger than this. */
  sizeCapBytes?: number;
}

/** Config-drive (cloud-init) settings. `sshKey`, `userData` and metadata values may be `${VAR}` references. */
export interface ConfigDriveSpec {
  hostname?: string;
  sshKey?: string;
  userData?: string;
  metadata?: Record<string, string>;
}

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

export interface PreflightInput {
  campaignId: string;
  serviceName: string;
  route: DeployRoute;
  image: ImageSpec;
  /** From qualifyImage; without it the RAM and disk checks are skipped (they pass). */
  imageSizeBytes?: number;
  /** Disk group to install on; default: the first disk group OVH lists (OVH's own default is group 1). */
  diskGroupId?: number;
  /** ISO time the maintenance window ends; the service must not expire before it (default: now). */
  windowEndsAt?: string;
}

export interface PreflightFailure {
  check: PreflightCheckName;
  message: string;
}

export interface DiskGroupFacts {
  diskGroupId: number;
  diskType: string;
  /** Size of one disk: BYOI writes the image to the first disk of the group. */
  diskSizeBytes: number;
  numberOfDisks: number;
}

/** What preflight learned about the server (for the report and the campaign's datacenter spreading). */
export interface ServerFacts {
  state: string;
  datacenter: string;
  rack: string;
  os: string;
  bootId?: number;
  bootMode: 'legacy' | 'uefi' | 'uefi-legacy' | 'unknown';
  memoryBytes: number;
  diskGroups: DiskGroupFacts[];
  rescueBootId?: number;
}

export interface PreflightVerdict {
  serviceName: string;
  ok: boolean;
  /** Every failed check, in PreflightCheckName order; empty when ok. */
  failedChecks: PreflightFailure[];
  /** Absent when the server itself could not be read (unknown server). */
  server?: ServerFacts;
  apiCalls: number;
}

export interface QualifyImageInput {
  image: ImageSpec;
  /** True when at least one target server boots in UEFI mode: the image then needs an EFI system partition. */
  targetsUefi: boolean;
  /** Largest size accepted (e.g. the smallest target's RAM minus 3 GiB); `image.sizeCapBytes` also applies. */
  maxBytes?: number;
}

export interface ImageQualification {
  sizeBytes: number;
  format: ImageFormat;
  checksumVerified: boolean;
  /** Hex digest computed while streaming (with the declared checksum type, or sha256). */
  computedChecksum?: string;
  /** `n/a` for qcow2 (the partition table is inside the virtual disk). */
  partitionTable: 'gpt' | 'mbr' | 'none' | 'n/a';
  hasEfiSystemPartition?: boolean;
}

export interface StartDeploymentInput {
  campaignId: string;
  /** The workflow's attempt number for this server (1 for the first try); logged and reported. */
  attempt: number;
  serviceName: string;
  route: DeployRoute;
  image: ImageSpec;
  configDrive?: ConfigDriveSpec;
  diskGroupId?: number;
}

/** Identifies a started deployment; passed back to waitForDeployment, verifyBoot and rollbackToRescue. */
export interface DeploymentHandle {
  serviceName: string;
  route: DeployRoute;
  /** The `reinstallServer` task (always set on `reinstall`; on `bringYourOwnImage` when OVH listed it). */
  taskId?: number;
  /** ISO time the deployment started (OVH's task startDate, else the worker's clock). */
  startedAt: string;
  /** True when an in-flight deployment created by an earlier attempt of this activity was adopted. */
  adopted: boolean;
  apiCalls: number;
}

export interface WaitForDeploymentInput {
  handle: DeploymentHandle;
  /** ISO time after which the activity throws TimedOut (absolute, so a retried attempt keeps it). */
  deadlineAt: string;
  /** Typical duration learned from finished servers; polls get denser near it. Default 11 minutes. */
  expectedDurationMs?: number;
  /** Poll interval bounds; defaults 15 s and 120 s. */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Also read the running install step (install/status, one more call) every this many polls, for
   * progress displays. Default 0: the step is read only to name a failing or stuck step. */
  stepEveryPolls?: number;
}

export interface DeploymentStep {
  /** 1-based. */
  index: number;
  total: number;
  name: string;
}

/** Heartbeat details of waitForDeployment; a retried attempt resumes its counters from them. */
export interface DeploymentProgress {
  /** OVH's task status (`init`, `todo`, `doing`, ...) or the seed route's status (`doing`). */
  status: string;
  step?: DeploymentStep;
  polls: number;
  apiCalls: number;
  lastPollAt: string;
}

export interface DeploymentResult {
  status: 'done';
  /** From handle.startedAt to the poll that saw done. */
  durationMs: number;
  polls: number;
  apiCalls: number;
  lastStep?: DeploymentStep;
}

export type BootProbe =
  { type: 'tcp'; host?: string; port: number; timeoutMs: number } | { type: 'http'; url: string; timeoutMs: number };

export interface VerifyBootInput {
  serviceName: string;
  /** Without a probe only the boot target is checked. A tcp probe without host connects to the server's IP. */
  probe?: BootProbe;
  /** ISO time after which the activity throws BootFailed. */
  deadlineAt: string;
  /** Pause between probe attempts; default 10 s. */
  retryIntervalMs?: number;
}

export interface BootVerification {
  bootedFromDisk: boolean;
  /** Undefined when no probe was configured. */
  probeOk?: boolean;
  probeAttempts: number;
  apiCalls: number;
}

export interface RollbackInput {
  serviceName: string;
  route: DeployRoute;
  handle?: DeploymentHandle;
  /** ISO time after which an unfinished rollback throws RollbackFailed; default 30 minutes from the start. */
  deadlineAt?: string;
  /** Pause between task polls; default 10 s. */
  pollMs?: number;
}

export interface RollbackResult {
  inRescue: true;
  rescueBootId: number;
  /** The hardReboot task that brought the server up in rescue (absent when it already was there). */
  rebootTaskId?: number;
  /** Set when a deployment task still waiting to run was cancelled. */
  cancelledTaskId?: number;
  apiCalls: number;
}

export interface DetectRouteInput {
  serviceName: string;
}

export interface DetectedRoute {
  route: DeployRoute;
  apiCalls: number;
}

/**
 * Every activity the worker registers. Failure types (all nonRetryable unless noted):
 * - detectRoute: OvhApiPermanent; OvhApiRetryable (retryable).
 * - preflightServer: never fails on a check (returns the verdict); OvhApiRetryable (retryable), OvhApiPermanent.
 * - qualifyImage: ImageRejected; ConfigurationError (unknown `${VAR}`); OvhApiRetryable is not used.
 * - startDeployment: ImageRejected (ova, missing efiBootloaderPath), ServerLocked, RouteUnavailable,
 *   ConfigurationError, OvhApiPermanent (OVH refused the request, e.g. a bad customization); OvhApiRetryable
 *   (retryable; the retry adopts the task a lost response created).
 * - waitForDeployment: DeployFailed, TimedOut; OvhApiRetryable (retryable; resumes from heartbeat details).
 * - verifyBoot: BootFailed; OvhApiRetryable (retryable).
 * - rollbackToRescue: RollbackFailed; OvhApiRetryable (retryable).
 */
export interface ReimageActivities {
  detectRoute(input: DetectRouteInput): Promise<DetectedRoute>;
  preflightServer(input: PreflightInput): Promise<PreflightVerdict>;
  qualifyImage(input: QualifyImageInput): Promise<ImageQualification>;
  startDeployment(input: StartDeploymentInput): Promise<DeploymentHandle>;
  waitForDeployment(input: WaitForDeploymentInput): Promise<DeploymentResult>;
  verifyBoot(input: VerifyBootInput): Promise<BootVerification>;
  rollbackToRescue(input: RollbackInput): Promise<RollbackResult>;
}
