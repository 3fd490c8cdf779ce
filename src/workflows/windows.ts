/**
 * Maintenance windows: whether one is open at an instant, when it closes, when the next opens. Pure.
 * Absolute windows are [startMs, endMs). A recurring window opens at each cron occurrence (in its time zone)
 * and lasts durationMs; its duration should be shorter than the cron period (one window at a time).
 */
import type { WindowsSetting } from '../shared/campaign-types';
import type { WindowStatus } from '../shared/campaign-report-types';
import { nextOccurrence, previousOccurrence } from './cron';

/** The window state at `nowMs`; no setting means always open. `opensAtMs` undefined when closed: no window left. */
export function windowAt(setting: WindowsSetting | undefined, nowMs: number): WindowStatus {
  if (!setting) return { configured: false, open: true };
  if (setting.kind === 'absolute') {
    const current = setting.windows.find((w) => w.startMs <= nowMs && nowMs < w.endMs);
    if (current) return { configured: true, open: true, closesAtMs: current.endMs };
    const starts = setting.windows.filter((w) => w.startMs > nowMs).map((w) => w.startMs);
    return { configured: true, open: false, ...(starts.length ? { opensAtMs: Math.min(...starts) } : {}) };
  }
  const last = previousOccurrence(setting.cron, setting.timezone, nowMs);
  if (nowMs < last + setting.durationMs) return { configured: true, open: true, closesAtMs: last + setting.durationMs };
  return { configured: true, open: false, opensAtMs: nextOccurrence(setting.cron, setting.timezone, nowMs) };
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
