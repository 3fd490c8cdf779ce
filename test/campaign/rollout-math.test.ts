import fc from 'fast-check';
import { resolveFailureBudget, isBudgetExceeded, resolveCount, waveSizes } from '../../src/campaign/rollout-math';

describe('resolveCount', () => {
  it('rounds a percentage of the fleet down', () => {
    expect(resolveCount({ percent: 20 }, 100)).toBe(20);
    expect(resolveCount({ percent: 20 }, 12)).toBe(2);
    expect(resolveCount({ percent: 30 }, 20)).toBe(6);
  });

  it('never resolves a percentage below one server', () => {
    expect(resolveCount({ percent: 10 }, 5)).toBe(1);
    expect(resolveCount({ percent: 1 }, 3)).toBe(1);
  });

  it('caps a count at the fleet size', () => {
    expect(resolveCount({ count: 50 }, 8)).toBe(8);
    expect(resolveCount({ count: 3 }, 8)).toBe(3);
  });

  it('resolves anything to zero servers for an empty fleet', () => {
    expect(resolveCount({ count: 5 }, 0)).toBe(0);
    expect(resolveCount({ percent: 100 }, 0)).toBe(0);
  });

  it('always lands within [1, fleet] for a non-empty fleet', () => {
    const countOrPercent = fc.oneof(
      fc.integer({ min: 1, max: 10_000 }).map((count) => ({ count })),
      fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })),
    );
    fc.assert(
      fc.property(countOrPercent, fc.integer({ min: 1, max: 100_000 }), (value, fleet) => {
        const resolved = resolveCount(value, fleet);
        return Number.isInteger(resolved) && resolved >= 1 && resolved <= fleet;
      }),
      { numRuns: 500 },
    );
  });
});

describe('resolveFailureBudget and isBudgetExceeded', () => {
  it('rounds a percentage budget down, without a minimum', () => {
    expect(resolveFailureBudget({ percent: 10 }, 50)).toBe(5);
    expect(resolveFailureBudget({ percent: 10 }, 19)).toBe(1);
    expect(resolveFailureBudget({ percent: 10 }, 9)).toBe(0);
  });

  it('halts only when failures are strictly more than the budget', () => {
    expect(isBudgetExceeded(5, { percent: 10 }, 50)).toBe(false);
    expect(isBudgetExceeded(6, { percent: 10 }, 50)).toBe(true);
    expect(isBudgetExceeded(0, { count: 0 }, 100)).toBe(false);
    expect(isBudgetExceeded(1, { count: 0 }, 100)).toBe(true);
  });

  it('never tolerates more failures than the percentage of the fleet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100_000 }), (percent, fleet) => {
        const tolerated = resolveFailureBudget({ percent }, fleet);
        return tolerated * 100 <= percent * fleet && (tolerated + 1) * 100 > percent * fleet;
      }),
      { numRuns: 500 },
    );
  });
});

describe('waveSizes', () => {
  it('expands a ramp, repeating its last entry until the fleet is covered', () => {
    expect(waveSizes([{ count: 1 }, { count: 5 }, { percent: 20 }], 100)).toEqual([1, 5, 20, 20, 20, 20, 14]);
    expect(waveSizes([{ count: 1 }, { percent: 50 }], 4)).toEqual([1, 2, 1]);
    expect(waveSizes([{ percent: 30 }], 20)).toEqual([6, 6, 6, 2]);
  });

  it('stops as soon as the fleet is covered, even mid-ramp', () => {
    expect(waveSizes([{ count: 1 }, { count: 5 }, { count: 50 }], 3)).toEqual([1, 2]);
  });

  it('makes an empty ramp one wave holding the whole fleet', () => {
    expect(waveSizes([], 30)).toEqual([30]);
  });

  it('has no waves for an empty fleet', () => {
    expect(waveSizes([{ count: 1 }], 0)).toEqual([]);
  });

  it('produces positive wave sizes that sum to the fleet', () => {
    const entry = fc.oneof(
      fc.integer({ min: 1, max: 500 }).map((count) => ({ count })),
      fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), fc.integer({ min: 1, max: 5_000 }), (waves, fleet) => {
        const sizes = waveSizes(waves, fleet);
        return sizes.every((size) => size >= 1) && sizes.reduce((sum, size) => sum + size, 0) === fleet;
      }),
      { numRuns: 500 },
    );
  });
});
