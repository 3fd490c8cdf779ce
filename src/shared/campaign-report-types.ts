/**
 * Campaign input, the compact state carried across continue-as-new, the progress query's answer and the
 * final report. Workflow-safe.
 */
import type { NotifyEvent } from '../domain/hooks';
import type { FailureType, ServerOutcome } from './failure-types';
import type { CampaignEndState, CampaignSettings, InstallExpectation, ServerTarget } from './campaign-types';

/** A notification that could not be delivered, as the report records it. */
export interface FailedNotification {
  event: NotifyEvent;
  /** The target's place in the campaign file, e.g. "notify[0]". */
  target: string;
  message: string;
}

/** Input of reimageCampaignWorkflow; `carried` is set only by the workflow's own continue-as-new. */
export interface CampaignInput {
  campaignId: string;
  /** As given, in admission order; never rewritten, so later runs index into it. */
  servers: ServerTarget[];
  settings: CampaignSettings;
  carried?: CarriedState;
  /**
   * How many times faster than real time OVH's clock runs for the workers (the speed of the simulator they
   * rehearse against, as the plan found it); absent: 1. OVH's durations and the deployment's deadlines are
   * on OVH's clock, the workflow's on real time.
   */
  ovhClockSpeed?: number;
}

/**
 * A finished server, compact: [server index, outcome, attempt, deployments, apiCalls, serverDurationMs,
 * installingMs, failureType, message, called back (1)]. ~35 bytes for a done server, so 10,000 outcomes stay
 * near 350 KiB.
 */
export type ResultTuple = [
  index: number,
  outcome: ServerOutcome,
  attempt: number,
  deployments: number,
  apiCalls: number,
  serverDurationMs: number,
  installingMs: number,
  failureType?: FailureType | '',
  message?: string,
  calledBack?: 1,
];

/** A done server, as install durations are learned from it: [install duration, server duration], whole seconds. */
export type InstallSample = [installDurationS: number, serverDurationS: number];

/** A server in flight across continue-as-new: [index, attempt, child run ID, wave, cancelled by a window close (1)]. */
export type RunningTuple = [index: number, attempt: number, runId: string, wave: number, windowCancelled?: 1];

/** Operator controls and modes in force. */
export interface ControlState {
  paused: boolean;
  /** Set once the campaign stops admitting for good. */
  stop?: { kind: 'drain' | 'cancel' | 'halt'; reason: string; childrenCancelled: boolean };
  concurrencyOverride?: number;
  /** Highest wave index (0-based) an operator approved. */
  approvedWave: number;
}

/** Everything a new run needs to continue where the last one stopped. */
export interface CarriedState {
  /** The number of the run that carried this state (the first run is 1). */
  run: number;
  startedAtMs: number;
  imageQualified: boolean;
  imageSizeBytes?: number;
  results: ResultTuple[];
  running: RunningTuple[];
  /** Pending server indexes in admission order (retries at the end). */
  pending: number[];
  /** [index, attempt] for servers whose next attempt is above 1. */
  attempts: [number, number][];
  /** `sent`: the wave.finished (1) and campaign.awaiting_approval (2) notifications raised for this wave. */
  wave: { index: number; admitted: number; failures: number; bakeUntilMs?: number; sent?: number };
  controls: ControlState;
  apiCalls: number;
  /** Budget failures so far; a retried server's earlier failure still counts. */
  failures: number;
  /** The latest done servers' install samples, oldest first (at most 32: install-durations.ts). */
  installs?: InstallSample[];
  /** The same per commercial range, for the latest ranges seen (install-durations.ts bounds them). */
  installsByRange?: Record<string, InstallSample[]>;
  /** When each wave admitted its first server, epoch ms, wave 1 first (the first MAX_RECORDED_WAVES waves). */
  waveStarts?: number[];
  /** Running servers waiting for their unreachable OVH account: [server index, unreachable since (epoch ms)]. */
  waiting?: [index: number, sinceMs: number][];
  /** Notification events raised so far (numbers their delivery IDs); absent: none. */
  notified?: number;
  /** Notifications that could not be delivered (at most 50 kept). */
  failedNotifications?: FailedNotification[];
}

