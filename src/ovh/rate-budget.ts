/**
 * The rate budget: every call to one OVH account from this process goes through one token bucket.
 *
 * ## Sharing the budget between workers (paste into the README)
 *
 * OVH's fair-use figure is about 60 requests per minute per consumer key, and OVH does not document its
 * limiter. The budget (`OVH_RATE_LIMIT`, default `60/min`) is enforced **per worker process**: each worker
 * holds its own bucket. When several workers use the same OVH credentials, either give each worker
 * `OVH_RATE_LIMIT` = account budget / number of workers (e.g. `20/min` for three workers), or run the OVH
 * activities on one dedicated task queue and set the Worker option `maxTaskQueueActivitiesPerSecond` on it,
 * which Temporal enforces across all workers polling that queue (it limits activity starts, not calls, so
 * keep a per-process budget too). A 429 from OVH pauses the whole bucket for the `Retry-After` delay, and the
 * activity that received it is retried after that delay.
 *
 * ## Never more than the limit in any window
 *
 * A plain token bucket (GCRA) with a burst of b admits b - 1 + requests calls in some windows of `perMs`:
 * a limiter that counts calls per window (fixed or sliding, as OVH's likely is and the simulator's is)
 * answers the excess with 429. So the bucket also remembers its last `requests` calls and sends no call
 * before the oldest of them has been *answered* for `perMs + slackMs`: OVH counted that call before it
 * answered, so however long the network took, the two never fall in one window of `perMs`. A call still
 * unanswered holds its place until its answer (the client always settles, at worst on its own timeout).
 *
 * ## A restart adds nothing to the window
 *
 * A worker killed and started again cannot know what its predecessor sent, and OVH counts both. So a new
 * budget sends nothing for `burst` intervals plus `slackMs`, then paces at the steady rate without a burst:
 * 11.2 s at the default 60/min (burst 10, one call a second, slack 1.2 s), first start included, since
 * nothing tells a first start from a restart. Why that is enough, with R = `requests`, W = `perMs`,
 * I = W / R, b = `burst` and D the wait:
 *  - the old process obeyed its own GCRA, so it sent fewer than b + x / I calls in its last x ms;
 *  - the new one sends fewer than 1 + (y - D) / I calls in its first y ms;
 *  - a window of W that holds calls of both holds x ms of the old life and y ms of the new with
 *    x + y <= W, so fewer than b + 1 + R - D / I calls: at most R once D >= b * I. The slack covers the
 *    old calls still on their way to OVH when their process died.
 * The wait cannot be much shorter: the old process may have spent its whole burst just before it died,
 * and an even start (D = I, an empty bucket) still lets up to R + b - 1 calls into one window. Nor does a
 * chain of restarts add up: the new bucket starts no fuller than the old one ended, so all the processes
 * so far obey one GCRA together, and they are the "old process" of the next restart. `fresh: true` skips
 * the wait, for a budget whose calls share no window with another process's (a test's own simulator); a
 * worker cannot know that, so it never sets it.
 *
 * ## Priority
 *
 * Waiting calls are served in arrival order within three classes: `high` (polls of running installs,
 * whose delay is the orchestrator's detection latency), then `normal` (start, verify, rollback: servers
 * already under way), then `low` (preflight and route detection: admitting new servers). When the budget
 * is short, new servers are admitted more slowly instead of every install being noticed late.
 */

export type RatePriority = 'high' | 'normal' | 'low';

/** Classes in the order they are served. */
const SERVICE_ORDER: readonly RatePriority[] = ['high', 'normal', 'low'];

export interface RateBudgetOptions {
  /** Requests allowed per `perMs`. */
  requests: number;
  perMs: number;
  /** Requests allowed back to back after an idle period; default min(requests, 10). */
  burst?: number;
  /** Extra spacing of the window check, in ms; default 2 % of `perMs`. */
  slackMs?: number;
  /** Skip the wait a new budget observes for a predecessor's calls (see the header); default false. */
  fresh?: boolean;
  now?: () => number;
  /** Called with the time each acquisition waited (metrics). */
  onWait?: (waitedMs: number) => void;
}

export interface RateBudgetStats {
  acquired: number;
  /** Acquisitions that had to wait. */
  waits: number;
  waitedMs: number;
  /** Pauses caused by OVH's 429 answers. */
  pauses: number;
}

/**
 * When calls may be sent: a GCRA token bucket plus a window check over the last `requests` grants. Pure
 * (no timers): `allowedAt` asks, `commit` records a grant.
 */
export class SlotPlanner {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly windowMs: number;
  private readonly capacity: number;
  private theoreticalArrival = 0;
  /** The last `capacity` calls, oldest first: when they were sent, then answered. */
  private readonly sent: Array<{ at: number; answered: boolean }> = [];
  private pausedUntil = 0;

  /** `start`: when the budget was created, the moment its predecessor's calls may have stopped. */
  constructor(options: {
    requests: number;
    perMs: number;
    burst?: number;
    slackMs?: number;
    fresh?: boolean;
    start?: number;
  }) {
    if (!(options.requests > 0) || !(options.perMs > 0)) {
      throw new RangeError(
        `The OVH rate budget must allow at least one request per period (got ${options.requests}/${options.perMs} ms).`,
      );
    }
    this.capacity = Math.max(1, Math.floor(options.requests));
    const burst = Math.min(this.capacity, Math.max(1, Math.floor(options.burst ?? Math.min(options.requests, 10))));
    this.intervalMs = options.perMs / options.requests;
    this.toleranceMs = (burst - 1) * this.intervalMs;
    const slackMs = options.slackMs ?? options.perMs / 50;
    this.windowMs = options.perMs + slackMs;
    if (!options.fresh) this.pauseUntil((options.start ?? 0) + burst * this.intervalMs + slackMs);
  }

