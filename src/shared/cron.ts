/**
 * 5-field cron occurrences in a time zone, for recurring maintenance windows. Uses cron-parser's pure core:
 * the package root also loads its file reader (node `fs`), which the workflow sandbox refuses, so we import
 * `lib/expression` directly. Time zones go through luxon and Intl, both deterministic for a given instant.
 */
import type { CronExpression, ParserOptions } from 'cron-parser';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- deep import of the fs-free module, see above
const CronExpressionClass = require('cron-parser/lib/expression') as {
  parse(expression: string, options?: ParserOptions): CronExpression;
};

function parse(expression: string, timezone: string, currentMs: number): CronExpression {
  return CronExpressionClass.parse(expression, { currentDate: new Date(currentMs), tz: timezone });
}

/**
 * How far before `fromMs` a walk starts: next() started within a daylight-saving shift after a gap skips the
 * occurrence the gap moved there (2 h: the largest shift in use, Troll's).
 */
const DST_SHIFT_MS = 2 * 60 * 60_000;

/**
 * The occurrences strictly after `fromMs`, in order, through the first one after `throughMs` (at most
 * `limit`): one walk forward with next(), the same whatever instant asks. Never prev(): across a
 * daylight-saving gap next() moves the skipped hour's occurrence to the hour after (02:00 fires at 03:00 the
 * night clocks go forward) and prev() never returns it, so a window computed from prev() would not be the
 * one next() announced.
 */
export function occurrencesAfter(
  expression: string,
  timezone: string,
  fromMs: number,
  throughMs: number,
  limit = Infinity,
): number[] {
  const walk = parse(expression, timezone, fromMs - DST_SHIFT_MS);
  const found: number[] = [];
  for (;;) {
    const at = walk.next().getTime();
    if (at > fromMs) found.push(at);
    if (at > throughMs || found.length >= limit) return found;
  }
}
