/**
 * Where every server of a campaign stands: pending (queued in admission order), running (one child workflow
 * in flight), or finished (with its outcome). Pure and deterministic; encodes to compact tuples for
 * continue-as-new. Finish reports are idempotent on (serviceName, attempt): a duplicate or stale report
 * changes nothing.
 */
import { BUDGET_OUTCOMES, type FailureType, ServerOutcome } from '../shared/failure-types';
import type { ServerResult, ServerTarget } from '../shared/campaign-types';
import type { CarriedState, ResultTuple, RunningTuple } from '../shared/campaign-report-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import { type FinishedRow, fromTuple, toRow, toTuple } from './finished-rows';

/** One server of the campaign as RolloutState keeps it; the other modules see it read-only (ServerSlot). */
interface Slot {
  index: number;
  target: ServerTarget;
  state: 'pending' | 'running' | 'finished';
  /** The attempt running now, or the next one when pending. */
  attempt: number;
  runId?: string;
  wave?: number;
  /** Cancelled because its window closed: its rollback requeues it instead of finishing it. */
  windowCancelled?: boolean;
  /**
   * Cancelled before its start was confirmed: cancelled by run ID once it is. Never carried: continue-as-new
   * waits until every start is confirmed.
   */
  cancelWhenStarted?: boolean;
  /** Its run was started by this run of the campaign, which hears of its close (closed-runs.ts). Never carried. */
  watched?: boolean;
  result?: FinishedRow;
}

/** A server of the campaign; only RolloutState's methods change it. */
export type ServerSlot = Readonly<Slot>;

/** What applying a finish report did. */
export type FinishEffect = 'finished' | 'requeued' | 'ignored';

type CarriedSlots = Pick<CarriedState, 'results' | 'running' | 'pending' | 'attempts'>;

/** Per-server state of a campaign. */
export class RolloutState {
  readonly #slots: Slot[];
  private readonly byName = new Map<string, Slot>();
  private queue: number[];
  private readonly runningByKey = new Map<string, number>();
  #runningCount = 0;
  #finishedCount = 0;

