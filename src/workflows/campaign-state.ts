/**
 * What the campaign workflow knows of its campaign: where each server stands, the waves, the operator's
 * controls, the counters and what it learned of install durations. Every change goes through a method named
 * for what happens (admit, recordResult, stop, ...). Each run rebuilds it from the state the previous run
 * carried across continue-as-new. Deterministic. What the query and the report show: campaign-views.ts.
 */
import { ApprovalMode } from '../domain/rollout';
import { BUDGET_OUTCOMES, FailureType, ServerOutcome } from '../shared/failure-types';
import type { AccountStatusReport, ServerResult } from '../shared/campaign-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import type { CampaignInput, CampaignProgress, CarriedState, ControlState } from '../shared/campaign-report-types';
import { AccountWaits } from './account-waits';
import { resolveFailureBudget } from '../campaign/rollout-math';
import { effectiveConcurrency, waveSize } from './budget';
import { eventTotals, type CampaignView } from './campaign-views';
import { Notifier } from './campaign-notify';
import { CampaignWaves } from './campaign-waves';
import { InstallLearning } from './install-durations';
import { RolloutState, type FinishEffect, type ServerSlot } from './rollout-state';

/** Outcomes that raise no server.failed: the server is fine, or an operator or the campaign stopped it. */
const NOT_FAILED: ServerOutcome[] = [ServerOutcome.Done, ServerOutcome.Skipped, ServerOutcome.Cancelled];

export type CampaignStatus = CampaignProgress['status'];
export type StopKind = NonNullable<ControlState['stop']>['kind'];
/** Read-only all the way down: what the campaign's readers see of its nested state. */
type Frozen<T> = { readonly [K in keyof T]: T[K] extends object ? Frozen<T[K]> : T[K] };

/** The campaign's state; its fields change only through its methods. */
export class CampaignState implements CampaignView {
  readonly servers: RolloutState;
  readonly fleet: number;
  readonly failureBudget: number;
  /** Which run of the campaign workflow this is: 1, then +1 at every continue-as-new. */
  readonly runNumber: number;
  readonly startedAtMs: number;
  /** How many times faster than real time OVH's clock runs (a rehearsal against a sped-up simulator). */
  readonly ovhClockSpeed: number;
  /** These four are carried across continue-as-new, and change only through their own methods. */
  readonly notifier: Notifier;
  readonly learning: InstallLearning;
  readonly waves: CampaignWaves;
  readonly waits: AccountWaits;
  #controls: ControlState;
  #imageQualified: boolean;
  #imageSizeBytes?: number;
  #apiCalls: number;
  #failures: number;
  #status: CampaignStatus = 'running';
  /** Incremented by every signal, update and finish report. */
  #changes = 0;
  /** Child starts sent but not yet confirmed by the server. */
  #startsInFlight = 0;
  /** Set once the rollout returned: only the report is left to write, no server starts again. */
  #rolloutEnded = false;
  /** When the carried runs are next checked for a close unheard (closed-runs.ts). */
  #runCheckAtMs?: number;

  constructor(readonly input: CampaignInput) {
    const carried = input.carried;
    this.fleet = input.servers.length;
    this.failureBudget = resolveFailureBudget(input.settings.failureBudget, this.fleet);
    this.servers = new RolloutState(input.servers, carried);
    this.runNumber = (carried?.run ?? 0) + 1;
    this.startedAtMs = carried?.startedAtMs ?? Date.now();
    this.ovhClockSpeed = input.ovhClockSpeed ?? 1;
    this.#controls = carried?.controls ?? { paused: false, approvedWave: 0 };
    this.waves = new CampaignWaves(carried);
    this.#imageQualified = carried?.imageQualified ?? !input.settings.qualifyImage;
    this.#imageSizeBytes = carried?.imageSizeBytes;
    this.#apiCalls = carried?.apiCalls ?? 0;
    this.#failures = carried?.failures ?? 0;
    this.learning = new InstallLearning(carried);
    this.waits = new AccountWaits(this.servers.slots, carried?.waiting);
    this.notifier = new Notifier(
      {
        campaignId: input.campaignId,
        targets: input.settings.notify ?? [],
        totals: () => eventTotals(this),
        touch: () => this.touch(),
      },
      carried,
    );
    for (const slot of this.servers.slots)
      if (slot.result?.outcome === ServerOutcome.Done) this.learning.recordServer(slot.result.serverDurationMs);
  }

