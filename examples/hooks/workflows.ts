/**
 * The sample hook workflows. reimage starts them as child workflows on the team's task queue, with the hook
 * payload as their only argument (see HookPayload: event, deliveryId, campaignId, server, attempt); their
 * result or failure is the hook's. In a campaign file:
 *
 *   hooks:
 *     beforeWipe: { workflow: { type: drainNode, taskQueue: k8s-ops, timeout: 10m } }
 *     afterBoot:  { workflow: { type: undrainNode, taskQueue: k8s-ops, timeout: 30m } }
 *
 * The workflow ID is hook/<deliveryId>: one run per hook and attempt, even across worker crashes.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { HookPayload } from '../../src/domain/hooks';
import { POOL_REFUSED, type PoolActivities } from './activities';

const pool = proxyActivities<PoolActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumAttempts: 5, nonRetryableErrorTypes: [POOL_REFUSED] },
});

/** beforeWipe: take the server out of service. A failure leaves the server untouched by reimage. */
export async function drainNode(payload: HookPayload): Promise<void> {
  await pool.removeFromPool(payload.server.serviceName);
}

/** afterBoot: put the reimaged server back. A failure ends it hook_failed: installed, not back in service. */
export async function undrainNode(payload: HookPayload): Promise<void> {
  await pool.addToPool(payload.server.serviceName);
}
