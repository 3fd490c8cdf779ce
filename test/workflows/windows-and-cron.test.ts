import { noWindowFits } from '../../src/workflows/windows';

const MIN = 60_000;
const H = 60 * MIN;

describe('a campaign whose windows cannot hold a server', () => {
  const nightlyHour = { kind: 'recurring' as const, cron: '0 22 * * *', durationMs: H, timezone: 'Europe/Paris' };
  const absolute = {
    kind: 'absolute' as const,
    windows: [
      { startMs: 10 * H, endMs: 12 * H },
      { startMs: 20 * H, endMs: 21 * H },
    ],
  };

  it('names the expected time and the longest window when a recurring window is shorter than a server', () => {
    expect(noWindowFits(nightlyHour, 0, 75 * MIN)).toBe(
      'No maintenance window is long enough for a server: one is expected to take 1h15m (deadlines.install + ' +
        'deadlines.boot until the first servers are done, then the time done servers took), the longest window ' +
        'lasts 1h. Lengthen the windows or shorten the deadlines; the servers not yet started stay untouched.',
    );
  });

  it('lets a recurring window that holds a server wait for its next opening', () => {
    expect(noWindowFits(nightlyHour, 0, H)).toBeUndefined();
    expect(noWindowFits(undefined, 0, 100 * H)).toBeUndefined();
  });

  it('weighs the absolute windows that have not ended by their whole length', () => {
    expect(noWindowFits(absolute, 0, 2 * H)).toBeUndefined();
    // Late in the first window, it still counts by its whole length.
    expect(noWindowFits(absolute, 11.9 * H, 2 * H)).toBeUndefined();
    expect(noWindowFits(absolute, 11.9 * H, 2 * H + 1000)).toMatch(/, the longest window lasts 2h\. /);
    // Once the first has ended only the second, one hour long, is left.
    expect(noWindowFits(absolute, 12 * H, 61 * MIN)).toMatch(/, the longest window lasts 1h\. /);
  });
});
