/**
 * Counts that depend on the fleet size: parallelism, wave sizes and the failure budget. Pure. The rounding
 * rules are src/campaign/rollout-math.ts's (the README quotes them):
 * - parallelism and wave sizes: a percentage rounds DOWN with a minimum of 1 (10% of 15 servers = 1);
 * - failure budget: a percentage rounds DOWN with no minimum (10% of 19 = 1; 5% of 15 = 0);
 * - the budget is exceeded only when failures are strictly above it: exactly at the budget continues.
 */
import { failuresTolerated, isBudgetExceeded, resolveCount } from '../campaign/rollout-math';
import type { CountOrPercent } from '../shared/campaign-types';

/** In-flight children never exceed this, whatever the settings: Temporal advises <= 500 pending per run. */
export const MAX_IN_FLIGHT = 500;

/** Failures allowed before the campaign halts. */
export function resolveBudget(value: CountOrPercent, fleet: number): number {
  return failuresTolerated(value, fleet);
}

/** The size of wave `index` (0-based); the last configured wave repeats. Empty ramp: the whole fleet. */
export function waveSize(waves: CountOrPercent[], index: number, fleet: number): number {
  const wave = waves[Math.min(index, waves.length - 1)];
  return wave === undefined ? Math.max(1, fleet) : Math.max(1, resolveCount(wave, fleet));
}

/** True when `failures` is strictly above what `budget` tolerates. */
export function budgetExceeded(failures: number, budget: CountOrPercent, fleet: number): boolean {
  return isBudgetExceeded(failures, budget, fleet);
}

/** The effective parallelism: the operator's override or the setting, capped at MAX_IN_FLIGHT. */
export function effectiveConcurrency(setting: CountOrPercent, fleet: number, override?: number): number {
  return Math.max(1, Math.min(MAX_IN_FLIGHT, override ?? resolveCount(setting, fleet)));
}
