/**
 * Activity options of the workflows: reimageServerWorkflow's, and the ones the campaign and plan workflows
 * share. Short calls retry only OvhApiRetryable failures (every other FailureType is permanent). Every
 * regular activity heartbeats (src/activities/deps.ts keepAlive) under a 30-second heartbeat timeout, so the
 * activities of a dead worker are retried within 30 s; the retries resume from the last heartbeat (the
 * start's checkpoint, the wait's counters, the rollback's reboot task), against the same absolute deadlines.
 */
import {
  proxyActivities,
  proxyLocalActivities,
  ActivityCancellationType,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ReimageActivities } from '../activities/types';
import { FailureType } from '../shared/failure-types';
import type { DeployDeadlines, PollSettings } from '../shared/campaign-types';

/** Every failure type but OvhApiRetryable: retrying them cannot change OVH's answer. */
export const NON_RETRYABLE_TYPES: string[] = Object.values(FailureType).filter(
  (type) => type !== FailureType.OvhApiRetryable,
);

const retry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  // OVH rate limits recover within a minute; longer waits only delay the server.
  maximumInterval: '60s',
  maximumAttempts: 10,
  nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
};

/** Room for the last poll and the answer after the activity's own deadline (it throws TimedOut itself). */
const DEADLINE_MARGIN_MS = 3 * 60_000;
/**
 * Heartbeat timeout of the regular activities: how long a dead worker's activity goes unnoticed. The
 * activities heartbeat every third of it, even while waiting in the rate budget or on a slow OVH call.
 */
const WORKER_LOSS_MS = 30_000;

/**
 * How long a call may wait in the OVH rate budget: admission reads (`low`) and starts (`normal`) queue behind
 * every poll of a large wave on one key for minutes. The start's timeout exceeds it, so no start times out
 * while its POST still waits (a timed-out activity sends nothing more either: src/activities/deps.ts).
 */
const BUDGET_WAIT_MS = 15 * 60_000;
/** Room for the start's own calls once its POST has left the budget: reads, the POST and its answer. */
const START_CALLS_MS = 2 * 60_000;

/** Activity stubs for one server, built from its deadlines. */
export function serverActivities(
  deadlines: DeployDeadlines,
  poll: PollSettings,
): {
  reads: Pick<ReimageActivities, 'detectRoute' | 'preflightServer' | 'readDeployment'>;
  start: Pick<ReimageActivities, 'startDeployment'>;
  wait: Pick<ReimageActivities, 'waitForDeployment'>;
  verify: Pick<ReimageActivities, 'verifyBoot'>;
  rollback: Pick<ReimageActivities, 'rollbackToRescue'>;
} {
  return {
    // Read-only and short: local activities, recorded as markers in the workflow task that runs them, which
    // saves a task round trip per server. Re-running a read after a worker crash is harmless. The start is
    // NOT local: its idempotency relies on a heartbeated checkpoint that only a regular activity keeps.
    // Preflight calls wait last in the OVH budget (polls go first): a large wave on one key may wait minutes.
    reads: proxyLocalActivities<ReimageActivities>({
      startToCloseTimeout: BUDGET_WAIT_MS,
      localRetryThreshold: '10s',
      retry,
    }),
    // A dead worker's start is noticed by its heartbeat (30 s), not by this timeout.
    start: proxyActivities<ReimageActivities>({
      startToCloseTimeout: BUDGET_WAIT_MS + START_CALLS_MS,
      heartbeatTimeout: WORKER_LOSS_MS,
      retry,
    }),
    wait: proxyActivities<ReimageActivities>({
      startToCloseTimeout: deadlines.installMs + DEADLINE_MARGIN_MS,
      heartbeatTimeout: poll.heartbeatTimeoutMs ?? WORKER_LOSS_MS,
      // The wait only reads OVH: on cancellation the workflow moves on to the rollback at once.
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      retry,
    }),
    verify: proxyActivities<ReimageActivities>({
      startToCloseTimeout: deadlines.bootMs + DEADLINE_MARGIN_MS,
      heartbeatTimeout: WORKER_LOSS_MS,
      retry,
    }),
    rollback: proxyActivities<ReimageActivities>({
      startToCloseTimeout: deadlines.rollbackMs + DEADLINE_MARGIN_MS,
      heartbeatTimeout: WORKER_LOSS_MS,
      retry,
    }),
  };
}

/** qualifyImage streams the whole image to hash it: minutes for a large image over a slow link. */
export const qualifyOptions: ActivityOptions = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: WORKER_LOSS_MS,
  retry: { ...retry, maximumAttempts: 3 },
};
