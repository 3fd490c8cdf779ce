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
 */

export interface RateBudgetOptions {
  /** Requests allowed per `perMs`. */
  requests: number;
  perMs: number;
  /** Requests allowed back to back after an idle period; default min(requests, 10). */
  burst?: number;
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
 * A token bucket in its GCRA form: each acquisition reserves the next free slot at once (so concurrent
 * callers are served in arrival order) and then waits for it.
 */
export class RateBudget {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly now: () => number;
  private readonly onWait?: (waitedMs: number) => void;
  private theoreticalArrival = 0;
  private readonly counters: RateBudgetStats = { acquired: 0, waits: 0, waitedMs: 0, pauses: 0 };

  constructor(options: RateBudgetOptions) {
    if (!(options.requests > 0) || !(options.perMs > 0)) {
      throw new RangeError(
        `The OVH rate budget must allow at least one request per period (got ${options.requests}/${options.perMs} ms).`,
      );
    }
    const burst = Math.max(1, Math.floor(options.burst ?? Math.min(options.requests, 10)));
    this.intervalMs = options.perMs / options.requests;
    this.toleranceMs = (burst - 1) * this.intervalMs;
    this.now = options.now ?? Date.now;
    this.onWait = options.onWait;
  }

  /** Waits until `tokens` requests may be sent; resolves with the time waited. */
  async acquire(tokens = 1): Promise<number> {
    const waitMs = this.reserve(tokens);
    this.counters.acquired += tokens;
    if (waitMs > 0) {
      this.counters.waits += 1;
      this.counters.waitedMs += waitMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    this.onWait?.(waitMs);
    return waitMs;
  }

  /** No request leaves for `ms` (after a 429), then requests resume at the steady rate without a burst. */
  pauseFor(ms: number): void {
    this.counters.pauses += 1;
    this.theoreticalArrival = Math.max(this.theoreticalArrival, this.now() + ms + this.toleranceMs);
  }

  stats(): RateBudgetStats {
    return { ...this.counters };
  }

  private reserve(tokens: number): number {
    const now = this.now();
    const arrival = Math.max(this.theoreticalArrival, now);
    // The last of the `tokens` requests must also fit, so the wait is computed for it.
    const allowedAt = arrival + (tokens - 1) * this.intervalMs - this.toleranceMs;
    this.theoreticalArrival = arrival + tokens * this.intervalMs;
    return Math.max(0, allowedAt - now);
  }
}

/** A budget of `requests` per `perMs` (the shape config.ts parses from OVH_RATE_LIMIT). */
export function createRateBudget(limit: { requests: number; perMs: number }, burst?: number): RateBudget {
  return new RateBudget({ ...limit, burst });
}
