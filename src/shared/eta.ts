/**
 * Expected server time and ETA from the durations of servers that finished in this campaign. Pure.
 * Until MIN_SAMPLES servers are done, the expected time is the deployment's deadlines (pessimistic on
 * purpose: a window admission based on it never overruns).
 */
import type { LearnedInstalls } from './campaign-report-types';

/** Done servers needed before their durations replace the defaults (deadlines, the poll policy's 11 minutes). */
export const MIN_SAMPLES = 3;
/** Only the latest durations count: the campaign adapts when OVH gets slower or faster. */
export const SAMPLE_SIZE = 200;

/** The q-quantile (0..1) of `values` (nearest rank); undefined for an empty list. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The time a newly admitted server is expected to take: p95 of done durations, else `fallbackMs`. */
export function expectedServerMs(doneDurations: readonly number[], fallbackMs: number): number {
  if (doneDurations.length < MIN_SAMPLES) return fallbackMs;
  return quantile(doneDurations, 0.95) ?? fallbackMs;
}

/**
 * Remaining time in real time, ignoring windows, bake times and approvals: the servers left go through
 * `concurrency` slots, each taking the learned install plus the time around it (install-durations.ts, on
 * OVH's clock, which runs `ovhClockSpeed` times faster than real time in a rehearsal), which follow OVH's
 * pace; without them (servers of an older worker report no install duration) the median duration of done
 * servers; `fallbackMs` (real time) until enough samples exist.
 */
export function estimateEtaMs(input: {
  pending: number;
  running: number;
  concurrency: number;
  learned?: Pick<LearnedInstalls, 'typicalInstallMs' | 'overheadMs'>;
  ovhClockSpeed?: number;
  doneDurations: readonly number[];
  fallbackMs: number;
}): number {
  const median = input.doneDurations.length >= MIN_SAMPLES ? quantile(input.doneDurations, 0.5) : undefined;
  const learnedMs =
    input.learned && (input.learned.typicalInstallMs + input.learned.overheadMs) / (input.ovhClockSpeed ?? 1);
  const typical = learnedMs ?? median ?? input.fallbackMs;
  const left = input.pending + input.running;
  if (left === 0) return 0;
  return Math.round(Math.ceil(left / Math.max(1, input.concurrency)) * typical);
}
