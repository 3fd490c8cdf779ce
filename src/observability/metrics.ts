/**
 * reimage's own Prometheus metrics, next to the SDK's runtime metrics on the worker's endpoint
 * (REIMAGE_METRICS_BIND): OVH calls by route and status, rate-budget waits, servers by outcome.
 */
import type { MetricMeter } from '@temporalio/common';

export interface ReimageMetrics {
  /** One OVH API call; `status` is the HTTP status, or "network" when no answer came. */
  ovhCall(route: string, method: string, status: number | 'network'): void;
  /** Time a call waited for the rate budget. */
  rateBudgetWait(waitedMs: number): void;
}

export const noMetrics: ReimageMetrics = { ovhCall: () => undefined, rateBudgetWait: () => undefined };

/** Metrics recorded through a Temporal MetricMeter (the worker Runtime's, exported by Prometheus). */
export function meterMetrics(meter: MetricMeter): ReimageMetrics {
  const calls = meter.createCounter('reimage_ovh_calls', 'calls', 'OVH API calls by route template and status');
  const waits = meter.createCounter('reimage_rate_budget_waits', 'waits', 'OVH calls that waited for the rate budget');
  const waited = meter.createHistogram(
    'reimage_rate_budget_wait',
    'int',
    'ms',
    'Time spent waiting for the rate budget',
  );
  return {
    ovhCall: (route, method, status) => calls.add(1, { route, method, status: String(status) }),
    rateBudgetWait: (waitedMs) => {
      if (waitedMs <= 0) return;
      waits.add(1);
      waited.record(Math.round(waitedMs));
    },
  };
}
