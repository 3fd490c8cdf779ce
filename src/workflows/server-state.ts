/**
 * The state of one server's reimage as its workflow keeps it (not OVH's view of the server): current phase,
 * time per phase, deployments, API calls, and the search attributes that mirror them. Workflow-safe;
 * `Date.now()` is the workflow clock in the sandbox.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CallbackHostKeys } from '../domain/completion';
import { ServerOutcome, type FailureType } from '../shared/failure-types';
import {
  ServerPhase,
  type PhaseDurations,
  type PhaseSpan,
  type ReimageServerInput,
  type ServerProgress,
  type ServerResult,
} from '../shared/campaign-types';
import {
  accountAttribute,
  campaignIdAttribute,
  datacenterAttribute,
  outcomeAttribute,
  phaseAttribute,
  serverNameAttribute,
} from '../shared/search-attributes';
import { CallbackInbox } from './callback-inbox';

/** Mutable state of one server's reimage; the progress query reads it. */
export class ServerState {
  phase: ServerPhase = ServerPhase.Queued;
  phaseStartedAtMs = Date.now();
  readonly startedAtMs = Date.now();
  deployments = 0;
  apiCalls = 0;
  taskId?: number;
  /** OVH's duration of the last install that ended well (reported so the campaign learns from it). */
  installDurationMs?: number;
  /** The server's offer as preflight read it: the campaign learns install durations per range. */
  commercialRange?: string;
  result?: ServerResult;
  /** Set while the server waits for its OVH account (account-outage.ts), for the progress query. */
  waiting?: string;
  /** The callbacks of this run's deployments (campaigns with completion.callback). */
  readonly callbacks = new CallbackInbox();
  /** The host keys the last deployment's server sent with its callback. */
  hostKeys?: CallbackHostKeys;
  /** What preflight read that the start, the boot check and the rollback take instead of reading again. */
  known: { taskCheckpoint?: number; rescueBootId?: number; harddiskBootIds?: number[] } = {};
  private readonly durations: PhaseDurations = {};
  /** The phases so far, the current one last (its end is set when it closes). */
  private readonly spans: PhaseSpan[] = [];

  constructor(readonly input: ReimageServerInput) {}

  get maxDeployments(): number {
    return 1 + this.input.settings.redeployAfterRollback;
  }

  /** Closes the current phase's clock, opens `phase`'s, and mirrors it in the search attributes. */
  enter(phase: ServerPhase): void {
    this.closePhase();
    const first = this.phase === ServerPhase.Queued;
    this.phase = phase;
    if (phase !== ServerPhase.Queued && phase !== ServerPhase.Finished) {
      const offset = this.phaseStartedAtMs - this.startedAtMs;
      this.spans.push([phase, offset, offset, 0]);
    }
    upsertSearchAttributes([...(first ? this.identityAttributes() : []), { key: phaseAttribute, value: phase }]);
  }

  /** Adds an activity's API calls to the server's total. */
  count(result: { apiCalls: number }): void {
    this.apiCalls += result.apiCalls;
    const current = this.spans.at(-1);
    if (current) current[3] += result.apiCalls;
  }

  /** Ends the reimage with `outcome`; returns the result the workflow reports. */
  finish(
    outcome: ServerOutcome,
    failure?: { failureType?: FailureType; message?: string; installKept?: true },
  ): ServerResult {
    this.closePhase();
    this.phase = ServerPhase.Finished;
    const now = Date.now();
    this.result = {
      serviceName: this.input.serviceName,
      attempt: this.input.attempt,
      outcome,
      failureType: failure?.failureType,
      message: outcome !== ServerOutcome.Done ? failure?.message || undefined : undefined,
      deployments: this.deployments,
      startedAtMs: this.startedAtMs,
      finishedAtMs: now,
      durations: { ...this.durations },
      phases: this.spans.map((span) => [...span]),
      apiCalls: this.apiCalls,
      installDurationMs: this.installDurationMs,
      commercialRange: this.commercialRange || undefined,
      installKept: failure?.installKept,
      hostKeys: outcome === ServerOutcome.Done ? this.hostKeys : undefined,
    };
    upsertSearchAttributes([
      { key: phaseAttribute, value: ServerPhase.Finished },
      { key: outcomeAttribute, value: outcome },
    ]);
    return this.result;
  }

  progress(): ServerProgress {
    return {
      serviceName: this.input.serviceName,
      campaignId: this.input.campaignId,
      attempt: this.input.attempt,
      phase: this.phase,
      phaseStartedAtMs: this.phaseStartedAtMs,
      startedAtMs: this.startedAtMs,
      deployments: this.deployments,
      maxDeployments: this.maxDeployments,
      taskId: this.taskId,
      apiCalls: this.apiCalls,
      waiting: this.waiting,
      result: this.result,
    };
  }

  private closePhase(): void {
    const now = Date.now();
    if (this.phase !== ServerPhase.Queued && this.phase !== ServerPhase.Finished) {
      this.durations[this.phase] = (this.durations[this.phase] ?? 0) + (now - this.phaseStartedAtMs);
      const current = this.spans.at(-1);
      if (current) current[2] = now - this.startedAtMs;
    }
    this.phaseStartedAtMs = now;
  }

  private identityAttributes() {
    const { campaignId, serviceName, datacenter, account } = this.input;
    return [
      { key: campaignIdAttribute, value: campaignId },
      { key: serverNameAttribute, value: serviceName },
      ...(datacenter ? [{ key: datacenterAttribute, value: datacenter }] : []),
      ...(account !== undefined ? [{ key: accountAttribute, value: account }] : []),
    ];
  }
}
