/**
 * rollbackToRescue: stops what can be stopped (a deployment task still waiting is cancelled; a running one
 * is awaited, OVH cannot stop it), then boots the server into rescue and reads it back. Idempotent: a
 * reboot an earlier try started is adopted. A rollback that cannot reach rescue throws RollbackFailed
 * (non-retryable): a person must look at the server. The result says whether the deployment task still
 * runs at OVH once the server is in rescue (a hung installer): no redeploy may start over it.
 */
import { FailureType } from '../shared/failure-types';
import type { OvhCaller } from '../ovh/client';
import { getTask } from '../ovh/dedicated-server';
import { routeFor } from '../ovh/routes';
import { isPendingTaskStatus } from '../ovh/schemas';
import { activityInfo } from '@temporalio/activity';
import { z } from 'zod';
import type { RescueCheckpoint } from '../ovh/routes/types';
import { activityWaiter, ovhSession, workflowDeadline, type ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import type { RollbackInput, RollbackResult } from './types';

/** Default time a rollback may take: a running install must end, then a hard reboot (a few minutes). */
const DEFAULT_ROLLBACK_MS = 30 * 60_000;
const DEFAULT_POLL_MS = 10_000;

/** Heartbeat details of rollbackToRescue (see RescueCheckpoint). */
const checkpointSchema = z.object({ rebootTaskId: z.number().int().optional() });

/** The rollbackToRescue activity body. */
export async function rollbackToRescue(input: RollbackInput, deps: ActivityDeps): Promise<RollbackResult> {
  const api = ovhSession(deps);
  const now = (deps.clock ?? Date.now)();
  const info = activityInfo();
  const restored = checkpointSchema.safeParse(info.heartbeatDetails);
  const checkpoint: RescueCheckpoint = restored.success ? { rebootTaskId: restored.data.rebootTaskId } : {};
  const waiter = activityWaiter(deps, () => ({ ...checkpoint }));
  try {
    const outcome = await routeFor(input.route, api).rollback(
      { serviceName: input.serviceName, taskId: input.handle?.taskId },
      {
        deadlineMs: input.deadlineAt ? workflowDeadline(deps, input.deadlineAt) : now + DEFAULT_ROLLBACK_MS,
        pollMs: input.pollMs ?? DEFAULT_POLL_MS,
        attempt: info.attempt,
        checkpoint,
        rescueBootId: input.rescueBootId,
        waiter,
      },
    );
    deps.logger?.info('Server is in rescue.', { serviceName: input.serviceName, rescueBootId: outcome.rescueBootId });
    const pending = await stillPending(api, input.serviceName, input.handle?.taskId);
    return { inRescue: true, ...outcome, deploymentTaskPending: pending || undefined, apiCalls: api.calls };
  } catch (error) {
    // Permanent OVH refusals during a rollback also need a person: they become RollbackFailed.
    throw toActivityFailure(error, { permanentType: FailureType.RollbackFailed });
  }
}

/**
 * Whether the deployment task still runs (OVH cannot stop a running installer; the rollback reboots over a
 * hung one). A task that cannot be read counts as running: a redeploy must never post over a live install.
 */
async function stillPending(api: OvhCaller, sn: string, taskId: number | undefined): Promise<boolean> {
  if (taskId === undefined) return false;
  try {
    return isPendingTaskStatus((await getTask(api, sn, taskId)).status);
  } catch {
    return true;
  }
}
