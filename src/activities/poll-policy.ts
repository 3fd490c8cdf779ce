/**
 * When to poll a running deployment: sparse at first, denser as the expected end nears, and sparser again
 * the longer it overruns, with jitter so a fleet started together does not poll in lockstep.
 */

export interface PollPolicy {
  pollMinMs: number;
  pollMaxMs: number;
  expectedDurationMs: number;
  /** Fraction of the delay added or removed at random. */
  jitter: number;
}

/** Defaults: a measured catalog reinstall took 11 min 05 s; OVH's tools poll every 10 to 30 s. */
export const DEFAULT_POLL_POLICY: PollPolicy = {
  pollMinMs: 15_000,
  pollMaxMs: 120_000,
  expectedDurationMs: 11 * 60_000,
  jitter: 0.1,
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The delay before the next poll, `elapsedMs` after the deployment started: a quarter of the time left
 * before the expected end, or half the overrun once past it, kept within [pollMinMs, pollMaxMs].
 */
export function nextPollDelay(elapsedMs: number, policy: PollPolicy, random: () => number = Math.random): number {
  const remaining = policy.expectedDurationMs - elapsedMs;
  const base = remaining > 0 ? remaining / 4 : -remaining / 2;
  const jittered = clamp(base, policy.pollMinMs, policy.pollMaxMs) * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(clamp(jittered, policy.pollMinMs, policy.pollMaxMs));
}
