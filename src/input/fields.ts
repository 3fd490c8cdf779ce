/**
 * zod field schemas every file the operator writes shares (the campaign file, the accounts file): a check that
 * turns a problem message into an issue, and durations.
 */
import { z } from 'zod';
import { readDuration } from './units';

/** Adds `problem(value)` as a zod issue when it returns a message. */
export function check<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  };
}

/** A duration string ("90s", "10m", "4h", "1h30m"); `positive` refuses "0s". */
export function duration(description: string, options: { positive: boolean }) {
  return z
    .string({ invalid_type_error: 'must be a duration string like "90s", "10m" or "1h30m"' })
    .superRefine(
      check((text) => {
        const result = readDuration(text);
        if ('problem' in result) return result.problem;
        return options.positive && result.ms === 0 ? 'must be longer than 0s' : undefined;
      }),
    )
    .describe(description);
}
