/**
 * What the campaign workflow knows of its campaign: where each server stands, the wave, the operator's
 * controls, the counters, what it learned of install durations, and what the progress query and the final
 * report show. Each run of the workflow rebuilds it from the state the previous run carried across
 * continue-as-new. Deterministic; the clock is the workflow clock.
 */
import { TYPICAL_INSTALL_MS } from '../domain/deployment';
import { ApprovalMode } from '../domain/rollout';
import { BUDGET_OUTCOMES, FailureType, ServerOutcome } from '../shared/failure-types';
import type { AccountStatusReport, CampaignEndState, ServerResult } from '../shared/campaign-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import type {
  AccountOutage,
  CampaignInput,
  CampaignProgress,
  CampaignReport,
  CampaignTotals,
  CarriedState,
  ControlState,
  InstallSample,
  LearnedInstalls,
  ServerReportRow,
} from '../shared/campaign-report-types';
import { effectiveConcurrency, resolveBudget, waveSize } from './budget';
import { estimateEtaMs, SAMPLE_SIZE } from './eta';
import { Notifier } from './campaign-notify';
import { learnedInstalls, learnedInstallsByRange, recordInstall, recordRangeInstall } from './install-durations';
import { RolloutState, type FinishEffect, type ServerSlot } from './rollout-state';
import { windowAt } from './windows';

/**
 * Waves whose start time is kept: enough for any ramp a person reads on a timeline, and a bound on the carried
 * state when the last wave size repeats over a large fleet (waves of 1 over 10,000 servers).
 */
export const MAX_RECORDED_WAVES = 100;

/** Outcomes that raise no server.failed: the server is fine, or an operator or the campaign stopped it. */
const NOT_FAILED: ServerOutcome[] = [ServerOutcome.Done, ServerOutcome.Skipped, ServerOutcome.Cancelled];

/** Mutable campaign state; every handler calls `touch()` so the main loop wakes up. */
export class CampaignState {
  /** Where each server stands: pending, running or finished. */
  readonly servers: RolloutState;
  readonly fleet: number;
  readonly allowedFailures: number;
  /** Which run of the campaign workflow this is: 1, then +1 at every continue-as-new. */
  readonly runNumber: number;
  readonly startedAtMs: number;
  /** How many times faster than real time OVH's clock runs (a rehearsal against a sped-up simulator). */
  readonly ovhClockSpeed: number;
  controls: ControlState;
  wave: CarriedState['wave'];
  imageQualified: boolean;
  imageSizeBytes?: number;
  apiCalls: number;
  failures: number;
  status: CampaignProgress['status'] = 'running';
  /** Incremented by every signal, update and finish report. */
  changes = 0;
  /** Child starts sent but not yet confirmed by the server. */
  startsInFlight = 0;
  /** Set once the rollout returned: only the report is left to write, no server starts again. */
  rolloutEnded = false;
  /** When the runs carried across continue-as-new are next checked for a close unheard (closed-runs.ts). */
  runCheckAtMs?: number;
  /** Campaign events to the notify targets; carried across continue-as-new. */
  readonly notifier: Notifier;
  private readonly doneDurations: number[] = [];
  /** The latest done servers' install durations (install-durations.ts); carried across continue-as-new. */
  private installs: InstallSample[];
  /** The same per commercial range; carried too. */
  private installsByRange: Record<string, InstallSample[]>;
  /** When each wave admitted its first server (the first MAX_RECORDED_WAVES); carried across continue-as-new. */
  private readonly waveStarts: number[];
  /** Running servers waiting for their unreachable OVH account: slot index -> unreachable since (epoch ms). */
  private readonly waiting: Map<number, number>;