  /** Earliest time (ms) at which `tokens` more calls may be sent, `now` being the current time. */
  allowedAt(tokens: number, now: number): number {
    const arrival = Math.max(this.theoreticalArrival, now);
    const bucket = arrival + (tokens - 1) * this.intervalMs - this.toleranceMs;
    // The last of the `tokens` calls needs a window with room: `tokens` grants must have left it.
    const leaving = this.sent.length + tokens - this.capacity;
    const oldest = leaving > 0 ? this.sent[leaving - 1] : undefined;
    // Unanswered: not before its answer, which comes no earlier than now.
    const window = oldest ? (oldest.answered ? oldest.at : now) + this.windowMs : 0;
    return Math.max(now, bucket, window, this.pausedUntil);
  }

  /** Records `tokens` calls sent at `at` (at least `allowedAt`); call the result when they are answered. */
  commit(tokens: number, at: number): (answeredAt: number) => void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, at) + tokens * this.intervalMs;
    const calls = Array.from({ length: tokens }, () => ({ at, answered: false }));
    this.sent.push(...calls);
    if (this.sent.length > this.capacity) this.sent.splice(0, this.sent.length - this.capacity);
    return (answeredAt) => {
      for (const call of calls) Object.assign(call, { at: Math.max(call.at, answeredAt), answered: true });
    };
  }

  /** Nothing is sent before `until`; then calls resume at the steady rate without a burst. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.theoreticalArrival = Math.max(this.theoreticalArrival, until + this.toleranceMs);
  }
}

/** A granted acquisition: how long it waited, and `answered()` to call once OVH answered the call(s). */
export interface RateGrant {
  waitedMs: number;
  answered(): void;
}

interface Waiting {
  tokens: number;
  enqueuedAt: number;
  resolve: (grant: RateGrant) => void;
}

/** The process-wide budget: a SlotPlanner and two queues of waiting calls served by one timer. */
export class RateBudget {
  private readonly planner: SlotPlanner;
  private readonly now: () => number;
  private readonly onWait?: (waitedMs: number) => void;
  private readonly queues: Record<RatePriority, Waiting[]> = { high: [], normal: [], low: [] };
  private timer?: NodeJS.Timeout;
  private readonly counters: RateBudgetStats = { acquired: 0, waits: 0, waitedMs: 0, pauses: 0 };

  constructor(options: RateBudgetOptions) {
    this.now = options.now ?? Date.now;
    this.planner = new SlotPlanner({ ...options, start: this.now() });
    this.onWait = options.onWait;
  }

  /**
   * Waits until `tokens` requests may be sent; call `answered()` on the grant when OVH has answered. Aborting
   * `signal` takes the call out of the queue and rejects with the signal's reason: a cancelled caller's call
   * is never granted, so it is never sent later.
   */
  acquire(tokens = 1, priority: RatePriority = 'normal', signal?: AbortSignal): Promise<RateGrant> {
    return new Promise<RateGrant>((resolve, reject) => {
      signal?.throwIfAborted();
      const waiting: Waiting = {
        tokens,
        enqueuedAt: this.now(),
        resolve: (grant) => {
          signal?.removeEventListener('abort', leave);
          resolve(grant);
        },
      };
      const leave = () => {
        this.leave(this.queues[priority], waiting);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.queues[priority].push(waiting);
      this.pump();
    }).then((grant) => {
      this.counters.acquired += tokens;
      if (grant.waitedMs > 0) {
        this.counters.waits += 1;
        this.counters.waitedMs += grant.waitedMs;
      }
      this.onWait?.(grant.waitedMs);
      return grant;
    });
  }

  /** No request leaves for `ms` (after a 429), then requests resume at the steady rate without a burst. */
  pauseFor(ms: number): void {
    this.counters.pauses += 1;
    this.planner.pauseUntil(this.now() + ms);
  }

  stats(): RateBudgetStats {
    return { ...this.counters };
  }

  /** Takes a call out of its queue; the next one may then be due at once. */
  private leave(queue: Waiting[], waiting: Waiting): void {
    const index = queue.indexOf(waiting);
    if (index >= 0) queue.splice(index, 1);
    this.pump();
  }

  /** Grants every call whose slot has come, highest priority first, and sleeps until the next slot. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      const queue = SERVICE_ORDER.map((priority) => this.queues[priority]).find((waiting) => waiting.length > 0);
      const next = queue?.[0];
      if (!queue || !next) return;
      const now = this.now();
      const at = this.planner.allowedAt(next.tokens, now);
      if (at > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, at - now);
        return;
      }
      queue.shift();
      const close = this.planner.commit(next.tokens, now);
      next.resolve({
        waitedMs: now - next.enqueuedAt,
        answered: () => {
          close(this.now());
          // An answer can open the window earlier than the timer planned.
          this.pump();
        },
      });
    }
  }
}
