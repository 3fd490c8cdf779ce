/**
 * The `rollout` and `windows` sections of the campaign file: how fast servers are admitted, how many failures
 * are tolerated, and when work may start. Rounding rules of counts and percentages: see rollout-math.ts.
 */
import { z } from 'zod';
import { APPROVAL_MODES, FAILURE_POLICIES, WINDOW_CLOSE_ACTIONS } from '../domain/rollout';
import { check, duration } from '../input/fields';
import { countOrPercent, cronProblem, isoTimeProblem, timeZoneProblem } from './schema-fields';

/** The `rollout` section. */
export const rolloutSchema = z
  .object({
    waves: z
      .array(countOrPercent('Wave size: a count, or a percentage of the fleet (rounded down, at least 1).', 1))
      .default([])
      .describe(
        'Ramp of wave sizes, e.g. [1, 5, "20%"]: the last entry repeats until every server is done. ' +
          'Empty: one wave holding the whole fleet.',
      ),
    maxParallel: countOrPercent(
      'Servers deploying at the same time: a count, or a percentage of the fleet (rounded down, at least 1).',
      1,
    ).default(10),
    maxPerRack: z.number().int().min(1).optional().describe('At most this many servers of one rack at a time.'),
    maxPerDatacenter: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('At most this many servers of one datacenter at a time.'),
    failureBudget: countOrPercent(
      'Failures tolerated: a count, or a percentage of the fleet (rounded down). The campaign halts when ' +
        'failures exceed it (strictly more).',
      0,
    ).default(0),
    bakeTime: duration('Pause after each wave before the next one starts, e.g. "10m".', { positive: false }).default(
      '0s',
    ),
    approval: z
      .enum(APPROVAL_MODES)
      .default('none')
      .describe('Operator approval: never, before every wave, or once after the first wave (the canary).'),
    failurePolicy: z
      .enum(FAILURE_POLICIES)
      .default('finish')
      .describe('When the failure budget is exceeded: let servers in flight finish, or roll them back.'),
  })
  .strict()
  .default({})
  .describe('How fast servers are admitted and how many failures are tolerated.');

const absoluteWindowSchema = z
  .object({
    start: z
      .string()
      .superRefine(check(isoTimeProblem))
      .describe('ISO 8601 start with an offset, e.g. "2025-06-03T22:00:00+02:00".'),
    end: z.string().superRefine(check(isoTimeProblem)).describe('ISO 8601 end with an offset; must be after start.'),
  })
  .strict();

const recurringWindowSchema = z
  .object({
    cron: z
      .string()
      .superRefine(check(cronProblem))
      .describe('5-field cron expression of window starts, e.g. "0 22 * * 1-5" (22:00 on weekdays).'),
    duration: duration('How long each window stays open, e.g. "4h".', { positive: true }),
    timezone: z
      .string()
      .superRefine(check(timeZoneProblem))
      .describe('IANA time zone of the cron expression, e.g. "Europe/Paris".'),
  })
  .strict();

/** The `windows` section. */
export const windowsSchema = z
  .object({
    absolute: z
      .array(absoluteWindowSchema)
      .min(1)
      .optional()
      .describe('Fixed maintenance windows, in chronological order. Exclusive with recurring.'),
    recurring: recurringWindowSchema
      .optional()
      .describe('A recurring maintenance window: a cron start, a duration, a time zone. Exclusive with absolute.'),
    atClose: z
      .enum(WINDOW_CLOSE_ACTIONS)
      .default('continue')
      .describe('Servers still installing when a window closes: let them finish, or roll them back.'),
  })
  .strict()
  .describe('Maintenance windows: servers start only while a window is open. Absent: always open.');
