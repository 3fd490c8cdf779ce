/**
 * Inputs, state and reports of the reimage workflows, shared by the workflows, the CLI and tests.
 * Workflow-safe: plain serializable data (epoch milliseconds, no Dates, no classes).
 */
import type { CallbackHostKeys, CompletionSpec } from '../domain/completion';
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { BootProbeSetting } from '../domain/deployment';
import type { HooksSpec, NotifySpec } from '../domain/hooks';
import type { ImageSpec } from '../domain/image';
import type { ApprovalMode, FailurePolicy, WindowCloseAction } from '../domain/rollout';
import type { RouteChoice } from '../domain/routes';
import type { FailureType, ServerOutcome } from './failure-types';

/** A count or a share of the fleet. Percentages round down with a minimum of 1 (see rollout-math). */
export type CountOrPercent = { count: number } | { percent: number };

/** One server of a campaign, as the campaign file lists it. */
export interface ServerTarget {
  serviceName: string;
  /** The OVH account the server belongs to: its workflow and OVH calls run on that account's task queue. */
  account?: string;
  datacenter?: string;
  rack?: string;
  /** The server's offer (e.g. `advance-1`), when the plan read it. */
  commercialRange?: string;
}

/** Per-phase deadlines of one deployment, in milliseconds. */
export interface DeployDeadlines {
  /** From the start of the deployment to OVH reporting it done (OVH's own installs take ~11 minutes). */
  installMs: number;
  /** From the install's end to the new OS answering the boot probe. */
  bootMs: number;
  /** From the start of a rollback to the server running its rescue system. */
  rollbackMs: number;
}

/** The campaign's poll settings: how waitForDeployment polls OVH (shared/poll-policy.ts turns them into its PollPolicy). */
export interface PollSettings {
  minMs: number;
  maxMs: number;
  /** Read the install step every N polls (0 or absent: only on a failure or at the deadline). */
  stepEvery?: number;
  /**
   * Heartbeat timeout of the wait (default WORKER_LOSS_MS, 30 s): how long the wait of a dead worker goes
   * unnoticed. Not in the campaign file: tests on the time-skipping server raise it above the server time
   * they skip while the wait runs.
   */
  heartbeatTimeoutMs?: number;
  /**
   * How often a server waiting on an unreachable OVH account tries its step again (default 60 s). Not in
   * the campaign file: tests of an outage shorten it.
   */
  accountRetryMs?: number;
}

/** Everything one server's workflow needs to deploy: the part of CampaignSettings a child receives. */
export interface DeploySettings {
  route: RouteChoice;
  image: ImageSpec;
  configDrive?: ConfigDriveSpec;
  deadlines: DeployDeadlines;
  poll: PollSettings;
  /** Absent: DEFAULT_BOOT_PROBE (the SSH greeting); `none`: only the disk boot is checked. */
  bootProbe?: BootProbeSetting;
  /** Whole deployments retried after a failure that rolled back cleanly (0: never). */
  redeployAfterRollback: number;
  diskGroupId?: number;
  /** The team's code around the wipe, the boot and the rollback; absent: no hook (no extra command). */
  hooks?: HooksSpec;
  /** The callback each server makes once its new OS booted; absent: the install's end is found by polling alone. */
  completion?: CompletionSpec;
}

/** An absolute maintenance window, epoch milliseconds, end exclusive. */
export interface AbsoluteWindow {
  startMs: number;
  endMs: number;
}

/** Maintenance windows: a list of absolute windows, or one recurring window (5-field cron + duration). */
export type WindowsSetting =
  | { kind: 'absolute'; windows: AbsoluteWindow[] }
  | { kind: 'recurring'; cron: string; durationMs: number; timezone: string };

/** Plain, normalized values: the lead maps the campaign file's CampaignSpec onto this. */
export interface CampaignSettings extends DeploySettings {
  maxParallel: CountOrPercent;
  /** Ramp; the last entry repeats. Empty: one wave holding the whole fleet (no canary). */
  waves: CountOrPercent[];
  maxPerRack?: number;
  maxPerDatacenter?: number;
  failureBudget: CountOrPercent;
  /** Failures the first wave (the canary) may have when there are several waves; default 0. */
  canaryFailureBudget?: number;
  bakeTimeMs: number;
  approval: ApprovalMode;
  /** On an exceeded budget: let in-flight servers finish, or roll them back. */
  failurePolicy: FailurePolicy;
  /** Undefined: always open. */
  windows?: WindowsSetting;
  /** Servers still installing when a window closes: continue, or roll back. */
  atClose: WindowCloseAction;
  qualifyImage: boolean;
  /** Task queue of the server workflows (and their activities). */
  taskQueue: string;
  /** Continue-as-new once a run's history passes this many events (default and maximum 4,000). */
  continueAsNewAfterEvents?: number;
  /** How often server runs carried across continue-as-new are checked for a close unheard (default 30 minutes). */
  runCheckEveryMs?: number;
  /** Campaign events sent to webhooks; absent: none. */
  notify?: NotifySpec[];
}

