/**
 * Waiting in tests for a condition, never for a fixed time: poll until it holds or a deadline passes, then
 * fail with a message that names what was awaited and the last value seen.
 */
import { inspect } from 'node:util';

export interface WaitOptions {
  /** What the test waits for, completing "Timed out after N ms waiting for …". */
  what: string;
  /** Generous for a busy 2-core runner: a condition that holds returns at its first poll anyway. */
  timeoutMs?: number;
  /** Pause between two reads. */
  everyMs?: number;
  /** A read that throws counts as "not yet" (e.g. a query to a workflow not started yet). */
  ignoreErrors?: boolean;
}

/** How the failure message shows the last value read, when the whole value would be too long. */
export interface WaitForValueOptions<T> extends WaitOptions {
  show?: (value: T) => unknown;
}

/** Reads `read()` until `done(value)` holds and returns that value; fails after `timeoutMs`. */
export function waitForValue<T, U extends T>(
  read: () => T | Promise<T>,
  done: (value: T) => value is U,
  options: WaitForValueOptions<T>,
): Promise<U>;
export function waitForValue<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: WaitForValueOptions<T>,
): Promise<T>;
export async function waitForValue<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { what, timeoutMs = 20_000, everyMs = 25, ignoreErrors = false, show = (value) => value }: WaitForValueOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      if (!ignoreErrors) throw error;
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen =
        last && 'value' in last ? inspect(show(last.value), { depth: 6 }) : `an error: ${String(last?.error)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    // The polling interval, not a stand-in for the condition.
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  await waitForValue(condition, (holds) => holds, options);
}
