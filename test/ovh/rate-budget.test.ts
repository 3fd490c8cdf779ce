import { RateBudget } from '../../src/ovh/rate-budget';

/** A budget on a fake clock: acquisitions return their wait without sleeping for real. */
function budgetAt(options: { requests: number; perMs: number; burst?: number }) {
  let now = 0;
  const budget = new RateBudget({ ...options, now: () => now });
  return {
    budget,
    advance: (ms: number) => (now += ms),
    reserve: (tokens = 1) => (budget as unknown as { reserve(t: number): number }).reserve(tokens),
  };
}

describe('RateBudget', () => {
  it('lets a burst through at once, then spaces requests at the steady rate', () => {
    const { reserve } = budgetAt({ requests: 60, perMs: 60_000, burst: 3 });
    expect([reserve(), reserve(), reserve(), reserve(), reserve()]).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('refills while idle, up to the burst and no more', () => {
    const { reserve, advance } = budgetAt({ requests: 60, perMs: 60_000, burst: 2 });
    reserve();
    reserve();
    advance(10_000);
    expect([reserve(), reserve(), reserve()]).toEqual([0, 0, 1000]);
  });

  it('charges two tokens for a call that also costs GET /auth/time', () => {
    const { reserve } = budgetAt({ requests: 60, perMs: 60_000, burst: 1 });
    expect([reserve(2), reserve()]).toEqual([1000, 2000]);
  });

  it('holds every request for the Retry-After delay of a 429, then resumes without a burst', () => {
    const { budget, reserve } = budgetAt({ requests: 60, perMs: 60_000, burst: 5 });
    budget.pauseFor(7000);
    expect([reserve(), reserve()]).toEqual([7000, 8000]);
    expect(budget.stats().pauses).toBe(1);
  });

  it('never admits more than burst + rate x window requests in any window', () => {
    const { reserve, advance } = budgetAt({ requests: 600, perMs: 60_000, burst: 4 });
    const sendTimes: number[] = [];
    let clock = 0;
    for (let index = 0; index < 200; index += 1) {
      sendTimes.push(clock + reserve());
      advance(37);
      clock += 37;
    }
    for (const start of sendTimes) {
      const inWindow = sendTimes.filter((time) => time >= start && time < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(4 + 10);
    }
  });

  it('waits for real and counts the waits', async () => {
    const budget = new RateBudget({ requests: 20, perMs: 1000, burst: 1 });
    const started = Date.now();
    await Promise.all([budget.acquire(), budget.acquire(), budget.acquire()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(budget.stats()).toMatchObject({ acquired: 3, waits: 2 });
  });

  it('refuses a budget that allows nothing', () => {
    expect(() => new RateBudget({ requests: 0, perMs: 60_000 })).toThrow(
      'The OVH rate budget must allow at least one request per period (got 0/60000 ms).',
    );
  });
});
