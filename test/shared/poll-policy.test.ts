import { DEFAULT_POLL_POLICY, fallbackPollDelay, nextPollDelay, pollPolicyFor } from '../../src/shared/poll-policy';

const noJitter = () => 0.5;
const minute = 60_000;
const delayAt = (minutes: number, random = noJitter) => nextPollDelay(minutes * minute, DEFAULT_POLL_POLICY, random);

describe('nextPollDelay', () => {
  it('sleeps until half a cadence after 84 % of the expected duration before the first poll', () => {
    expect([0, 5].map((minutes) => delayAt(minutes))).toEqual([576_900, 276_900]);
  });

  it('polls every 45 s from the first poll to half a cadence after a long install', () => {
    expect([9.7, 10.5, 12, 13.1].map((minutes) => delayAt(minutes))).toEqual([45_000, 45_000, 45_000, 45_000]);
  });

  it('backs off by half the time past that window once the install overruns it, at most 1 minute until twice the expectation, then 2 minutes', () => {
    // The window ends at 13 min 8.1 s: half a cadence after an install as far past 11 minutes as 84 % of it is
    // before.
    expect([13.5, 14, 21.9, 22, 40].map((minutes) => delayAt(minutes))).toEqual([
      55_950, 60_000, 60_000, 120_000, 120_000,
    ]);
  });

  it('shortens the first wait by at most 5 % of jitter, and moves the cadence by at most 10 %', () => {
    expect(delayAt(0, () => 1)).toBe(576_900);
    expect(delayAt(0, () => 0)).toBe(548_055);
    expect(delayAt(10, () => 1)).toBe(49_500);
    expect(delayAt(10, () => 0)).toBe(40_500);
  });

  it('follows a first poll the jitter brought forward with the steady cadence, not a second early poll', () => {
    const firstPoll = delayAt(0, () => 0);
    expect(nextPollDelay(firstPoll, DEFAULT_POLL_POLICY, noJitter)).toBe(45_000);
    expect(nextPollDelay(firstPoll - 1, DEFAULT_POLL_POLICY, noJitter)).toBe(28_846);
  });

  it('keeps every pause within the campaign bounds', () => {
    const policy = pollPolicyFor({ pollMinMs: 60_000, pollMaxMs: 120_000 });
    expect([0, 10, 30].map((minutes) => nextPollDelay(minutes * minute, policy, noJitter))).toEqual([
      120_000, 60_000, 120_000,
    ]);
  });

  it('polls first half a cadence after a learned early duration, then every 45 s until half a cadence after as long an install past the expectation', () => {
    const policy = pollPolicyFor({
      pollMaxMs: 30 * minute,
      typicalInstallMs: 16 * minute,
      earlyInstallMs: 14 * minute,
    });
    expect([0, 10].map((minutes) => nextPollDelay(minutes * minute, policy, noJitter))).toEqual([
      14 * minute + 22_500,
      4 * minute + 22_500,
    ]);
    // The window ends half a cadence after 18 min: as far past the expectation (16 min) as 14 min is before it.
    expect([14.5, 18.3].map((minutes) => nextPollDelay(minutes * minute, policy, noJitter))).toEqual([45_000, 45_000]);
    expect(nextPollDelay(18.5 * minute, policy, noJitter)).toBe(48_750);
  });

  it('polls first at 95 % of the expectation at the latest, whatever early duration was learned', () => {
    const policy = pollPolicyFor({
      pollMaxMs: 30 * minute,
      typicalInstallMs: 16 * minute,
      earlyInstallMs: 20 * minute,
    });
    expect(nextPollDelay(0, policy, noJitter)).toBe(912_000);
    expect(nextPollDelay(16.7 * minute, policy, noJitter)).toBe(45_000);
  });

  it('keeps polling an install that overruns what was learned, every minute until twice the learned expectation', () => {
    const policy = pollPolicyFor({ typicalInstallMs: 5 * minute, earlyInstallMs: 4 * minute });
    expect([6.5, 9, 10, 45].map((minutes) => nextPollDelay(minutes * minute, policy, noJitter))).toEqual([
      48_750, 60_000, 120_000, 120_000,
    ]);
  });

  it('scales with the expected duration', () => {
    const policy = pollPolicyFor({ typicalInstallMs: 20 * minute });
    expect(nextPollDelay(0, policy, noJitter)).toBe(10 * minute);
    expect(nextPollDelay(17.5 * minute, policy, noJitter)).toBe(45_000);
  });
});

describe('fallbackPollDelay', () => {
  it('waits for the install to run late, 120 % of the expectation, when maxInterval allows', () => {
    const policy = pollPolicyFor({ typicalInstallMs: 11 * minute, pollMaxMs: 15 * minute });
    expect([0, 10, 13.2].map((minutes) => fallbackPollDelay(minutes * minute, policy))).toEqual([
      13.2 * minute,
      3.2 * minute,
      undefined,
    ]);
  });

  it('reads every maxInterval until then when the install is longer', () => {
    const policy = pollPolicyFor({ typicalInstallMs: 30 * minute, pollMaxMs: 15 * minute });
    expect([0, 15, 30, 36].map((minutes) => fallbackPollDelay(minutes * minute, policy))).toEqual([
      15 * minute,
      15 * minute,
      6 * minute,
      undefined,
    ]);
  });
});
