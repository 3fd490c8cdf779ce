/**
 * The activity contract: inputs, results and failure rules of every activity the workflows call.
 * Workflow-safe: plain serializable data (ISO strings, no Dates, no classes); the product's vocabulary (routes,
 * image and config-drive specs, deployment steps, preflight check names) comes from `src/domain`.
 *
 * Failures: every activity throws `ApplicationFailure`s whose `type` is a `FailureType` constant. Permanent
 * cases are `nonRetryable`; `OvhApiRetryable` failures are retryable (with `nextRetryDelay` after a 429).
 * Secrets (image header values, SSH keys, user data, metadata) never appear in results, details or messages.
 */
import type { CompletionSpec } from '../domain/completion';
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { BootProbe, DeploymentStep } from '../domain/deployment';
import type { ImageQualification, ImageSpec } from '../domain/image';
import type { HookName, HookPayload, HooksSpec, NotifySpec, WebhookTarget } from '../domain/hooks';
import type { PreflightFailure } from '../domain/preflight';
import type { CampaignEvent } from '../shared/campaign-events';
import type { ServerTarget } from '../shared/campaign-types';
import type { CheckedRights } from '../shared/credential-rights';
import type {
  CheckCredentialRightsInput,
  HookTargetCheck,
  ListAccountsInput,
  ResolveServersInput,
} from '../shared/plan-types';
import type { DeployRoute } from '../domain/routes';

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
  /** The server's offer (e.g. `advance-1`), when OVH names one. */
  commercialRange?: string;
  bootId?: number;
  bootMode: 'legacy' | 'uefi' | 'uefi-legacy' | 'unknown';
  memoryBytes: number;
  diskGroups: DiskGroupFacts[];
  rescueBootId?: number;
  /** The server's harddisk boot IDs: the boot check proves the disk boot with them and one server read. */
  harddiskBootIds?: number[];
}

export interface PreflightVerdict {
  serviceName: string;
  ok: boolean;
  /** Every failed check, in PreflightCheckName order; empty when ok. */
  failedChecks: PreflightFailure[];
  /** Absent when the server itself could not be read (unknown server). */
  server?: ServerFacts;
  /**
   * The newest reinstallServer task ID preflight listed (0: none), read last: the first startDeployment
   * right after takes it as its checkpoint instead of listing again. Absent with the server.
   */
  installTaskCheckpoint?: number;
  apiCalls: number;
}

export interface QualifyImageInput {
  image: ImageSpec;
  /** True when at least one target server boots in UEFI mode: the image then needs an EFI system partition. */
  targetsUefi: boolean;
  /** Largest size accepted (e.g. the smallest target's RAM minus 3 GiB); `image.sizeCapBytes` also applies. */
  maxBytes?: number;
}

export interface StartDeploymentInput {
  campaignId: string;
  /** The server's attempt in its campaign (1 for the first); logged and reported. */
  attempt: number;
  serviceName: string;
  route: DeployRoute;
  image: ImageSpec;
  configDrive?: ConfigDriveSpec;
  /** The campaign's callback: the user data then carries a phone_home part with this deployment's token. */
  completion?: CompletionSpec;
  diskGroupId?: number;
  /**
   * The newest reinstallServer task ID the preflight that ran right before listed (its
   * installTaskCheckpoint): the first try heartbeats it as its checkpoint and posts without listing.
   * Only for the first deployment after that preflight; without it the activity lists the tasks itself.
   */
  taskCheckpoint?: number;
  /**
   * An earlier run of this start (cut short by an unreachable OVH account) may have posted: tasks newer than
   * `taskCheckpoint` (that run's checkpoint) are adopted, and without a checkpoint it never posted.
   */
  resumed?: boolean;
}

/** Identifies a started deployment; passed back to waitForDeployment, verifyBoot and rollbackToRescue. */
export interface DeploymentHandle {
  serviceName: string;
  route: DeployRoute;
  /** The `reinstallServer` task (always set on `reinstall`; on `bringYourOwnImage` when OVH listed it). */
  taskId?: number;
  /** ISO time the deployment started (OVH's task startDate, else the worker's clock). */
  startedAt: string;
  /** True when an in-flight deployment created by an earlier try of this activity was adopted. */
  adopted: boolean;
  apiCalls: number;
  /** How many times faster than real time OVH's clock runs for the worker (a sped-up simulator's speed); absent: 1. */
  ovhClockSpeed?: number;
}

