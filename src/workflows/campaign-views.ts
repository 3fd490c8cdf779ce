/**
 * What the campaign shows: its totals (in every notification too), one row per server, the progress query's
 * answer and the final report. Read-only views of the campaign's state; deterministic.
 */
import { TYPICAL_INSTALL_MS } from '../domain/deployment';
import type { CampaignEndState } from '../shared/campaign-types';
import type { CampaignEvent } from '../shared/campaign-events';
import type {
  CampaignInput,
  CampaignProgress,
  CampaignReport,
  CampaignTotals,
  ControlState,
  FailedNotification,
  ServerReportRow,
} from '../shared/campaign-report-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import type { AccountWaits } from './account-waits';
import type { CampaignWaves } from './campaign-waves';
import { estimateEtaMs } from '../shared/eta';
import type { InstallLearning } from './install-durations';
import type { RolloutState, ServerSlot } from './rollout-state';
import { windowAt } from '../shared/windows';

/** What the views read of the campaign's state (CampaignState). */
export interface CampaignView {
  readonly input: CampaignInput;
  readonly servers: RolloutState;
  readonly fleet: number;
  readonly failureBudget: number;
  readonly runNumber: number;
  readonly startedAtMs: number;
  readonly ovhClockSpeed: number;
  readonly status: CampaignProgress['status'];
  readonly controls: Readonly<ControlState>;
  readonly imageSizeBytes: number | undefined;
  readonly apiCalls: number;
  readonly failures: number;
  readonly waves: CampaignWaves;
  readonly waits: AccountWaits;
  readonly learning: InstallLearning;
  readonly notifier: { readonly failures: readonly FailedNotification[] };
  concurrency(): number;
  waveSize(): number;
  approvalNeeded(index: number): boolean;
  deadlineMs(): number;
}

function campaignTotals(campaign: CampaignView): CampaignTotals {
  const { servers, controls } = campaign;
  const byOutcome: CampaignTotals['byOutcome'] = {};
  let calledBack = 0;
  for (const slot of servers.slots) {
    if (slot.result) byOutcome[slot.result.outcome] = (byOutcome[slot.result.outcome] ?? 0) + 1;
    if (slot.result?.calledBack) calledBack += 1;
  }
  const ended = campaign.status === 'stopping' || controls.stop !== undefined;
  return {
    servers: campaign.fleet,
    pending: ended ? 0 : servers.pendingCount,
    running: servers.runningCount,
    finished: servers.finishedCount,
    notStarted: ended ? servers.pendingCount : 0,
    byOutcome,
    failures: campaign.failures,
    failureBudget: campaign.failureBudget,
    apiCalls: campaign.apiCalls,
    calledBack: campaign.input.settings.completion ? calledBack : undefined,
  };
}

/** The totals a notification carries. */
export function eventTotals(campaign: CampaignView): CampaignEvent['totals'] {
  const { servers, finished, running, pending, failures, failureBudget, byOutcome } = campaignTotals(campaign);
  return { servers, finished, running, pending, failures, failureBudget, byOutcome };
}

function serverRows(campaign: CampaignView): ServerReportRow[] {
  const stopped = campaign.controls.stop !== undefined;
  return campaign.servers.slots.map((slot) => {
    const row: ServerReportRow = {
      serviceName: slot.target.serviceName,
      account: slot.target.account,
      state: slot.state === 'pending' && stopped ? 'not_started' : slot.state,
      attempts: slot.result?.attempt ?? (slot.state === 'pending' ? slot.attempt - 1 : slot.attempt),
    };
    const since = campaign.waits.since(slot.index);
    if (since !== undefined) row.waiting = waitingText(slot.target.account, since);
    return slot.result ? { ...row, ...rowResult(slot) } : row;
  });
}

/** The answer of campaignProgressQuery. */
export function campaignProgress(campaign: CampaignView): CampaignProgress {
  const { controls, servers, waves } = campaign;
  const stop = controls.stop;
  const learned = campaign.learning.learned();
  const byRange = campaign.learning.learnedByRange();
  return {
    campaignId: campaign.input.campaignId,
    run: campaign.runNumber,
    status: campaign.status,
    paused: controls.paused,
    draining: stop?.kind === 'drain',
    cancelling: stop?.kind === 'cancel',
    haltReason: stop?.kind === 'halt' ? stop.reason : undefined,
    concurrency: campaign.concurrency(),
    wave: {
      number: waves.current.index + 1,
      size: campaign.waveSize(),
      admitted: waves.current.admitted,
      approvalNeeded: campaign.approvalNeeded(waves.current.index + 1),
      bakeUntilMs: waves.current.bakeUntilMs,
    },
    window: windowAt(campaign.input.settings.windows, Date.now()),
    totals: campaignTotals(campaign),
    etaMs: estimateEtaMs({
      pending: servers.pendingCount,
      running: servers.runningCount,
      concurrency: campaign.concurrency(),
      learned,
      ovhClockSpeed: campaign.ovhClockSpeed,
      doneDurations: campaign.learning.durations(),
      // What the plan estimated, until the campaign learns its own installs.
      fallbackMs: TYPICAL_INSTALL_MS / campaign.ovhClockSpeed,
    }),
    learnedInstalls: learned,
    ovhClockSpeed: campaign.ovhClockSpeed !== 1 ? campaign.ovhClockSpeed : undefined,
    learnedInstallsByRange: byRange,
    ...waveStartedAt(waves),
    unreachableAccounts: campaign.waits.count > 0 ? campaign.waits.unreachableAccounts() : undefined,
    servers: serverRows(campaign),
  };
}

/** The workflow's result: the final report. */
export function campaignReport(campaign: CampaignView, finalState: CampaignEndState): CampaignReport {
  const failed = campaign.notifier.failures;
  return {
    campaignId: campaign.input.campaignId,
    finalState,
    reason: campaign.controls.stop?.reason,
    startedAtMs: campaign.startedAtMs,
    finishedAtMs: Date.now(),
    runs: campaign.runNumber,
    imageSizeBytes: campaign.imageSizeBytes,
    totals: campaignTotals(campaign),
    ...waveStartedAt(campaign.waves),
    servers: serverRows(campaign),
    failedNotifications: failed.length > 0 ? [...failed] : undefined,
  };
}

/** The recorded wave starts, or nothing when no wave has started (or the campaign is older). */
function waveStartedAt(waves: CampaignWaves): { waveStartedAtMs?: number[] } {
  return waves.starts.length > 0 ? { waveStartedAtMs: [...waves.starts] } : {};
}

/** What a waiting server's row says, as the server's own progress says it. */
function waitingText(account: string | undefined, sinceMs: number): string {
  return `account ${account ?? DEFAULT_ACCOUNT} unreachable since ${new Date(sinceMs).toISOString()}`;
}

function rowResult(slot: ServerSlot): Partial<ServerReportRow> {
  const result = slot.result;
  if (!result) return {};
  return {
    outcome: result.outcome,
    failureType: result.failureType,
    message: result.message || undefined,
    deployments: result.deployments,
    apiCalls: result.apiCalls,
    serverDurationMs: result.serverDurationMs,
    installingMs: result.installingMs || undefined,
    calledBack: result.calledBack,
  };
}
