import { RateBudget, SlotPlanner, type RatePriority } from '../../src/ovh/rate-budget';

/** Send times of `count` calls offered every `everyMs` (0: all at once), as the planner grants them. */
function sendTimes(planner: SlotPlanner, count: number, everyMs = 0, tokens = 1): number[] {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = planner.allowedAt(tokens, index * everyMs);
    planner.commit(tokens, at)(at);
    times.push(at);
  }
  return times;
}

/** Send times of a process that always has a call waiting, from `from` until it dies at `until`. */
function serveUntil(planner: SlotPlanner, from: number, until: number): number[] {
  const times: number[] = [];
  for (let at = planner.allowedAt(1, from); at < until; at = planner.allowedAt(1, at)) {
    planner.commit(1, at)(at);
    times.push(at);
  }
  return times;
}

/** The most calls sent in any window of `windowMs` that starts at a send. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + windowMs).length));
}

describe('SlotPlanner', () => {
  it('lets a burst through at once, then spaces requests at the steady rate', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 3, fresh: true });
    expect(sendTimes(planner, 5)).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('refills while idle, up to the burst and no more', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 2, fresh: true });
    sendTimes(planner, 2);
    expect(
      [10_000, 10_000, 10_000].map((now) => {
        const at = planner.allowedAt(1, now);
        planner.commit(1, at)(at);
        return at;
      }),
    ).toEqual([10_000, 10_000, 11_000]);
  });

  it('charges two tokens for a call that also costs GET /auth/time', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 1, fresh: true });
    expect([sendTimes(planner, 1, 0, 2)[0], planner.allowedAt(1, 0)]).toEqual([1000, 3000]);
  });

  it('never sends more than the limit in any window, burst included, whatever the demand', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 10, fresh: true });
    const times = sendTimes(planner, 400, 100);
    expect(busiestWindow(times, 60_000)).toBe(60);
    expect(busiestWindow(times, 60_000 * 1.02)).toBe(60);
  });

  it('keeps the steady rate within the window slack of the limit', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 10, slackMs: 600, fresh: true });
    const times = sendTimes(planner, 601);
    expect(times.at(-1)).toBe(10 * 60_600);
  });

  it('counts a window from the answer of its oldest call, and waits for an answer still missing', () => {
    const planner = new SlotPlanner({ requests: 2, perMs: 1000, burst: 2, fresh: true });
    const answer = planner.commit(2, 0);
    expect(planner.allowedAt(1, 100)).toBe(100 + 1020);
    answer(500);
    expect(planner.allowedAt(1, 100)).toBe(500 + 1020);
  });

  it('holds every request until a pause ends, then resumes without a burst', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 5, fresh: true });
    planner.pauseUntil(7000);
    expect(sendTimes(planner, 2)).toEqual([7000, 8000]);
  });

  it('holds a new budget for its burst and the slack, then paces it at the steady rate without a burst', () => {
    const planner = new SlotPlanner({ requests: 60, perMs: 60_000, burst: 10, slackMs: 1200, start: 5000 });
    expect(sendTimes(planner, 3)).toEqual([16_200, 17_200, 18_200]);
  });

  it('keeps a killed process and its successor within the limit in every window, whatever the old one sent last', () => {
    const limit = { requests: 60, perMs: 60_000, burst: 10 };
    const killedAt = 120_000;
    const busiest: number[] = [];
    // The old process idles until `busyFrom` (its bucket fills up), then always has a call waiting.
    for (const busyFrom of [0, 30_000, 60_000, 90_000, 100_000, 110_000, 119_000]) {
      for (const downMs of [0, 2000, 9000]) {
        const before = serveUntil(new SlotPlanner({ ...limit, fresh: true }), busyFrom, killedAt);
        const restartedAt = killedAt + downMs;
        const successor = new SlotPlanner({ ...limit, start: restartedAt });
        const after = serveUntil(successor, restartedAt, restartedAt + 3 * 60_000);
        busiest.push(busiestWindow([...before, ...after], 60_000 * 1.02));
      }
    }
    expect(Math.max(...busiest)).toBe(60);
  });

  it('holds the limit across restarts that follow each other within one window', () => {
    const limit = { requests: 60, perMs: 60_000, burst: 10 };
    const lives = [0, 50_000, 65_000, 70_000, 71_000, 300_000];
    const times = lives.slice(0, -1).flatMap((start, i) => {
      const planner = new SlotPlanner({ ...limit, start, fresh: i === 0 });
      return serveUntil(planner, start, lives[i + 1]!);
    });
    expect(busiestWindow(times, 60_000 * 1.02)).toBe(60);
  });

  it('refuses a budget that allows nothing', () => {
    expect(() => new SlotPlanner({ requests: 0, perMs: 60_000 })).toThrow(
      'The OVH rate budget must allow at least one request per period (got 0/60000 ms).',
    );
  });
});

describe('RateBudget', () => {
  it('serves waiting polls first, then servers under way, then admissions, each in arrival order', async () => {
    const budget = new RateBudget({ requests: 100, perMs: 1000, burst: 1, fresh: true });
    const order: string[] = [];
    const track = (name: string, priority: RatePriority) => budget.acquire(1, priority).then(() => order.push(name));
    await Promise.all([
      track('low-1', 'low'),
      track('low-2', 'low'),
      track('normal-1', 'normal'),
      track('low-3', 'low'),
      track('high-1', 'high'),
      track('normal-2', 'normal'),
      track('high-2', 'high'),
    ]);
    expect(order).toEqual(['low-1', 'high-1', 'high-2', 'normal-1', 'normal-2', 'low-2', 'low-3']);
  });

  it('makes the first call of a new budget wait for its burst and the slack, on its own clock', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const budget = new RateBudget({ requests: 60, perMs: 60_000, burst: 10 });
      let waited: number | undefined;
      void budget.acquire().then((grant) => (waited = grant.waitedMs));
      await jest.advanceTimersByTimeAsync(11_199);
      expect(waited).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(waited).toBe(11_200);
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes a call whose signal aborts out of the queue, rejecting with its reason, and serves the next', async () => {
    const budget = new RateBudget({ requests: 100, perMs: 1000, burst: 1, fresh: true });
    budget.pauseFor(50);
    const cancel = new AbortController();
    const cancelled = budget.acquire(1, 'normal', cancel.signal);
    const next = budget.acquire(1, 'normal');
    cancel.abort(new Error('the activity timed out'));
    await expect(cancelled).rejects.toThrow('the activity timed out');
    await expect(next).resolves.toMatchObject({ waitedMs: expect.any(Number) });
    await expect(budget.acquire(1, 'normal', cancel.signal)).rejects.toThrow('the activity timed out');
    expect(budget.stats()).toMatchObject({ acquired: 1 });
  });

  it('counts the acquisitions that waited and the 429 pauses', async () => {
    const budget = new RateBudget({ requests: 200, perMs: 1000, burst: 1, fresh: true });
    await Promise.all([budget.acquire(), budget.acquire(), budget.acquire()]);
    budget.pauseFor(5);
    expect(budget.stats()).toMatchObject({ acquired: 3, waits: 2, pauses: 1 });
  });
});