export interface WaitForDeploymentInput {
  handle: DeploymentHandle;
  /** ISO time after which the activity throws TimedOut (absolute, so a retry keeps it). */
  deadlineAt: string;
  /** The typical install (the campaign's median recent install); polls are densest around it. Default 11 minutes. */
  typicalInstallMs?: number;
  /** The early install (the campaign's 10th-percentile recent install): the first poll comes half a cadence
   * after it, at most at 95 % of typicalInstallMs. Default: 84 % of typicalInstallMs. */
  earlyInstallMs?: number;
  /** Poll interval bounds; defaults 15 s and 120 s. */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Also read the running install step (install/status, one more call) every this many polls, for
   * progress displays. Default 0: the step is read only to name a failing or stuck step. */
  stepEveryPolls?: number;
  /** The server called back: the first read comes 2 s later, the next ones every 5 s (at most pollMinMs; not the learned schedule). */
  calledBack?: boolean;
}

export interface DeploymentResult {
  status: 'done';
  /**
   * The install duration: from handle.startedAt to the end OVH reports (its task's doneDate; the poll that saw
   * done without it).
   */
  installDurationMs: number;
  polls: number;
  apiCalls: number;
  lastStep?: DeploymentStep;
}

/** One read of a deployment: done, or still running (a transient error counts as running). */
export type DeploymentRead = DeploymentResult | { status: 'running'; polls: number; apiCalls: number };

export interface VerifyBootInput {
  serviceName: string;
  /** Without a probe only the boot target is checked. A tcp probe without host connects to the server's IP. */
  probe?: BootProbe;
  /** ISO time after which the activity throws BootFailed. */
  deadlineAt: string;
  /** Pause between probes; default 10 s. */
  retryIntervalMs?: number;
  /** The harddisk boot IDs preflight read; without them the activity lists them (one more call). */
  harddiskBootIds?: number[];
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
  /** The rescue boot ID preflight read; without it the rollback lists the rescue boots (one more call). */
  rescueBootId?: number;
}

export interface RollbackResult {
  inRescue: true;
  rescueBootId: number;
  /** The hardReboot task that brought the server up in rescue (absent when it already was there). */
  rebootTaskId?: number;
  /** Set when a deployment task still waiting to run was cancelled. */
  cancelledTaskId?: number;
  /** Set when the deployment task still runs with the server in rescue (a hung installer): no redeploy. */
  deploymentTaskPending?: true;
  apiCalls: number;
}

export interface DetectRouteInput {
  serviceName: string;
}

export interface DetectedRoute {
  route: DeployRoute;
  /** The probe answer that decided (absent from workflows recorded before it was reported). */
  reason?: string;
  apiCalls: number;
}

export interface WebhookHookInput {
  hook: HookName;
  target: WebhookTarget;
  payload: HookPayload;
  /** ISO time after which no new try starts (absolute, so a retry keeps it). */
  deadlineAt: string;
}

export interface WebhookHookResult {
  status: number;
  tries: number;
}

export interface NotificationInput {
  /** Index of the target in the campaign's notify list (names it in messages: "notify[0]"). */
  index: number;
  target: NotifySpec['webhook'];
  event: CampaignEvent;
  deadlineAt: string;
}

export interface CheckHookTargetsInput {
  campaignId: string;
  hooks?: HooksSpec;
  notify?: NotifySpec[];
  /** Also send each allowed webhook a `ping` event (what `reimage plan` does); false: the allow-list only. */
  probe: boolean;
}

