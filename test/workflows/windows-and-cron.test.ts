import { nextWindowChange, noWindowFits, startsOutsideWindows, windowAt } from '../../src/shared/windows';

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

describe('recurring windows across daylight-saving changes', () => {
  const at = (iso: string) => Date.parse(iso);
  const nightly = (cron: string, timezone: string) => ({
    kind: 'recurring' as const,
    cron,
    durationMs: 2 * H,
    timezone,
  });

  // Spring forward: 02:00 does not exist that night, and next() moves the opening to 03:00.
  it.each([
    ['Europe/Paris', '2026-03-28T23:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T00:00:00Z'],
    ['America/New_York', '2026-03-08T05:00:00Z', '2026-03-08T07:00:00Z', '2026-03-09T06:00:00Z'],
  ])('opens the 02:00 window at 03:00 on the night %s clocks go forward', (timezone, before, opensAt, nextAt) => {
    const setting = nightly('0 2 * * *', timezone);
    const opens = at(opensAt);
    expect(windowAt(setting, at(before))).toEqual({ configured: true, open: false, opensAtMs: opens });
    expect(windowAt(setting, opens)).toEqual({ configured: true, open: true, closesAtMs: opens + 2 * H });
    expect(windowAt(setting, opens + 2 * H - 1)).toEqual({ configured: true, open: true, closesAtMs: opens + 2 * H });
    expect(windowAt(setting, opens + 2 * H)).toEqual({ configured: true, open: false, opensAtMs: at(nextAt) });
  });

  // Fall back: the hour of the opening comes twice that night; the window opens at the first only.
  it.each([
    ['Europe/Paris', '0 2 * * *', '2026-10-25T00:00:00Z', '2026-10-25T01:30:00Z', '2026-10-26T01:00:00Z'],
    ['America/New_York', '0 1 * * *', '2026-11-01T05:00:00Z', '2026-11-01T06:30:00Z', '2026-11-02T06:00:00Z'],
  ])(
    'opens once on the night %s clocks go back (%s), closing two hours after the first opening',
    (timezone, cron, opensAt, repeatedHour, nextAt) => {
      const setting = nightly(cron, timezone);
      const opens = at(opensAt);
      expect(windowAt(setting, opens - 1)).toEqual({ configured: true, open: false, opensAtMs: opens });
      expect(windowAt(setting, at(repeatedHour))).toEqual({ configured: true, open: true, closesAtMs: opens + 2 * H });
      expect(windowAt(setting, opens + 2 * H)).toEqual({ configured: true, open: false, opensAtMs: at(nextAt) });
    },
  );

  it.each([
    ['Europe/Paris', '2026-03-28T20:00:00Z'],
    ['Europe/Paris', '2026-10-24T20:00:00Z'],
    ['America/New_York', '2026-03-08T02:00:00Z'],
    ['America/New_York', '2026-11-01T02:00:00Z'],
  ])('keeps every opening it announces and every close it names in %s from %s', (timezone, from) => {
    // Every half hour of the night the clocks change, for openings before, in and after the shifted hour.
    const crons = ['30 1 * * *', '0 2 * * *', '30 2 * * *', '0 3 * * *'];
    const broken: string[] = [];
    for (const cron of crons) {
      const setting = nightly(cron, timezone);
      for (let now = at(from); now < at(from) + 12 * H; now += 30 * MIN) {
        const window = windowAt(setting, now);
        const change = nextWindowChange(window) as number;
        const after = windowAt(setting, change);
        const kept = window.open
          ? windowAt(setting, change - 1).closesAtMs === change && after.closesAtMs !== change
          : after.open && after.closesAtMs === change + 2 * H && windowAt(setting, change - 1).opensAtMs === change;
        if (!kept) broken.push(`${cron} at ${new Date(now).toISOString()}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("a schedule's starts against the campaign's windows", () => {
  const tuesdayNight = { kind: 'recurring' as const, cron: '0 22 * * 2', durationMs: 4 * H, timezone: 'Europe/Paris' };
  // Monday 2026-12-07 12:00 UTC.
  const now = Date.UTC(2026, 11, 7, 12);

  it('says nothing when a start falls inside a window, in the time zone of the windows', () => {
    expect(startsOutsideWindows('30 22 * * 2', 'Europe/Paris', tuesdayNight, now)).toBeUndefined();
    expect(startsOutsideWindows('30 21 * * 2', 'UTC', tuesdayNight, now)).toBeUndefined();
    expect(startsOutsideWindows('0 3 * * *', 'UTC', undefined, now)).toBeUndefined();
  });

  it('warns, naming the first start, when every start misses the windows', () => {
    // 22:30 New York is 04:30 the next day in Paris: after the Tuesday window closed at 02:00.
    expect(startsOutsideWindows('30 22 * * 2', 'America/New_York', tuesdayNight, now)).toBe(
      "none of the schedule's next 10 starts (the first at 2026-12-09T03:30:00.000Z) falls inside the " +
        "campaign's maintenance windows: each run would wait for its next window, or halt when none is left. " +
        "Align --cron and --timezone with the campaign's windows.",
    );
  });

  it('warns when the absolute windows are over before the schedule first starts', () => {
    const past = { kind: 'absolute' as const, windows: [{ startMs: now - 2 * H, endMs: now - H }] };
    expect(startsOutsideWindows('0 22 * * *', 'UTC', past, now)).toMatch(/^none of the schedule's next 10 starts/);
  });
});
