/**
 * Reusable zod field schemas of the campaign file: one place for each format (percentages,
 * service names, times, cron, time zones) and its error message. Messages say what is expected; the
 * error formatter appends what was found ("(got 0)") for type mismatches.
 */
import { parseExpression } from 'cron-parser';
import { z } from 'zod';
import { envReferenceProblem, reservedReferenceProblem } from './env-references';
import { serviceNameProblem } from './service-names';
import { quote } from '../input/quote';
import { closestMatch } from '../input/suggest';
import { check } from '../input/fields';
import { looksLikePercent, parsePercent, UnitParseError } from '../input/units';

/** What is wrong with a percentage string for a field accepting `min`%..100%, or undefined. */
function percentProblem(text: string, min: number, expectation: string): string | undefined {
  if (!looksLikePercent(text)) return `${expectation} (got ${quote(text)})`;
  try {
    const percent = parsePercent(text);
    return percent < min || percent > 100
      ? `must be a percentage from ${min}% to 100% (got ${quote(text)})`
      : undefined;
  } catch (error) {
    if (error instanceof UnitParseError) return error.message;
    throw error;
  }
}

/** A whole count (>= min) or a percentage string ("20%", from min% to 100%). */
export function countOrPercent(description: string, min: 0 | 1) {
  const expectation = `must be a whole number (at least ${min}) or a percentage like "20%"`;
  return z
    .union(
      [
        z.number().int().min(min),
        z.string().superRefine(check((text: string) => percentProblem(text, min, expectation))),
      ],
      { errorMap: () => ({ message: expectation }) },
    )
    .describe(description);
}

/** An OVH service name (see serviceNameProblem). */
export const serviceName = z
  .string({ invalid_type_error: 'must be a service name (a string) such as "ns3012345.ip-51-91-2.eu"' })
  .superRefine(check(serviceNameProblem))
  .describe('An OVH service name: lowercase letters, digits, dots and hyphens, e.g. "ns3012345.ip-51-91-2.eu".');

/** A string value that may contain `${NAME}` references to the worker's environment. */
export function secretString(description: string) {
  return z
    .string()
    .superRefine(check(envReferenceProblem))
    .superRefine(check(reservedReferenceProblem))
    .superRefine(check((text) => (/[\r\n]/.test(text) ? 'must be a single line' : undefined)))
    .describe(description);
}

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** What is wrong with an ISO 8601 time that must carry an offset, or undefined. */
export function isoTimeProblem(text: string): string | undefined {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)
      ? '; without an offset the time would depend on the machine'
      : '';
    return `must be an ISO 8601 time with an offset, e.g. "2025-06-03T22:00:00+02:00" or "2025-06-03T20:00:00Z" (got ${quote(text)})${hint}`;
  }
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59) {
    return `is not a real date and time (got ${quote(text)})`;
  }
  return undefined;
}

/** What is wrong with a 5-field cron expression, or undefined. Checked with cron-parser. */
export function cronProblem(text: string): string | undefined {
  const fields = text
    .trim()
    .split(/\s+/)
    .filter((field) => field !== '');
  if (fields.length !== 5) {
    return `must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 22 * * 1-5" (got ${fields.length})`;
  }
  try {
    parseExpression(text, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message} (got ${quote(text)})`;
  }
}

const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** What is wrong with an IANA time zone name, or undefined. Checked with Intl. */
export function timeZoneProblem(name: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return undefined;
  } catch {
    const guess = closestMatch(name, TIME_ZONES);
    const hint = guess ? `did you mean ${quote(guess)}?` : 'use an IANA name such as "Europe/Paris" or "UTC"';
    return `${quote(name)} is not an IANA time zone; ${hint}`;
  }
}