/**
 * Every activity the worker registers. Failure types (all nonRetryable unless noted):
 * - detectRoute: OvhApiPermanent; OvhApiRetryable (retryable).
 * - preflightServer: never fails on a check (returns the verdict); OvhApiRetryable (retryable), OvhApiPermanent.
 * - qualifyImage: ImageRejected (also a redirect off https, to link-local or to loopback); ConfigurationError
 *   (unknown `${VAR}`); NotAllowed (a `${VAR}` the worker does not grant, a host off REIMAGE_IMAGE_HOSTS).
 * - startDeployment: ImageRejected (ova, missing efiBootloaderPath), ServerLocked, RouteUnavailable,
 *   ConfigurationError, NotAllowed (a `${VAR}` not granted, an image host off REIMAGE_IMAGE_HOSTS, a server
 *   off REIMAGE_ALLOWED_SERVERS), OvhApiPermanent (OVH refused the request, e.g. a bad customization); OvhApiRetryable
 *   (retryable; the retry adopts the task a lost response created).
 * - waitForDeployment: DeployFailed, TimedOut; OvhApiRetryable (retryable; resumes from heartbeat details).
 * - verifyBoot: BootFailed; OvhApiRetryable (retryable).
 * - rollbackToRescue: RollbackFailed; OvhApiRetryable (retryable).
 * - callWebhookHook, deliverNotification: HookFailed (4xx, or no 2xx before the deadline), NotAllowed (host
 *   not on REIMAGE_HOOK_HOSTS, a `${VAR}` not granted), ConfigurationError (unknown `${VAR}` in the secret).
 * - checkHookTargets: never fails on a target (returns what it found).
 */
export interface ReimageActivities {
  detectRoute(input: DetectRouteInput): Promise<DetectedRoute>;
  preflightServer(input: PreflightInput): Promise<PreflightVerdict>;
  qualifyImage(input: QualifyImageInput): Promise<ImageQualification>;
  startDeployment(input: StartDeploymentInput): Promise<DeploymentHandle>;
  waitForDeployment(input: WaitForDeploymentInput): Promise<DeploymentResult>;
  readDeployment(input: WaitForDeploymentInput): Promise<DeploymentRead>;
  verifyBoot(input: VerifyBootInput): Promise<BootVerification>;
  rollbackToRescue(input: RollbackInput): Promise<RollbackResult>;
}

/** The hook and notification activities (failure types above); they never call OVH. */
export interface HookActivities {
  callWebhookHook(input: WebhookHookInput): Promise<WebhookHookResult>;
  deliverNotification(input: NotificationInput): Promise<WebhookHookResult>;
  checkHookTargets(input: CheckHookTargetsInput): Promise<HookTargetCheck[]>;
  /** Resolves every `${VAR}` of the campaign on the worker; ConfigurationError names each missing one. */
  checkEnvReferences(input: CheckEnvReferencesInput): Promise<EnvReferencesCheck>;
}

/** The campaign fields that may hold `${VAR}` references. */
export interface CheckEnvReferencesInput {
  image: Pick<ImageSpec, 'httpHeaders'>;
  configDrive?: ConfigDriveSpec;
  hooks?: Partial<Record<HookName, { kind: string; secret?: string }>>;
  notify?: { webhook: { secret?: string } }[];
  /** The campaign's callback: the worker must hold REIMAGE_CALLBACK_SECRET to sign its tokens. */
  completion?: CompletionSpec;
}

export interface EnvReferencesCheck {
  /** The variables referred to, each resolved (names only). */
  references: string[];
}

/** The plan activities: read-only, over a campaign's server selection rather than one server. */
export interface ResolvedServers {
  servers: ServerTarget[];
  /** Listed servers the account does not have. */
  unknown: string[];
  /** For an unknown server, the account's server whose name is closest (a likely typo); absent: none close. */
  suggestions?: Record<string, string>;
  /** Servers removed by `exclude`. */
  excluded: string[];
  /** Servers refused because they are not on the allow-list. */
  notAllowed: string[];
  apiCalls: number;
}

export interface PlanActivities {
  resolveServers(input: ResolveServersInput): Promise<ResolvedServers>;
  /**
   * The OVH accounts the worker knows (all of them, or `restrict` once checked), in its file's order, and the
   * speed of the simulator's clock it follows when it rehearses (REIMAGE_SIMULATOR_SPEED).
   */
  listAccounts(input: ListAccountsInput): Promise<{ accounts: string[]; ovhClockSpeed?: number }>;
  /** Which calls a campaign needs the account's credential may not make (its worker's client). */
  checkCredentialRights(input: CheckCredentialRightsInput): Promise<CheckedRights>;
}
