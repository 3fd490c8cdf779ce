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

/** The latest occurrence at or before `nowMs`. */
export function previousOccurrence(expression: string, timezone: string, nowMs: number): number {
  // prev() is strictly before currentDate: start one millisecond later so an occurrence at `nowMs` counts.
  return parse(expression, timezone, nowMs + 1)
    .prev()
    .getTime();
}

/** The first occurrence strictly after `nowMs`. */
export function nextOccurrence(expression: string, timezone: string, nowMs: number): number {
  return parse(expression, timezone, nowMs).next().getTime();
}