/** When a new server's install is likely to end, from the installs its campaign saw end (OVH's own dates). */
export interface InstallExpectation {
  /** The median recent install: polls are densest around it. */
  typicalInstallMs: number;
  /** A short recent install (the 10th percentile, once 10 are done): the first poll comes then. */
  earlyInstallMs?: number;
}

/** Input of reimageServerWorkflow. */
export interface ReimageServerInput {
  campaignId: string;
  serviceName: string;
  /** The server's OVH account (absent for servers resolved before accounts existed: the default one). */
  account?: string;
  datacenter?: string;
  /** Known when the campaign read placements (maxPerRack); hooks pass it on. */
  rack?: string;
  /** Campaign-level attempt: 1, then +1 per operator retry. Finish signals are idempotent on (server, attempt). */
  attempt: number;
  settings: DeploySettings;
  /** From the campaign's image qualification: lets preflight check RAM and disk sizes. */
  imageSizeBytes?: number;
  /** Learned by the campaign once enough servers are done; absent, the poll policy expects 11 minutes. */
  expectedInstall?: InstallExpectation;
  /**
   * Learned per commercial range, for the ranges with enough done servers: the server takes its range's
   * (preflight names the range) over the campaign's, so a fleet mixing slow and fast offers is polled right.
   */
  expectedInstallByRange?: Record<string, InstallExpectation>;
}

/**
 * Phases of one server, in order; `rolling_back` only after a failure past the start; `hook` while a
 * lifecycle hook runs (before the start, after the boot check, after a rollback).
 */
export const ServerPhase = {
  Queued: 'queued',
  Preflight: 'preflight',
  Hook: 'hook',
  Starting: 'starting',
  Installing: 'installing',
  Verifying: 'verifying',
  RollingBack: 'rolling_back',
  Finished: 'finished',
} as const;
export type ServerPhase = (typeof ServerPhase)[keyof typeof ServerPhase];

/** Milliseconds spent per phase, summed over deployments. */
export type PhaseDurations = Partial<Record<Exclude<ServerPhase, 'queued' | 'finished'>, number>>;

/**
 * One phase as it ran, for timelines: [phase, start, end, OVH calls], start and end in milliseconds from the
 * server's start. A redeploy repeats its phases; the spans follow each other without gaps.
 */
export type PhaseSpan = [
  phase: Exclude<ServerPhase, 'queued' | 'finished'>,
  startMs: number,
  endMs: number,
  apiCalls: number,
];

/** The outcome of one server: the result of reimageServerWorkflow and the payload of serverFinishedSignal. */
export interface ServerResult {
  serviceName: string;
  attempt: number;
  outcome: ServerOutcome;
  failureType?: FailureType;
  /** OVH's or the check's own words, for every outcome but done. */
  message?: string;
  /** Deployments started (1 + automatic redeploys); 0 when preflight refused the server. */
  deployments: number;
  startedAtMs: number;
  finishedAtMs: number;
  durations: PhaseDurations;
  /** Every phase in order with its times and calls (absent from servers run by workers before it existed). */
  phases?: PhaseSpan[];
  apiCalls: number;
  /** OVH's own duration (task start to done) of the last install that ended well: what campaigns learn from. */
  installDurationMs?: number;
  /** The server's offer as preflight read it (e.g. `advance-1`): campaigns learn install durations per range. */
  commercialRange?: string;
  /** The new OS is installed and kept (no rollback, e.g. a cancel during afterBoot): never installed again by a requeue. */
  installKept?: true;
  /** The SSH host keys the server reported with its callback (campaigns with completion.callback). */
  hostKeys?: CallbackHostKeys;
}

/** A server's callback, as `reimage callback-server` hands it to the server's run (no token: it checked it). */
export interface ServerCallback {
  /** The deployment of the run the token was made for (1, then +1 per automatic redeploy). */
  deployment: number;
  hostKeys: CallbackHostKeys;
}

/** What serverProgressQuery answers: only what the workflow itself knows. */
export interface ServerProgress {
  serviceName: string;
  campaignId: string;
  attempt: number;
  phase: ServerPhase;
  phaseStartedAtMs: number;
  startedAtMs: number;
  deployments: number;
  maxDeployments: number;
  taskId?: number;
  apiCalls: number;
  /** Set while the server waits for its OVH account to answer again: `account eu-prod unreachable since ...`. */
  waiting?: string;
  result?: ServerResult;
}

/** A server waits for its OVH account, unreachable since `sinceMs`; without `sinceMs`, it no longer waits. */
export interface AccountStatusReport {
  serviceName: string;
  attempt: number;
  account: string;
  sinceMs?: number;
}

/** Campaign end states. */
export const CampaignEndState = { Done: 'done', Halted: 'halted', Cancelled: 'cancelled', Drained: 'drained' } as const;
export type CampaignEndState = (typeof CampaignEndState)[keyof typeof CampaignEndState];