  get settings() {
    return this.input.settings;
  }
  get controls(): Frozen<ControlState> {
    return this.#controls;
  }
  get imageQualified(): boolean {
    return this.#imageQualified;
  }
  get imageSizeBytes(): number | undefined {
    return this.#imageSizeBytes;
  }
  get apiCalls(): number {
    return this.#apiCalls;
  }
  get failures(): number {
    return this.#failures;
  }
  get status(): CampaignStatus {
    return this.#status;
  }
  get changes(): number {
    return this.#changes;
  }
  get startsInFlight(): number {
    return this.#startsInFlight;
  }
  get rolloutEnded(): boolean {
    return this.#rolloutEnded;
  }

  touch(): void {
    this.#changes += 1;
  }

  concurrency(): number {
    return effectiveConcurrency(this.settings.maxParallel, this.fleet, this.#controls.concurrencyOverride);
  }

  waveSize(): number {
    return waveSize(this.settings.waves, this.waves.current.index, this.fleet);
  }

  /** Whether wave `index` (0-based) waits for an operator's approval before admitting. */
  approvalNeeded(index: number): boolean {
    if (index === 0 || index <= this.#controls.approvedWave) return false;
    if (this.settings.approval === ApprovalMode.BeforeEachWave) return true;
    return this.settings.approval === ApprovalMode.AfterCanary && index === 1;
  }

  /** Deadlines of one deployment in real time: what a server is assumed to take until durations exist. */
  deadlineMs(): number {
    const { installMs, bootMs } = this.settings.deadlines;
    return (installMs + bootMs) / this.ovhClockSpeed;
  }

  startQualifying(): void {
    this.#status = 'qualifying';
  }

  /** The image passed qualification: servers may start. */
  imageAccepted(sizeBytes: number | undefined): void {
    this.#imageSizeBytes = sizeBytes;
    this.#imageQualified = true;
  }

  /** The main loop waits: paused, baking, for an approval, for a window, or for stopped servers to end. */
  waitFor(status: Exclude<CampaignStatus, 'running' | 'qualifying'>): void {
    this.#status = status;
  }

  admitting(): void {
    this.#status = 'running';
  }

  /** The rollout returned: only the report is left to write. */
  endRollout(): void {
    this.#status = 'stopping';
    this.#rolloutEnded = true;
  }

  /** Stops admissions for good; a cancel overrides a drain or a halt (it also rolls back what runs). */
  stop(kind: StopKind, reason: string): void {
    const current = this.#controls.stop;
    if (current && (current.kind === 'cancel' || kind !== 'cancel')) return;
    this.#controls.stop = { kind, reason, childrenCancelled: false };
    if (kind === 'halt') this.notifier.raise('campaign.halted', { reason });
    this.touch();
  }

  /** True once per stop that rolls back what runs (a cancel, or a halt under failurePolicy rollback). */
  startRollBack(): boolean {
    const stop = this.#controls.stop;
    if (!stop || stop.childrenCancelled) return false;
    if (stop.kind !== 'cancel' && (stop.kind !== 'halt' || this.settings.failurePolicy !== 'rollback')) return false;
    stop.childrenCancelled = true;
    return true;
  }

  setPaused(paused: boolean): void {
    this.#controls.paused = paused;
    this.touch();
  }

  /** Approves the wave after the current one; returns the highest approved wave's number (1-based). */
  approveNextWave(): number {
    this.#controls.approvedWave = Math.max(this.#controls.approvedWave, this.waves.current.index + 1);
    this.touch();
    return this.#controls.approvedWave + 1;
  }

  /** An operator's parallelism; returns the concurrency in force. */
  overrideConcurrency(value: number): number {
    this.#controls.concurrencyOverride = value;
    this.touch();
    return this.concurrency();
  }

  /** `slot` joins the current wave and its start is sent; startSettled() follows once it is confirmed or refused. */
  admit(slot: ServerSlot): void {
    this.servers.markRunning(slot, this.waves.admitOne());
    this.#startsInFlight += 1;
  }

  startSettled(): void {
    this.#startsInFlight -= 1;
    this.touch();
  }

  skip(slot: ServerSlot): void {
    this.servers.finishWithout(slot, ServerOutcome.Skipped, 'An operator skipped the server before it started.');
    this.touch();
  }

  /** Queues a failed server again; returns its next attempt. */
  retry(slot: ServerSlot): number {
    const attempt = this.servers.retry(slot);
    this.touch();
    return attempt;
  }

  /** Applies a server's finish report (idempotent) and updates the counters. */
  recordResult(result: ServerResult): FinishEffect {
    const effect = this.servers.applyResult(result);
    if (effect === 'ignored') return effect;
    const slot = this.servers.find(result.serviceName);
    if (slot) this.waits.set(slot.index, undefined);
    this.#apiCalls += result.apiCalls;
    if (effect === 'finished' && BUDGET_OUTCOMES.includes(result.outcome)) {
      this.#failures += 1;
      this.waves.recordFailure(slot?.wave);
    }
    if (result.outcome === ServerOutcome.Done) {
      const serverDurationMs = result.finishedAtMs - result.startedAtMs;
      this.learning.record(serverDurationMs, this.ovhClockSpeed, result.installDurationMs, result.commercialRange);
    }
    if (effect === 'finished' && !NOT_FAILED.includes(result.outcome))
      this.notifier.raiseServerFailed(result, slot?.target);
    if (effect === 'finished' && slot && result.failureType === FailureType.NotGranted) this.stopAccount(slot, result);
    this.touch();
    return effect;
  }

  /** A running server started or stopped waiting for its OVH account; stale reports change nothing. */
  recordAccountStatus(report: AccountStatusReport): void {
    const slot = this.servers.find(report.serviceName);
    if (!slot || slot.state !== 'running' || slot.attempt !== report.attempt) return;
    this.waits.set(slot.index, report.sinceMs);
    this.touch();
  }

  /** When the carried runs are next checked: set `everyMs` from now by the first call after a check. */
  scheduleRunCheck(everyMs: number): number {
    this.#runCheckAtMs ??= Date.now() + everyMs;
    return this.#runCheckAtMs;
  }

  runCheckDone(): void {
    this.#runCheckAtMs = undefined;
  }

  /** Running servers that work, those waiting for their account aside: what maxParallel bounds. */
  activeCount(): number {
    return this.servers.runningCount - this.waits.count;
  }

  encode(): CarriedState {
    return {
      run: this.runNumber,
      startedAtMs: this.startedAtMs,
      imageQualified: this.#imageQualified,
      imageSizeBytes: this.#imageSizeBytes,
      ...this.servers.encode(),
      wave: this.waves.current,
      controls: this.#controls,
      apiCalls: this.#apiCalls,
      failures: this.#failures,
      ...this.learning.encode(),
      waveStarts: this.waves.starts.length > 0 ? [...this.waves.starts] : undefined,
      ...this.waits.encode(),
      ...this.notifier.encode(),
    };
  }

  /** A credential refusal: the account's pending servers would meet it too; they end unstarted, unbudgeted. */
  private stopAccount(refused: ServerSlot, result: ServerResult): void {
    const account = refused.target.account ?? DEFAULT_ACCOUNT;
    const message = `Not started: OVH refused a call on ${result.serviceName} that the credential of account ${account} was not granted. ${result.message ?? ''}`;
    this.servers.finishPendingOf(account, ServerOutcome.NotGranted, message.trim(), FailureType.NotGranted);
  }
}