/** One server in the report (or in the progress query). */
export interface ServerReportRow {
  serviceName: string;
  /** The server's OVH account, when the campaign's plan resolved it. */
  account?: string;
  state: 'pending' | 'running' | 'finished' | 'not_started';
  outcome?: ServerOutcome;
  failureType?: FailureType;
  message?: string;
  attempts: number;
  deployments?: number;
  apiCalls?: number;
  /** The whole reimage, start to finish: the server duration. */
  serverDurationMs?: number;
  /** Time in the installing phase, over every deployment (noticing the end included): not the install duration. */
  installingMs?: number;
  /** While the server waits for its unreachable OVH account: `account eu-prod unreachable since ...`. */
  waiting?: string;
  /** The server called back once its new OS booted (campaigns with completion.callback). */
  calledBack?: true;
}

/** An OVH account some of the campaign's servers wait for: they keep no slot, and no server of it starts. */
export interface AccountOutage {
  account: string;
  /** Epoch ms of the first unanswered call, as the first waiting server reported it. */
  sinceMs: number;
  /** Running servers waiting for it. */
  waiting: number;
}

export interface CampaignTotals {
  servers: number;
  pending: number;
  running: number;
  finished: number;
  notStarted: number;
  byOutcome: Partial<Record<ServerOutcome, number>>;
  /** Outcomes that count against the failure budget. */
  failures: number;
  failureBudget: number;
  apiCalls: number;
  /** Campaigns with completion.callback: how many finished servers called back (the others were found by polling). */
  calledBack?: number;
}

export interface WindowStatus {
  /** False when no maintenance window is configured (always open). */
  configured: boolean;
  open: boolean;
  closesAtMs?: number;
  opensAtMs?: number;
}

/** What a campaign learned of install durations from its latest done servers. */
export interface LearnedInstalls extends InstallExpectation {
  /** How many done servers the figures come from. */
  samples: number;
  /** The median time a server spends outside its install (preflight, start, noticing the end, boot check). */
  overheadMs: number;
}

/** Answer of campaignProgressQuery. */
export interface CampaignProgress {
  campaignId: string;
  /** The current run of the campaign workflow: 1, then +1 at every continue-as-new. */
  run: number;
  status: 'qualifying' | 'running' | 'paused' | 'baking' | 'awaiting_approval' | 'outside_window' | 'stopping';
  paused: boolean;
  draining: boolean;
  cancelling: boolean;
  haltReason?: string;
  concurrency: number;
  wave: { number: number; size: number; admitted: number; approvalNeeded: boolean; bakeUntilMs?: number };
  window: WindowStatus;
  totals: CampaignTotals;
  etaMs?: number;
  /** Absent until 3 servers are done; until then new servers get the poll policy's default (11 minutes). */
  learnedInstalls?: LearnedInstalls;
  /** OVH's clock runs this many times faster than real time (a rehearsal): learnedInstalls is on OVH's clock. */
  ovhClockSpeed?: number;
  /** The same per commercial range, for ranges with 3 done servers or more, when the fleet has several. */
  learnedInstallsByRange?: Record<string, LearnedInstalls>;
  /** When each wave admitted its first server, epoch ms, wave 1 first (absent before the first admission). */
  waveStartedAtMs?: number[];
  /** OVH accounts that answer nothing: their servers wait, the other accounts' go on. */
  unreachableAccounts?: AccountOutage[];
  servers: ServerReportRow[];
}

/** Result of reimageCampaignWorkflow. */
export interface CampaignReport {
  campaignId: string;
  finalState: CampaignEndState;
  /** Why the campaign halted, drained or was cancelled. */
  reason?: string;
  startedAtMs: number;
  finishedAtMs: number;
  /** How many runs the campaign workflow took (1 + its continue-as-new count). */
  runs: number;
  imageSizeBytes?: number;
  totals: CampaignTotals;
  /** When each wave admitted its first server, epoch ms, wave 1 first (absent from older campaigns). */
  waveStartedAtMs?: number[];
  servers: ServerReportRow[];
  /** Notifications that could not be delivered (absent when every one was, or none was configured). */
  failedNotifications?: FailedNotification[];
  /** Set by the CLI for a campaign with `bootProbe: none` (from its memo): no boot was verified. */
  bootNotVerified?: true;
}
