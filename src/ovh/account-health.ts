/**
 * Whether one OVH account's API answers: a streak of calls without an answer (connection refused or reset,
 * timeouts, 5xx) lasting `unreachableAfterMs` marks the account unreachable. Then only one call every
 * `probeEveryMs` goes out to find out whether it is back; the others fail at once without using the rate
 * budget. Any answer (even a 4xx) ends the streak. Per client, so one account's outage is its own.
 */
import { OvhErrorKind, type OvhApiError } from './errors';

export interface AccountHealthOptions {
  /** How long every call must fail before the account counts as unreachable; default 30 s. */
  unreachableAfterMs?: number;
  /** While unreachable, one call per this period goes out as a probe; default 5 s (at most unreachableAfterMs). */
  probeEveryMs?: number;
}

/** Failed calls in a row before the account can count as unreachable, however long they took. */
const MIN_FAILURES = 3;

/** True when the failure means the API did not answer at all, or answered only with a server error. */
function isUnanswered(error: OvhApiError): boolean {
  if (error.kind === OvhErrorKind.Network || error.kind === OvhErrorKind.Timeout) return true;
  if (error.kind === OvhErrorKind.Auth && error.status === undefined) return true;
  return error.status !== undefined && error.status >= 500;
}

/** Since when an account answers nothing, and its last error. */
export interface Outage {
  sinceMs: number;
  last: OvhApiError;
}

export class AccountHealth {
  private failingSince?: number;
  private failures = 0;
  private lastProbeAt = 0;
  private lastError?: OvhApiError;
  private readonly unreachableAfterMs: number;
  private readonly probeEveryMs: number;

  constructor(options: AccountHealthOptions = {}) {
    this.unreachableAfterMs = options.unreachableAfterMs ?? 30_000;
    this.probeEveryMs = options.probeEveryMs ?? Math.min(5_000, this.unreachableAfterMs);
  }

  /** The start of the outage and its last error, when the account counts as unreachable at `now`. */
  outage(now: number): Outage | undefined {
    if (this.failingSince === undefined || this.lastError === undefined || this.failures < MIN_FAILURES)
      return undefined;
    return now - this.failingSince >= this.unreachableAfterMs
      ? { sinceMs: this.failingSince, last: this.lastError }
      : undefined;
  }

  /** The outage that keeps a call from going out now: none unless unreachable and a probe went out lately. */
  refusal(now: number): Outage | undefined {
    const outage = this.outage(now);
    if (outage && now - this.lastProbeAt < this.probeEveryMs) return outage;
    this.lastProbeAt = now;
    return undefined;
  }

  answered(): void {
    this.failingSince = undefined;
    this.failures = 0;
    this.lastError = undefined;
  }

  /** Records a failed call; an answer with a client error (4xx) still proves the API is up. */
  failed(error: OvhApiError, now: number): void {
    if (!isUnanswered(error)) return this.answered();
    this.failingSince ??= now;
    this.failures += 1;
    this.lastError = error;
  }
}
