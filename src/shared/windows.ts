/**
 * Maintenance windows: whether one is open at an instant, when it closes, when the next opens. Pure.
 * Absolute windows are [startMs, endMs). A recurring window opens at each cron occurrence (in its time zone)
 * and lasts durationMs; its duration should be shorter than the cron period (one window at a time). Its open
 * and close come from one forward walk over the occurrences (cron.ts), so across daylight-saving changes the
 * window that opens is the one announced.
 */
import type { WindowsSetting } from './campaign-types';
import type { WindowStatus } from './campaign-report-types';
import { formatDuration } from '../input/units';
import { occurrencesAfter } from './cron';

/** The window state at `nowMs`; no setting means always open. `opensAtMs` undefined when closed: no window left. */
export function windowAt(setting: WindowsSetting | undefined, nowMs: number): WindowStatus {
  if (!setting) return { configured: false, open: true };
  if (setting.kind === 'absolute') {
    const current = setting.windows.find((w) => w.startMs <= nowMs && nowMs < w.endMs);
    if (current) return { configured: true, open: true, closesAtMs: current.endMs };
    const starts = setting.windows.filter((w) => w.startMs > nowMs).map((w) => w.startMs);
    return { configured: true, open: false, opensAtMs: starts.length ? Math.min(...starts) : undefined };
  }
  // Openings whose window may still hold `nowMs`, then the next one: the open and the close of one walk.
  const openings = occurrencesAfter(setting.cron, setting.timezone, nowMs - setting.durationMs, nowMs);
  const last = openings.at(-2);
  if (last !== undefined) return { configured: true, open: true, closesAtMs: last + setting.durationMs };
  return { configured: true, open: false, opensAtMs: openings.at(-1) };
}

/** Whether a server expected to take `expectedMs` fits before the window closes. */
export function fitsInWindow(window: WindowStatus, nowMs: number, expectedMs: number): boolean {
  if (!window.open) return false;
  return window.closesAtMs === undefined || nowMs + expectedMs <= window.closesAtMs;
}

/** The next instant worth waking up for: the window's close when open, its next opening when closed. */
export function nextWindowChange(window: WindowStatus): number | undefined {
  return window.open ? window.closesAtMs : window.opensAtMs;
}

/**
 * Why no window that has not ended by `nowMs` is as long as a server expected to take `expectedMs`, or
 * undefined when one is: waiting for the next opening would then never admit anyone.
 */
export function noWindowFits(
  setting: WindowsSetting | undefined,
  nowMs: number,
  expectedMs: number,
): string | undefined {
  if (!setting) return undefined;
  const longestMs =
    setting.kind === 'recurring'
      ? setting.durationMs
      : Math.max(0, ...setting.windows.filter((w) => w.endMs > nowMs).map((w) => w.endMs - w.startMs));
  if (longestMs >= expectedMs) return undefined;
  // Whole seconds: the expected time may be a p95 of measured durations.
  const shown = (ms: number) => formatDuration(Math.round(ms / 1000) * 1000);
  return (
    `No maintenance window is long enough for a server: one is expected to take ${shown(expectedMs)} ` +
    '(deadlines.install + deadlines.boot until the first servers are done, then the time done servers took), ' +
    `the longest window lasts ${shown(longestMs)}. Lengthen the windows or shorten the deadlines; ` +
    'the servers not yet started stay untouched.'
  );
}

/** How many of a schedule's next starts `startsOutsideWindows` looks at. */
const SCHEDULE_STARTS_CHECKED = 10;

/**
 * Why a schedule's runs would all start outside the campaign's windows (each then waits for the next window,
 * or halts when none is left), or undefined when one of its next starts falls inside a window. Its cron and
 * the windows' are easy to set a few hours apart by mistake: two time zones, or 22 * * 2 against 0 22 * * 3.
 */
export function startsOutsideWindows(
  cron: string,
  timezone: string,
  setting: WindowsSetting | undefined,
  nowMs: number,
): string | undefined {
  if (!setting) return undefined;
  const starts = occurrencesAfter(cron, timezone, nowMs, Infinity, SCHEDULE_STARTS_CHECKED);
  if (starts.some((at) => windowAt(setting, at).open)) return undefined;
  return (
    `none of the schedule's next ${starts.length} starts (the first at ${new Date(starts[0]!).toISOString()}) ` +
    `falls inside the campaign's maintenance windows: each run would wait for its next window, or halt when ` +
    `none is left. Align --cron and --timezone with the campaign's windows.`
  );
}