  constructor(readonly input: CampaignInput) {
    const carried = input.carried;
    this.fleet = input.servers.length;
    this.allowedFailures = resolveBudget(input.settings.failureBudget, this.fleet);
    this.servers = new RolloutState(input.servers, carried);
    this.runNumber = (carried?.run ?? 0) + 1;
    this.startedAtMs = carried?.startedAtMs ?? Date.now();
    this.ovhClockSpeed = input.ovhClockSpeed ?? 1;
    this.controls = carried?.controls ?? { paused: false, approvedWave: 0 };
    this.wave = carried?.wave ?? { index: 0, admitted: 0, failures: 0 };
    this.imageQualified = carried?.imageQualified ?? !input.settings.qualifyImage;
    this.imageSizeBytes = carried?.imageSizeBytes;
    this.apiCalls = carried?.apiCalls ?? 0;
    this.failures = carried?.failures ?? 0;
    this.installs = carried?.installs ?? [];
    this.installsByRange = carried?.installsByRange ?? {};
    this.waveStarts = [...(carried?.waveStarts ?? [])];
    this.waiting = new Map(carried?.waiting ?? []);
    this.notifier = new Notifier(
      {
        campaignId: input.campaignId,
        targets: input.settings.notify ?? [],
        totals: () => {
          const { servers, finished, running, pending, failures, failureBudget, byOutcome } = this.totals();
          return { servers, finished, running, pending, failures, failureBudget, byOutcome };
        },
        touch: () => this.touch(),
      },
      carried,
    );
    for (const slot of this.servers.slots)
      if (slot.result?.outcome === ServerOutcome.Done) this.sample(slot.result.durationMs);
  }

  touch(): void {
    this.changes += 1;
  }

  get settings() {
    return this.input.settings;
  }

  concurrency(): number {
    return effectiveConcurrency(this.settings.maxParallel, this.fleet, this.controls.concurrencyOverride);
  }

  waveSize(): number {
    return waveSize(this.settings.waves, this.wave.index, this.fleet);
  }

  /** Whether wave `index` (0-based) waits for an operator's approval before admitting. */
  approvalNeeded(index: number): boolean {
    if (index === 0 || index <= this.controls.approvedWave) return false;
    if (this.settings.approval === ApprovalMode.BeforeEachWave) return true;
    return this.settings.approval === ApprovalMode.AfterCanary && index === 1;
  }

  /**
   * Deadlines of one deployment, in real time (they are on OVH's clock): what a server is assumed to take
   * until real durations exist.
   */
  deadlineMs(): number {
    const { installMs, bootMs } = this.settings.deadlines;
    return (installMs + bootMs) / this.ovhClockSpeed;
  }

  durations(): readonly number[] {
    return this.doneDurations;
  }

  /** What the latest done servers taught about install durations; undefined until enough are done. */
  learnedInstalls(): LearnedInstalls | undefined {
    return learnedInstalls(this.installs);
  }

  /** The same per commercial range, once the fleet showed several ranges. */
  learnedInstallsByRange(): Record<string, LearnedInstalls> | undefined {
    return learnedInstallsByRange(this.installsByRange);
  }

  markAdmitted(slot: ServerSlot): void {
    if (this.wave.index === this.waveStarts.length && this.wave.index < MAX_RECORDED_WAVES) {
      this.waveStarts.push(Date.now());
    }
    this.servers.markRunning(slot, this.wave.index);
    this.wave.admitted += 1;
  }

  /** Applies a server's finish report (idempotent) and updates the counters. */
  onResult(result: ServerResult): FinishEffect {
    const effect = this.servers.applyResult(result);
    if (effect === 'ignored') return effect;
    const finished = this.servers.find(result.serviceName);
    if (finished) this.waiting.delete(finished.index);
    this.apiCalls += result.apiCalls;
    const slot = this.servers.find(result.serviceName);
    if (effect === 'finished' && BUDGET_OUTCOMES.includes(result.outcome)) {
      this.failures += 1;
      if (slot?.wave === this.wave.index) this.wave.failures += 1;
    }
    if (result.outcome === ServerOutcome.Done) this.learn(result);
    if (effect === 'finished' && !NOT_FAILED.includes(result.outcome)) this.notifyFailed(result, slot);
    if (effect === 'finished' && slot && result.failureType === FailureType.NotGranted) this.stopAccount(slot, result);
    this.touch();
    return effect;
  }

  /**
   * OVH refused a call the account's credential was not granted: every server of that account would meet
   * the same refusal, so those still pending end unstarted with the first refusal's message, and the
   * failure budget stays whole.
   */
  private stopAccount(refused: ServerSlot, result: ServerResult): void {
    const account = refused.target.account ?? DEFAULT_ACCOUNT;
    const message = `Not started: OVH refused a call on ${result.serviceName} that the credential of account ${account} was not granted. ${result.message ?? ''}`;
    for (const slot of this.servers.slots) {
      if (slot.state !== 'pending' || (slot.target.account ?? DEFAULT_ACCOUNT) !== account) continue;
      this.servers.finishWithout(slot, ServerOutcome.NotGranted, message.trim(), FailureType.NotGranted);
    }
  }

