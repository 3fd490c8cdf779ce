import { DEFAULT_POLL_POLICY, nextPollDelay } from '../../src/activities/poll-policy';

const noJitter = () => 0.5;
const minute = 60_000;

describe('nextPollDelay', () => {
  it('polls sparsely at first and densely near the expected end', () => {
    const delays = [0, 5, 9, 10.5].map((minutes) => nextPollDelay(minutes * minute, DEFAULT_POLL_POLICY, noJitter));
    expect(delays).toEqual([120_000, 90_000, 30_000, 15_000]);
  });

  it('backs off again the longer the deployment overruns', () => {
    expect([12, 20].map((minutes) => nextPollDelay(minutes * minute, DEFAULT_POLL_POLICY, noJitter))).toEqual([
      30_000, 120_000,
    ]);
  });

  it('adds at most 10 % of jitter and stays within the bounds', () => {
    expect(nextPollDelay(5 * minute, DEFAULT_POLL_POLICY, () => 1)).toBe(99_000);
    expect(nextPollDelay(5 * minute, DEFAULT_POLL_POLICY, () => 0)).toBe(81_000);
    expect(nextPollDelay(0, DEFAULT_POLL_POLICY, () => 1)).toBe(120_000);
  });
});
