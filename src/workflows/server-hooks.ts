/**
 * The lifecycle hooks of one server's reimage: a webhook (the callWebhookHook activity) or the team's own
 * workflow on its own task queue (a child workflow), both given the same payload. A server without hooks
 * sends no command here, so histories recorded before hooks existed replay unchanged.
 *
 * Guarantees
 * - Once per attempt: the delivery ID (and the child's workflow ID) is campaign/server/attempt/hook, the same
 *   for every retry and every replay after a worker crash; the hook's result is in history, so a replay never
 *   calls it again. afterRollback runs once per rollback (its ID carries the deployment number).
 * - A cancel during a hook cancels it (the webhook's request is aborted, the child workflow is cancelled) and
 *   propagates; the caller runs no further hook. A hook inside a rollback's non-cancellable scope completes.
 * - A failed hook is a StepFailure (outcome hook_failed) with the hook's own words; the caller decides what it
 *   means for the server.
 */
import {
  ActivityCancellationType,
  ChildWorkflowCancellationType,
  executeChild,
  isCancellation,
  proxyActivities,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { TimeoutFailure } from '@temporalio/common';
import type { HookActivities } from '../activities/types';
import type { HookName, HookPayload, HookSpec } from '../domain/hooks';
import { FailureType, ServerOutcome } from '../shared/failure-types';
import { ServerPhase } from '../shared/campaign-types';
import type { StepFailure } from './server-failures';
import type { ServerState } from './server-state';

/** Room after a webhook's own deadline for its last try to answer and the activity to report. */
const WEBHOOK_MARGIN_MS = 60_000;
/** How long a dead worker's hook activity goes unnoticed (the activity heartbeats every third of it). */
const WORKER_LOSS_MS = 30_000;

/** The delivery ID of `name` for the server's current attempt (and deployment, for afterRollback). */
function deliveryId(server: ServerState, name: HookName): string {
  const { campaignId, serviceName, attempt } = server.input;
  const base = `${campaignId}/${serviceName}/${attempt}/${name}`;
  return name === 'afterRollback' ? `${base}/${server.deployments}` : base;
}

function payloadFor(server: ServerState, name: HookName, about: Partial<StepFailure>): HookPayload {
  const { campaignId, serviceName, datacenter, rack, attempt } = server.input;
  return {
    event: name,
    deliveryId: deliveryId(server, name),
    campaignId,
    server: { serviceName, datacenter: datacenter || undefined, rack: rack || undefined },
    attempt,
    outcome: about.outcome,
    message: about.message || undefined,
  };
}

async function callHook(spec: HookSpec, name: HookName, payload: HookPayload): Promise<void> {
  if (spec.kind === 'webhook') {
    const acts = proxyActivities<HookActivities>({
      startToCloseTimeout: spec.timeoutMs + WEBHOOK_MARGIN_MS,
      heartbeatTimeout: WORKER_LOSS_MS,
      // On a cancel the request is aborted and the workflow moves on at once.
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      // The activity retries the receiver itself within the deadline; Temporal retries only a lost worker.
      retry: { maximumAttempts: 3, nonRetryableErrorTypes: Object.values(FailureType) },
    });
    const { url, secret, timeoutMs } = spec;
    const deadlineAt = new Date(Date.now() + timeoutMs).toISOString();
    await acts.callWebhookHook({
      hook: name,
      target: { url, timeoutMs, secret: secret || undefined },
      payload,
      deadlineAt,
    });
    return;
  }
  await executeChild(spec.workflowType, {
    taskQueue: spec.taskQueue,
    workflowId: `hook/${payload.deliveryId}`,
    args: [payload],
    workflowExecutionTimeout: spec.timeoutMs,
    cancellationType: ChildWorkflowCancellationType.TRY_CANCEL,
    // A hook that succeeded for this delivery never runs again; a failed one may (an operator's reset).
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
  });
}

function hookFailure(spec: HookSpec, name: HookName, err: unknown): StepFailure {
  let cause = err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const what = spec.kind === 'webhook' ? 'webhook' : `workflow ${spec.workflowType} on task queue ${spec.taskQueue}`;
  // The innermost failure is the hook's own words (the receiver's answer, the team workflow's error).
  const reason =
    cause instanceof TimeoutFailure
      ? `it did not finish within its timeout of ${Math.round(spec.timeoutMs / 1000)} s.`
      : cause instanceof Error
        ? cause.message
        : String(cause);
  return {
    outcome: ServerOutcome.HookFailed,
    failureType: FailureType.HookFailed,
    message: `The ${name} hook (${what}) failed: ${reason.replace(/([^.!?])$/, '$1.')}`,
  };
}

/**
 * Runs hook `name` when the campaign has one; undefined when it succeeded (or there is none), else its
 * failure. `about` (afterRollback) is the outcome and message the payload carries. A cancel propagates.
 */
export async function runHook(
  server: ServerState,
  name: HookName,
  about: Partial<StepFailure> = {},
): Promise<StepFailure | undefined> {
  const spec = server.input.settings.hooks?.[name];
  if (!spec) return undefined;
  // What follows a hook enters its own phase (or finishes): the hook's phase needs no closing here.
  server.enter(ServerPhase.Hook);
  try {
    await callHook(spec, name, payloadFor(server, name, about));
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return hookFailure(spec, name, err);
  }
}