  /** A running server started or stopped waiting for its OVH account; stale reports change nothing. */
  onAccountStatus(report: AccountStatusReport): void {
    const slot = this.servers.find(report.serviceName);
    if (!slot || slot.state !== 'running' || slot.attempt !== report.attempt) return;
    if (report.sinceMs !== undefined) this.waiting.set(slot.index, report.sinceMs);
    else this.waiting.delete(slot.index);
    this.touch();
  }

  /** Running servers that work, those waiting for their account aside: what maxParallel bounds. */
  activeCount(): number {
    return this.servers.runningCount - this.waiting.size;
  }

  /** The accounts some servers wait for, in the order they became unreachable. */
  unreachableAccounts(): AccountOutage[] {
    const byAccount = new Map<string, AccountOutage>();
    for (const [index, sinceMs] of this.waiting) {
      const account = this.servers.slots[index]?.target.account ?? DEFAULT_ACCOUNT;
      const outage = byAccount.get(account) ?? { account, sinceMs, waiting: 0 };
      byAccount.set(account, { account, sinceMs: Math.min(outage.sinceMs, sinceMs), waiting: outage.waiting + 1 });
    }
    return [...byAccount.values()].sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** Servers of an account some servers wait for do not start: they would only wait too. */
  admissible(): (slot: ServerSlot) => boolean {
    if (this.waiting.size === 0) return () => true;
    const down = new Set(this.unreachableAccounts().map((outage) => outage.account));
    return (slot) => !down.has(slot.target.account ?? DEFAULT_ACCOUNT);
  }

  encode(): CarriedState {
    return {
      run: this.runNumber,
      startedAtMs: this.startedAtMs,
      imageQualified: this.imageQualified,
      ...(this.imageSizeBytes !== undefined ? { imageSizeBytes: this.imageSizeBytes } : {}),
      ...this.servers.encode(),
      wave: this.wave,
      controls: this.controls,
      apiCalls: this.apiCalls,
      failures: this.failures,
      ...(this.installs.length > 0 ? { installs: this.installs } : {}),
      ...(Object.keys(this.installsByRange).length > 0 ? { installsByRange: this.installsByRange } : {}),
      ...this.waveStartsField('waveStarts'),
      ...(this.waiting.size > 0 ? { waiting: [...this.waiting] } : {}),
      ...this.notifier.encode(),
    };
  }

  /** Raises `event` for the current wave once (`bit`: 1 wave.finished, 2 awaiting_approval). */
  notifyWave(bit: 1 | 2, event: 'wave.finished' | 'campaign.awaiting_approval'): void {
    if ((this.settings.notify ?? []).length === 0 || ((this.wave.sent ?? 0) & bit) !== 0) return;
    this.wave.sent = (this.wave.sent ?? 0) | bit;
    // The wave awaiting approval is the next one.
    this.notifier.raise(event, { wave: this.wave.index + bit });
  }

  totals(): CampaignTotals {
    const byOutcome: CampaignTotals['byOutcome'] = {};
    for (const slot of this.servers.slots) {
      if (slot.result) byOutcome[slot.result.outcome] = (byOutcome[slot.result.outcome] ?? 0) + 1;
    }
    const ended = this.status === 'stopping' || this.controls.stop !== undefined;
    return {
      servers: this.fleet,
      pending: ended ? 0 : this.servers.pendingCount,
      running: this.servers.runningCount,
      finished: this.servers.finishedCount,
      notStarted: ended ? this.servers.pendingCount : 0,
      byOutcome,
      failures: this.failures,
      failureBudget: this.allowedFailures,
      apiCalls: this.apiCalls,
    };
  }

  rows(): ServerReportRow[] {
    const stopped = this.controls.stop !== undefined;
    return this.servers.slots.map((slot) => {
      const row: ServerReportRow = {
        serviceName: slot.target.serviceName,
        ...(slot.target.account !== undefined ? { account: slot.target.account } : {}),
        state: slot.state === 'pending' && stopped ? 'not_started' : slot.state,
        attempts: slot.result?.attempt ?? (slot.state === 'pending' ? slot.attempt - 1 : slot.attempt),
      };
      const since = this.waiting.get(slot.index);
      if (since !== undefined) row.waiting = waitingText(slot.target.account, since);
      return slot.result ? { ...row, ...rowResult(slot) } : row;
    });
  }

  progress(): CampaignProgress {
    const now = Date.now();
    const stop = this.controls.stop;
    const learned = this.learnedInstalls();
    const byRange = this.learnedInstallsByRange();
    return {
      campaignId: this.input.campaignId,
      run: this.runNumber,
      status: this.status,
      paused: this.controls.paused,
      draining: stop?.kind === 'drain',
      cancelling: stop?.kind === 'cancel',
      ...(stop?.kind === 'halt' ? { haltReason: stop.reason } : {}),
      concurrency: this.concurrency(),
      wave: {
        number: this.wave.index + 1,
        size: this.waveSize(),
        admitted: this.wave.admitted,
        approvalNeeded: this.approvalNeeded(this.wave.index + 1),
        ...(this.wave.bakeUntilMs !== undefined ? { bakeUntilMs: this.wave.bakeUntilMs } : {}),
      },
      window: windowAt(this.settings.windows, now),
      totals: this.totals(),
      etaMs: estimateEtaMs({
        pending: this.servers.pendingCount,
        running: this.servers.runningCount,
        concurrency: this.concurrency(),
        ...(learned ? { learned } : {}),
        ovhClockSpeed: this.ovhClockSpeed,
        doneDurations: this.doneDurations,
        // What the plan estimated, until the campaign learns its own installs.
        fallbackMs: TYPICAL_INSTALL_MS / this.ovhClockSpeed,
      }),
      ...(learned ? { learnedInstalls: learned } : {}),
      ...(this.ovhClockSpeed !== 1 ? { ovhClockSpeed: this.ovhClockSpeed } : {}),
      ...(byRange ? { learnedInstallsByRange: byRange } : {}),
      ...this.waveStartsField('waveStartedAtMs'),
      ...(this.waiting.size > 0 ? { unreachableAccounts: this.unreachableAccounts() } : {}),
      servers: this.rows(),
    };
  }

  report(finalState: CampaignEndState): CampaignReport {
    return {
      campaignId: this.input.campaignId,
      finalState,
      ...(this.controls.stop ? { reason: this.controls.stop.reason } : {}),
      startedAtMs: this.startedAtMs,
      finishedAtMs: Date.now(),
      runs: this.runNumber,
      ...(this.imageSizeBytes !== undefined ? { imageSizeBytes: this.imageSizeBytes } : {}),
      totals: this.totals(),
      ...this.waveStartsField('waveStartedAtMs'),
      servers: this.rows(),
      ...(this.notifier.failures.length > 0 ? { failedNotifications: [...this.notifier.failures] } : {}),
    };
  }

  private notifyFailed(result: ServerResult, slot: ServerSlot | undefined): void {
    const { datacenter, rack } = slot?.target ?? {};
    this.notifier.raise('server.failed', {
      server: {
        serviceName: result.serviceName,
        ...(datacenter ? { datacenter } : {}),
        ...(rack ? { rack } : {}),
        outcome: result.outcome,
        ...(result.message ? { message: result.message } : {}),
      },
    });
  }

  /**
   * A done server's durations: the whole reimage in real time for window admissions; its install and the
   * whole reimage on OVH's clock (what the polls wait on) for the expectation.
   */
  private learn(result: ServerResult): void {
    const serverMs = result.finishedAtMs - result.startedAtMs;
    this.sample(serverMs);
    // Servers of a worker older than the learning report no install duration: they teach nothing.
    if (result.ovhInstallMs === undefined) return;
    const { ovhInstallMs, commercialRange } = result;
    const ovhServerMs = serverMs * this.ovhClockSpeed;
    this.installs = recordInstall(this.installs, ovhInstallMs, ovhServerMs);
    if (commercialRange) {
      this.installsByRange = recordRangeInstall(this.installsByRange, commercialRange, ovhInstallMs, ovhServerMs);
    }
  }

  /** The recorded wave starts under `key`, or nothing when no wave has started (or the campaign is older). */
  private waveStartsField<K extends string>(key: K): Partial<Record<K, number[]>> {
    return this.waveStarts.length > 0 ? ({ [key]: [...this.waveStarts] } as Record<K, number[]>) : {};
  }

  private sample(durationMs: number): void {
    this.doneDurations.push(durationMs);
    if (this.doneDurations.length > SAMPLE_SIZE) this.doneDurations.shift();
  }
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
    ...(result.failureType ? { failureType: result.failureType } : {}),
    ...(result.message ? { message: result.message } : {}),
    deployments: result.deployments,
    apiCalls: result.apiCalls,
    durationMs: result.durationMs,
    ...(result.installMs ? { installMs: result.installMs } : {}),
  };
}
