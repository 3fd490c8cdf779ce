/**
 * Counts that depend on the fleet size: parallelism and wave sizes. Pure. The rounding rules (and the failure
 * budget's) are src/campaign/rollout-math.ts's: a percentage rounds DOWN with a minimum of 1 (10% of 15
 * servers = 1).
 */
import { resolveCount } from '../campaign/rollout-math';
import type { CountOrPercent } from '../shared/campaign-types';

/** In-flight children never exceed this, whatever the settings: Temporal advises <= 500 pending per run. */
export const MAX_IN_FLIGHT = 500;

/** The size of wave `index` (0-based); the last configured wave repeats. Empty ramp: the whole fleet. */
export function waveSize(waves: CountOrPercent[], index: number, fleet: number): number {
  const wave = waves[Math.min(index, waves.length - 1)];
  return wave === undefined ? Math.max(1, fleet) : Math.max(1, resolveCount(wave, fleet));
}

/** The effective parallelism: the operator's override or the setting, capped at MAX_IN_FLIGHT. */
export function effectiveConcurrency(setting: CountOrPercent, fleet: number, override?: number): number {
  return Math.max(1, Math.min(MAX_IN_FLIGHT, override ?? resolveCount(setting, fleet)));
}
