import fc from 'fast-check';
import { formatDuration, parseDuration, parsePercent, UnitParseError } from '../../src/input/units';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('parseDuration', () => {
  it('reads seconds, minutes, hours, days, milliseconds and combinations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('4h')).toBe(14_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d12h')).toBe(129_600_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0s')).toBe(0);
  });

  it('refuses a number without a unit, naming the units', () => {
    const error = thrown(() => parseDuration('10'));
    expect(error).toBeInstanceOf(UnitParseError);
    expect((error as Error).message).toBe('has no unit: write "10s" or "10m" (units: ms, s, m, h, d)');
  });

  it('refuses units out of order or repeated', () => {
    expect((thrown(() => parseDuration('30m1h')) as Error).message).toBe(
      'must list each unit once, largest first, like "1h30m" (got "30m1h")',
    );
    expect((thrown(() => parseDuration('1m1m')) as Error).message).toBe(
      'must list each unit once, largest first, like "1h30m" (got "1m1m")',
    );
  });

  it('refuses spaces, signs, fractions and unknown units', () => {
    for (const text of ['1h 30m', '-5m', '1.5h', '10y', 'm']) {
      expect((thrown(() => parseDuration(text)) as Error).message).toBe(
        `must be a duration like "90s", "10m", "4h" or "1h30m" (got ${JSON.stringify(text)})`,
      );
    }
  });

  it('refuses durations longer than 366 days', () => {
    expect((thrown(() => parseDuration('367d')) as Error).message).toBe('must be at most 366d (got "367d")');
  });

  it('reads back every duration it formats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 366 * 86_400_000 }), (ms) => parseDuration(formatDuration(ms)) === ms),
      { numRuns: 500 },
    );
  });
});

describe('formatDuration', () => {
  it('writes the shortest form, largest unit first', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_500)).toBe('1m30s500ms');
  });
});

describe('parsePercent', () => {
  it('reads whole percentages', () => {
    expect(parsePercent('20%')).toBe(20);
    expect(parsePercent('100%')).toBe(100);
    expect(parsePercent('0%')).toBe(0);
  });

  it('refuses fractions, spaces and missing signs', () => {
    for (const text of ['12.5%', '20 %', '20', '%']) {
      const error = thrown(() => parsePercent(text));
      expect(error).toBeInstanceOf(UnitParseError);
      expect((error as Error).message).toBe(`must be a whole percentage like "20%" (got ${JSON.stringify(text)})`);
    }
  });
});
