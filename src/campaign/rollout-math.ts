/**
 * Rollout arithmetic: how counts and percentages of the fleet become numbers of servers.
 * Workflow-safe: pure functions over plain data, no imports at run time.
 *
 * Rounding rules (the README quotes them):
 * - Concurrency and wave sizes (`rollout.maxParallel`, `rollout.waves`): a percentage of the fleet rounds
 *   DOWN, with a minimum of 1, like Kubernetes' maxUnavailable and SSM's MaxConcurrency. A count larger than
 *   the fleet means the whole fleet.
 * - Failure budget (`rollout.failureBudget`): the number of failures tolerated. A percentage rounds DOWN with
 *   no minimum; the campaign halts when failures are strictly greater than the budget ("exceeded").
 */
import type { CountOrPercent } from '../shared/campaign-types';

export type { CountOrPercent };

/**
 * Servers that a count or percentage stands for in a fleet of `fleetSize` (concurrency and wave sizes).
 *
 * Rule: a percentage rounds down with a minimum of 1; a count is capped at the fleet; the result is always in
 * [1, fleetSize] when the fleet is not empty, and 0 for an empty fleet.
 *
 * @example resolveCount({ percent: 20 }, 100) // 20
 * @example resolveCount({ percent: 20 }, 12)  // 2  (2.4 rounds down)
 * @example resolveCount({ percent: 10 }, 5)   // 1  (0.5 rounds down to 0, raised to the minimum of 1)
 * @example resolveCount({ count: 50 }, 8)     // 8  (capped at the fleet)
 */
export function resolveCount(value: CountOrPercent, fleetSize: number): number {
  if (fleetSize <= 0) return 0;
  const raw = 'count' in value ? value.count : Math.floor((value.percent * fleetSize) / 100);
  return Math.min(fleetSize, Math.max(1, Math.floor(raw)));
}

/**
 * Failures a campaign tolerates before it halts, for a fleet of `fleetSize`.
 *
 * Rule: a percentage rounds down (no minimum); a count is used as written. The budget is exceeded, and the
 * campaign halts, when failures > resolveFailureBudget (strictly greater; see `isBudgetExceeded`).
 *
 * @example resolveFailureBudget({ percent: 10 }, 50) // 5: the 6th failure halts the campaign
 * @example resolveFailureBudget({ percent: 10 }, 19) // 1: 1.9 rounds down; the 2nd failure halts
 * @example resolveFailureBudget({ percent: 10 }, 9)  // 0: 0.9 rounds down; the 1st failure halts
 * @example resolveFailureBudget({ count: 0 }, 100)   // 0: the 1st failure halts (SSM's MaxErrors default)
 */
export function resolveFailureBudget(budget: CountOrPercent, fleetSize: number): number {
  if ('count' in budget) return Math.max(0, Math.floor(budget.count));
  return Math.floor((budget.percent * Math.max(0, fleetSize)) / 100);
}

/** True when `failures` exceeds the budget (strictly more failures than tolerated): the campaign halts. */
export function isBudgetExceeded(failures: number, budget: CountOrPercent, fleetSize: number): boolean {
  return failures > resolveFailureBudget(budget, fleetSize);
}

/**
 * Concrete wave sizes for a ramp such as `[1, 5, "20%"]`: each entry resolved with `resolveCount` against
 * the whole fleet, the last entry repeating until the fleet is covered, the final wave holding what is left.
 * An empty ramp is one wave holding the whole fleet. The sizes always sum to `fleetSize`.
 *
 * @example waveSizes([{ count: 1 }, { count: 5 }, { percent: 20 }], 100) // [1, 5, 20, 20, 20, 20, 14]
 * @example waveSizes([{ count: 1 }, { percent: 50 }], 4)                  // [1, 2, 1]
 * @example waveSizes([], 30)                                               // [30]
 */
export function waveSizes(waves: readonly CountOrPercent[], fleetSize: number): number[] {
  if (fleetSize <= 0) return [];
  if (waves.length === 0) return [fleetSize];
  const sizes: number[] = [];
  let remaining = fleetSize;
  for (let index = 0; remaining > 0; index += 1) {
    const entry = waves[Math.min(index, waves.length - 1)] as CountOrPercent;
    const size = Math.min(remaining, resolveCount(entry, fleetSize));
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}
