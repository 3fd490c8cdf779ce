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

/** A finished server's compact outcome. */
export interface FinishedRow {
  outcome: ServerOutcome;
  failureType?: FailureType;
  message?: string;
  attempt: number;
  deployments: number;
  apiCalls: number;
  /** The whole reimage, start to finish: the server duration. */
  serverDurationMs: number;
  /** Time in the installing phase, over every deployment: not the install duration. */
  installingMs: number;
}

export interface ServerSlot {
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

/** What applying a finish report did. */
export type FinishEffect = 'finished' | 'requeued' | 'ignored';

type CarriedSlots = Pick<CarriedState, 'results' | 'running' | 'pending' | 'attempts'>;

/** Per-server state of a campaign. */
export class RolloutState {
  readonly slots: ServerSlot[];
  private readonly byName = new Map<string, ServerSlot>();
  private queue: number[];
  private readonly runningByKey = new Map<string, number>();
  runningCount = 0;
  finishedCount = 0;

  constructor(servers: ServerTarget[], carried?: CarriedSlots) {
    this.slots = servers.map((target, index) => ({ index, target, state: 'pending', attempt: 1 }));
    for (const slot of this.slots) this.byName.set(slot.target.serviceName, slot);
    this.queue = carried ? [...carried.pending] : this.slots.map((slot) => slot.index);
    if (carried) this.restore(carried);
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  find(serviceName: string): ServerSlot | undefined {
    return this.byName.get(serviceName);
  }

  running(): ServerSlot[] {
    return this.slots.filter((slot) => slot.state === 'running');
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
      const slot = this.slots[index] as ServerSlot;
      if (!admissible(slot)) continue;
      const keys = this.capKeys(slot, caps);
      if (keys.some(([key, cap]) => (this.runningByKey.get(key) ?? 0) + (extra.get(key) ?? 0) >= cap)) continue;
      for (const [key] of keys) extra.set(key, (extra.get(key) ?? 0) + 1);
      picked.push(slot);
    }
    return picked;
  }

  markRunning(slot: ServerSlot, wave: number): void {
    this.dequeue(slot);
    slot.state = 'running';
    slot.wave = wave;
    this.runningCount += 1;
    for (const key of this.allKeys(slot)) this.runningByKey.set(key, (this.runningByKey.get(key) ?? 0) + 1);
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
  finishWithout(slot: ServerSlot, outcome: ServerOutcome, message: string, failureType?: FailureType): void {
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
    for (const slot of this.slots) {
      if (slot.state === 'pending' && (slot.target.account ?? DEFAULT_ACCOUNT) === account) {
        this.finishWithout(slot, outcome, message, failureType);
      }
    }
  }

  /** Queues a finished server again with the next attempt number. */
  retry(slot: ServerSlot): number {
    slot.result = undefined;
    this.finishedCount -= 1;
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
    for (const slot of this.slots) {
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
    for (const [index, attempt] of carried.attempts) (this.slots[index] as ServerSlot).attempt = attempt;
    for (const tuple of carried.results) this.finish(this.slots[tuple[0]] as ServerSlot, fromTuple(tuple));
    for (const [index, attempt, runId, wave, windowCancelled] of carried.running) {
      const slot = this.slots[index] as ServerSlot;
      Object.assign(slot, { attempt, runId: runId || undefined, windowCancelled: windowCancelled === 1 || undefined });
      this.markRunning(slot, wave);
    }
  }

  private finish(slot: ServerSlot, row: FinishedRow): void {
    slot.state = 'finished';
    slot.result = row;
    this.finishedCount += 1;
  }

  /** Admissions take from the front, so the search is short. */
  private dequeue(slot: ServerSlot): void {
    const at = this.queue.indexOf(slot.index);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private requeue(slot: ServerSlot): void {
    slot.state = 'pending';
    slot.attempt += 1;
    slot.runId = undefined;
    this.queue.push(slot.index);
  }

  private leaveRunning(slot: ServerSlot): void {
    slot.cancelWhenStarted = undefined;
    slot.watched = undefined;
    this.runningCount -= 1;
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

function toRow(result: ServerResult): FinishedRow {
  return {
    outcome: result.outcome,
    failureType: result.failureType,
    message: result.message,
    attempt: result.attempt,
    deployments: result.deployments,
    apiCalls: result.apiCalls,
    serverDurationMs: result.finishedAtMs - result.startedAtMs,
    installingMs: result.durations.installing ?? 0,
  };
}

function toTuple(index: number, row: FinishedRow): ResultTuple {
  const tuple: ResultTuple = [
    index,
    row.outcome,
    row.attempt,
    row.deployments,
    row.apiCalls,
    row.serverDurationMs,
    row.installingMs,
  ];
  if (row.failureType || row.message) tuple.push(row.failureType ?? '', row.message ?? '');
  return tuple;
}

function fromTuple(tuple: ResultTuple): FinishedRow {
  const [, outcome, attempt, deployments, apiCalls, serverDurationMs, installingMs, failureType, message] = tuple;
  return {
    outcome,
    attempt,
    deployments,
    apiCalls,
    serverDurationMs,
    installingMs,
    ...(failureType ? { failureType } : {}),
    ...(message ? { message } : {}),
  };
}
