/**
 * Two clocks: the API clock (`GET /auth/time`, signature timestamps) is real time plus a configurable
 * offset, because clients sign with their own clock; the simulated clock runs `speed` times faster
 * from the moment the simulator starts and drives every task and install.
 */

export class SimClock {
  private readonly origin = Date.now();
  private skippedMs = 0;
  constructor(
    readonly speed: number,
    readonly offsetSeconds: number,
  ) {}

  /** Simulated time in epoch milliseconds. */
  now(): number {
    return this.origin + (Date.now() - this.origin) * this.speed + this.skippedMs;
  }

  /** Jumps simulated time forward (rehearsals, tests); the API clock is not affected. */
  advance(simMs: number): void {
    this.skippedMs += Math.max(0, simMs);
  }

  /** What `GET /auth/time` answers: epoch seconds of the API's (possibly offset) clock. */
  apiTimeSeconds(): number {
    return Math.round(Date.now() / 1000) + this.offsetSeconds;
  }

  /** Real milliseconds until simulated time reaches `simMs`. */
  realDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.speed);
  }
}

/** ISO-8601 with an explicit offset and no milliseconds, as OVH prints dates: 2024-01-26T17:57:10+00:00. */
export function formatDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** A date without time (serviceInfos): 2025-01-26. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