  constructor(servers: ServerTarget[], carried?: CarriedSlots) {
    this.#slots = servers.map((target, index) => ({ index, target, state: 'pending', attempt: 1 }));
    for (const slot of this.#slots) this.byName.set(slot.target.serviceName, slot);
    this.queue = carried ? [...carried.pending] : this.#slots.map((slot) => slot.index);
    if (carried) this.restore(carried);
  }

  get slots(): readonly ServerSlot[] {
    return this.#slots;
  }
  get pendingCount(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.#runningCount;
  }
  get finishedCount(): number {
    return this.#finishedCount;
  }

  find(serviceName: string): ServerSlot | undefined {
    return this.byName.get(serviceName);
  }

  running(): ServerSlot[] {
    return this.#slots.filter((slot) => slot.state === 'running');
  }

  /**
   * Up to `limit` pending servers in order, skipping those whose rack or datacenter is at its cap and those
   * `admissible` refuses (an unreachable account's).
   */
  candidates(
    limit: number,
    caps: { maxPerRack?: number; maxPerDatacenter?: number },
    admissible: (slot: ServerSlot) => boolean = () => true,
  ): ServerSlot[] {
    const picked: ServerSlot[] = [];
    const extra = new Map<string, number>();
    for (const index of this.queue) {
      if (picked.length >= limit) break;
      const slot = this.own(index);
      if (!admissible(slot)) continue;
      const keys = this.capKeys(slot, caps);
      if (keys.some(([key, cap]) => (this.runningByKey.get(key) ?? 0) + (extra.get(key) ?? 0) >= cap)) continue;
      for (const [key] of keys) extra.set(key, (extra.get(key) ?? 0) + 1);
      picked.push(slot);
    }
    return picked;
  }

  markRunning(admitted: ServerSlot, wave: number): void {
    const slot = this.own(admitted.index);
    this.dequeue(slot);
    slot.state = 'running';
    slot.wave = wave;
    this.#runningCount += 1;
    for (const key of this.allKeys(slot)) this.runningByKey.set(key, (this.runningByKey.get(key) ?? 0) + 1);
  }

  /** The start of the server's run is confirmed: the campaign may cancel that run, and hears of its close. */
  startConfirmed(started: ServerSlot, runId: string): void {
    const slot = this.own(started.index);
    slot.runId = runId;
    slot.watched = true;
  }

  /**
   * The server refused its start: it finishes `outcome` unstarted. With no run of ours to roll back, a server
   * cancelled at its window's close finishes too instead of being requeued.
   */
  startRefused(refused: ServerSlot, outcome: ServerOutcome, message: string, failureType?: FailureType): void {
    const slot = this.own(refused.index);
    if (slot.cancelWhenStarted) slot.windowCancelled = undefined;
    this.finishWithout(slot, outcome, message, failureType);
  }

  /**
   * The campaign cancels the running server: at once when its start is confirmed, else once it is. One
   * cancelled at its window's close is requeued by its rollback.
   */
  cancelRequested(cancelled: ServerSlot, atWindowClose: boolean): void {
    const slot = this.own(cancelled.index);
    if (atWindowClose) slot.windowCancelled = true;
    if (slot.runId === undefined) slot.cancelWhenStarted = true;
  }

  /** The server's cancel is being sent: nothing waits for its start any more. */
  cancelSent(cancelled: ServerSlot): void {
    this.own(cancelled.index).cancelWhenStarted = undefined;
  }

  /** Applies a server's finish report; idempotent on (serviceName, attempt). */
  applyResult(result: ServerResult): FinishEffect {
    const slot = this.byName.get(result.serviceName);
    if (!slot || slot.state !== 'running' || slot.attempt !== result.attempt) return 'ignored';
    this.leaveRunning(slot);
    // A server cancelled at its window's close waits for the next one, unless it kept its new OS.
    if (slot.windowCancelled && result.outcome === ServerOutcome.Cancelled && !result.installKept) {
      slot.windowCancelled = undefined;
      this.requeue(slot);
      return 'requeued';
    }
    this.finish(slot, toRow(result));
    return 'finished';
  }

  /** Ends a server that never ran (skip, lock, halt): it is finished with `outcome`. */
  finishWithout(ended: ServerSlot, outcome: ServerOutcome, message: string, failureType?: FailureType): void {
    const slot = this.own(ended.index);
    if (slot.state === 'running') this.leaveRunning(slot);
    else this.dequeue(slot);
    this.finish(slot, {
      outcome,
      message,
      failureType,
      attempt: slot.attempt,
      deployments: 0,
      apiCalls: 0,
      serverDurationMs: 0,
      installingMs: 0,
    });
  }

  /** Ends every pending server of `account` unstarted, as finishWithout does. */
  finishPendingOf(account: string, outcome: ServerOutcome, message: string, failureType?: FailureType): void {
    for (const slot of this.#slots) {
      if (slot.state === 'pending' && (slot.target.account ?? DEFAULT_ACCOUNT) === account) {
        this.finishWithout(slot, outcome, message, failureType);
      }
    }
  }

  /** Queues a finished server again with the next attempt number. */
  retry(failed: ServerSlot): number {
    const slot = this.own(failed.index);
    slot.result = undefined;
    this.#finishedCount -= 1;
    this.requeue(slot);
    return slot.attempt;
  }

  isBudgetFailure(slot: ServerSlot): boolean {
    return slot.result !== undefined && BUDGET_OUTCOMES.includes(slot.result.outcome);
  }

  encode(): CarriedSlots {
    const results: ResultTuple[] = [];
    const running: RunningTuple[] = [];
    const attempts: [number, number][] = [];
    for (const slot of this.#slots) {
      if (slot.result) results.push(toTuple(slot.index, slot.result));
      if (slot.state === 'running') {
        const tuple: RunningTuple = [slot.index, slot.attempt, slot.runId ?? '', slot.wave ?? 0];
        if (slot.windowCancelled) tuple.push(1);
        running.push(tuple);
      } else if (slot.attempt > 1) attempts.push([slot.index, slot.attempt]);
    }
    return { results, running, pending: [...this.queue], attempts };
  }

  private restore(carried: CarriedSlots): void {
    for (const [index, attempt] of carried.attempts) this.own(index).attempt = attempt;
    for (const tuple of carried.results) this.finish(this.own(tuple[0]), fromTuple(tuple));
    for (const [index, attempt, runId, wave, windowCancelled] of carried.running) {
      const slot = this.own(index);
      Object.assign(slot, { attempt, runId: runId || undefined, windowCancelled: windowCancelled === 1 || undefined });
      this.markRunning(slot, wave);
    }
  }

  /** The slot itself, which only this class changes. */
  private own(index: number): Slot {
    return this.#slots[index] as Slot;
  }

  private finish(slot: Slot, row: FinishedRow): void {
    slot.state = 'finished';
    slot.result = row;
    this.#finishedCount += 1;
  }

  /** Admissions take from the front, so the search is short. */
  private dequeue(slot: ServerSlot): void {
    const at = this.queue.indexOf(slot.index);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private requeue(slot: Slot): void {
    slot.state = 'pending';
    slot.attempt += 1;
    slot.runId = undefined;
    this.queue.push(slot.index);
  }

  private leaveRunning(slot: Slot): void {
    slot.cancelWhenStarted = undefined;
    slot.watched = undefined;
    this.#runningCount -= 1;
    for (const key of this.allKeys(slot)) this.runningByKey.set(key, (this.runningByKey.get(key) ?? 1) - 1);
  }

  private allKeys(slot: ServerSlot): string[] {
    return this.capKeys(slot, { maxPerRack: 0, maxPerDatacenter: 0 }).map(([key]) => key);
  }

  /** Rack keys include the datacenter: rack names repeat across datacenters. */
  private capKeys(slot: ServerSlot, caps: { maxPerRack?: number; maxPerDatacenter?: number }): [string, number][] {
    const { datacenter, rack } = slot.target;
    const keys: [string, number][] = [];
    if (rack !== undefined && caps.maxPerRack !== undefined)
      keys.push([`rack:${datacenter ?? ''}/${rack}`, caps.maxPerRack]);
    if (datacenter !== undefined && caps.maxPerDatacenter !== undefined)
      keys.push([`dc:${datacenter}`, caps.maxPerDatacenter]);
    return keys;
  }
}
