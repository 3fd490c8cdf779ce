/**
 * Activities of the sample hook worker: take a server out of a load-balancer pool and put it back, through
 * the pool's HTTP API (DELETE / PUT <POOL_URL>/members/<serviceName>). A 4xx answer is final (the pool said
 * no: the workflow fails, so the reimage hook fails); anything else is retried by Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';

/** Failure type of a refusal by the pool; the workflows do not retry it. */
export const POOL_REFUSED = 'PoolRefused';

export function createPoolActivities(poolUrl: string) {
  async function call(method: 'DELETE' | 'PUT', serviceName: string): Promise<void> {
    const url = `${poolUrl}/members/${encodeURIComponent(serviceName)}`;
    const response = await fetch(url, { method });
    if (response.ok) return;
    const text = (await response.text()).slice(0, 200);
    const message = `${method} ${url} answered HTTP ${response.status}: ${text}`;
    if (response.status >= 400 && response.status < 500) throw ApplicationFailure.nonRetryable(message, POOL_REFUSED);
    throw new Error(message);
  }
  return {
    /** Takes the server out of the pool (idempotent: a server already out stays out). */
    removeFromPool: (serviceName: string) => call('DELETE', serviceName),
    /** Puts the server back (the pool checks its health first). */
    addToPool: (serviceName: string) => call('PUT', serviceName),
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;
