/**
 * When to poll a running deployment. Nothing ends in the first minutes of an install, so the first poll
 * waits for most of the typical install; from there polls come at a steady cadence short enough that
 * the end is noticed within half a cadence on average, until a long install (as far past the typical install's end
 * as a short one is before it) has ended too. An install that overruns further is polled sparser, the
 * cadence plus half the time past that window: at most every minute until twice the typical install (a
 * slower pace the campaign has not learned yet, a slow datacenter or a bigger image, ends there, and its
 * servers are noticed within half a minute), then at most every 2 minutes until the caller's deadline (an
 * install that hangs costs a call per 2 minutes). Every pause stays within [pollMinMs, pollMaxMs]. Jitter
 * keeps a fleet started together out of lockstep.
 *
 * A campaign that has seen installs end passes what it learned: the typical install (the median) and the early
 * install (the 10th percentile). The first poll then comes half a cadence after that short install, at most
 * at 95 % of the expectation so the steady window never shrinks below a tenth of it: a poll right at the
 * 10th percentile would find nine installs in ten still running and cost each of them one more poll, while
 * the tenth that ended before it waits no longer than half a cadence on average either way.
 *
 * Before anything is learned, the short install is the one the spread of installs implies: a tenth of
 * installs spread ±20 % around the expectation end before `assumedEarlyShare` of it. An install that ends
 * in the steady window is noticed half a `cadenceMs` after its end on average. A campaign whose
 * poll.maxInterval is shorter than the wait before the first poll gets extra early polls every maxInterval.
 * test/shared/poll-policy.test.ts spells out the schedule of DEFAULT_POLL_POLICY; BENCHMARKS.md (B2, B7)
 * gives the calls and the detection latencies it yields.
 */

import { TYPICAL_INSTALL_MS } from '../domain/deployment';

export interface PollPolicy {
  /** Shortest pause between two polls. */
  pollMinMs: number;
  /** Longest pause between two polls, the wait before the first one included. */
  pollMaxMs: number;
  /** The typical install (the campaign's learned median): polls are densest around its end. */
  typicalInstallMs: number;
  /** The early install learned by the campaign: the first poll comes then (within lastFirstPollShare). */
  earlyInstallMs?: number;
  /** Fraction of the delay added or removed at random. */
  jitter: number;
  /** Share of the typical install an early install takes, without a learned early install. */
  assumedEarlyShare: number;
  /** Latest share of the typical install for the first poll, whatever was learned. */
  lastFirstPollShare: number;
  /** Pause between polls while the install may end: from the first poll to as far past the typical install's end. */
  cadenceMs: number;
  /** Longest pause while an install overruns that window, until twice the typical install. */
  overrunMaxMs: number;
  /** Longest pause past twice the typical install. */
  lateMaxMs: number;
}

/** Defaults: installs of one fleet vary by about ±20 % around the typical install. */
export const DEFAULT_POLL_POLICY: PollPolicy = {
  pollMinMs: 15_000,
  // Longer than the wait before the first poll of an install of `typicalInstallMs`.
  pollMaxMs: 10 * 60_000,
  typicalInstallMs: TYPICAL_INSTALL_MS,
  jitter: 0.1,
  // The 10th percentile of durations spread uniformly over ±20 % of the expectation.
  assumedEarlyShare: 0.84,
  lastFirstPollShare: 0.95,
  // Half of it is the mean detection delay, so that the median delay, installs that end before the first
  // poll or past the window included, stays under 30 s (BENCHMARKS.md, B2).
  cadenceMs: 45_000,
  overrunMaxMs: 60_000,
  lateMaxMs: 120_000,
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A short install: the learned one, or the one the assumed spread gives. */
const earlyOf = (policy: PollPolicy) => policy.earlyInstallMs ?? policy.typicalInstallMs * policy.assumedEarlyShare;

/** When the first poll comes, from the deployment's start. */
function firstPollAtOf(policy: PollPolicy): number {
  return Math.min(earlyOf(policy) + policy.cadenceMs / 2, policy.typicalInstallMs * policy.lastFirstPollShare);
}

/**
 * When the steady polls end: half a cadence after a long install, as far past the typical install's end as the short
 * one is before it (the first poll is as far after the short install), so installs spread evenly around
 * the expectation are all noticed at the cadence; never before the mirror of the first poll.
 */
function windowEndOf(policy: PollPolicy, firstPollAt: number): number {
  const typical = policy.typicalInstallMs;
  return Math.max(2 * typical - firstPollAt, 2 * typical - earlyOf(policy) + policy.cadenceMs / 2);
}

/** With a callback expected, the install runs late past this share of the typical install (installs vary by ±20 %). */
const CALLBACK_LATE_SHARE = 1.2;

/**
 * While the server is expected to call back, polls are the fallback: the pause before the next one,
 * `elapsedMs` after the deployment started, is the longest pause (pollMaxMs) until the install runs late.
 * Undefined once it does: from then on, polls come as without a callback (nextPollDelay).
 */
export function fallbackPollDelay(elapsedMs: number, policy: PollPolicy): number | undefined {
  const lateMs = policy.typicalInstallMs * CALLBACK_LATE_SHARE;
  return elapsedMs < lateMs ? Math.min(lateMs - elapsedMs, policy.pollMaxMs) : undefined;
}

/** The delay before the next poll, `elapsedMs` after the deployment started. */
export function nextPollDelay(elapsedMs: number, policy: PollPolicy, random: () => number = Math.random): number {
  const spread = 1 + policy.jitter * (2 * random() - 1);
  const firstPollAt = firstPollAtOf(policy);
  const windowEnd = windowEndOf(policy, firstPollAt);
  let base: number;
  // Before the first poll the jitter only shortens the wait, by at most half of it: no install is noticed
  // later than planned, and a first poll too early is one more poll. A poll the jitter brought forward is
  // the first poll: the steady cadence follows it (waiting out the few seconds left would cost one more).
  if (elapsedMs < firstPollAt * (1 - policy.jitter / 2))
    base = (firstPollAt - elapsedMs) * Math.min(1, 1 + (spread - 1) / 2);
  else if (elapsedMs < windowEnd) base = policy.cadenceMs * spread;
  else {
    const longest = elapsedMs < 2 * policy.typicalInstallMs ? policy.overrunMaxMs : policy.lateMaxMs;
    base = Math.min(policy.cadenceMs + (elapsedMs - windowEnd) / 2, longest) * spread;
  }
  return Math.round(clamp(base, policy.pollMinMs, policy.pollMaxMs));
}

/** The policy for a waitForDeployment input: its bounds and what was learned, over the defaults. */
export function pollPolicyFor(input: {
  pollMinMs?: number;
  pollMaxMs?: number;
  typicalInstallMs?: number;
  earlyInstallMs?: number;
}): PollPolicy {
  const pollMinMs = input.pollMinMs ?? DEFAULT_POLL_POLICY.pollMinMs;
  return {
    ...DEFAULT_POLL_POLICY,
    pollMinMs,
    pollMaxMs: Math.max(input.pollMaxMs ?? DEFAULT_POLL_POLICY.pollMaxMs, pollMinMs),
    typicalInstallMs: input.typicalInstallMs ?? DEFAULT_POLL_POLICY.typicalInstallMs,
    earlyInstallMs: input.earlyInstallMs,
  };
}
