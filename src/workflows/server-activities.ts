/**
 * Activity options of reimageServerWorkflow. Short calls retry only OvhApiRetryable failures (every other
 * FailureType is permanent); waitForDeployment heartbeats, so a dead worker is noticed within its heartbeat
 * timeout and the retry resumes from the last heartbeat, against the same absolute deadline.
 */
import {
  proxyActivities,
  ActivityCancellationType,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ReimageActivities } from '../activities/types';
import { FailureType } from '../shared/failure-types';
import type { DeployDeadlines, PollPolicy } from '../shared/campaign-types';

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
/** Floor of the wait's heartbeat timeout; it also covers two poll intervals (a poller beats at least per poll). */
const MIN_WAIT_HEARTBEAT_MS = 2 * 60_000;

const shortCall: ActivityOptions = { startToCloseTimeout: '2m', retry };

/** Activity stubs for one server, built from its deadlines. */
export function serverActivities(
  deadlines: DeployDeadlines,
  poll: PollPolicy,
): {
  short: Pick<ReimageActivities, 'detectRoute' | 'preflightServer' | 'startDeployment'>;
  wait: Pick<ReimageActivities, 'waitForDeployment'>;
  verify: Pick<ReimageActivities, 'verifyBoot'>;
  rollback: Pick<ReimageActivities, 'rollbackToRescue'>;
} {
  return {
    short: proxyActivities<ReimageActivities>(shortCall),
    wait: proxyActivities<ReimageActivities>({
      startToCloseTimeout: deadlines.installMs + DEADLINE_MARGIN_MS,
      heartbeatTimeout: Math.max(MIN_WAIT_HEARTBEAT_MS, 2 * poll.maxMs),
      // The wait only reads OVH: on cancellation the workflow moves on to the rollback at once.
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      retry,
    }),
    verify: proxyActivities<ReimageActivities>({ startToCloseTimeout: deadlines.bootMs + DEADLINE_MARGIN_MS, retry }),
    rollback: proxyActivities<ReimageActivities>({
      startToCloseTimeout: deadlines.rollbackMs + DEADLINE_MARGIN_MS,
      retry,
    }),
  };
}

/** qualifyImage streams the whole image to hash it: minutes for a large image over a slow link. */
export const qualifyOptions: ActivityOptions = {
  startToCloseTimeout: '30m',
  retry: { ...retry, maximumAttempts: 3 },
};
