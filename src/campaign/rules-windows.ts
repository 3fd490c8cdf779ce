/**
 * Cross-field rules of the `windows` section. Workflow-safe: no Node.js built-ins.
 */
import type { CampaignIssue } from '../input/errors';
import type { ParsedCampaignFile } from './schema';
import { formatDuration, parseDuration } from '../input/units';

/** windows sets exactly one of absolute and recurring. */
export function windowsHaveOneKind(file: ParsedCampaignFile): CampaignIssue[] {
  const windows = file.windows;
  if (windows === undefined) return [];
  if (windows.absolute !== undefined && windows.recurring !== undefined) {
    return [{ path: 'windows', message: 'sets both absolute and recurring; keep one' }];
  }
  if (windows.absolute === undefined && windows.recurring === undefined) {
    return [{ path: 'windows', message: 'must set absolute or recurring (remove windows to allow any time)' }];
  }
  return [];
}

/** Each absolute window ends after it starts, and windows are in chronological order without overlap. */
export function absoluteWindowsOrdered(file: ParsedCampaignFile): CampaignIssue[] {
  const windows = file.windows?.absolute ?? [];
  const issues: CampaignIssue[] = [];
  windows.forEach((window, index) => {
    const gap = Date.parse(window.end) - Date.parse(window.start);
    if (gap <= 0) {
      const how = gap === 0 ? 'ends when it starts' : `ends ${formatDuration(-gap)} before it starts`;
      issues.push({ path: `windows.absolute[${index}].end`, message: `must be after start: the window ${how}` });
    }
    const previous = windows[index - 1];
    if (previous !== undefined && Date.parse(window.start) < Date.parse(previous.end)) {
      issues.push({
        path: `windows.absolute[${index}].start`,
        message: `must not be before windows.absolute[${index - 1}].end: list windows in order, without overlap`,
      });
    }
  });
  return issues;
}

/**
 * Each window holds a whole server (deadlines.install + deadlines.boot), whatever atClose says: until the
 * first servers are done, the campaign admits a server only when both deadlines fit before the window closes
 * (reimage-campaign.ts), so a shorter window would admit none, window after window.
 */
export function windowsFitAServer(file: ParsedCampaignFile): CampaignIssue[] {
  const windows = file.windows;
  if (windows === undefined) return [];
  const serverDeadlinesMs = parseDuration(file.deadlines.install) + parseDuration(file.deadlines.boot);
  const tooShort = (ms: number, outcome: string) =>
    `is shorter than deadlines.install + deadlines.boot (${formatDuration(ms)} < ${formatDuration(serverDeadlinesMs)}); ` +
    `until the first servers are done, a server starts only when both deadlines fit before its window closes, so ${outcome}: ` +
    'lengthen the window or shorten the deadlines';
  if (windows.recurring !== undefined) {
    const ms = parseDuration(windows.recurring.duration);
    return ms < serverDeadlinesMs
      ? [{ path: 'windows.recurring.duration', message: tooShort(ms, 'no server would ever start') }]
      : [];
  }
  return (windows.absolute ?? []).flatMap((window, index) => {
    const ms = Date.parse(window.end) - Date.parse(window.start);
    return ms > 0 && ms < serverDeadlinesMs
      ? [{ path: `windows.absolute[${index}]`, message: tooShort(ms, 'no server would start in it') }]
      : [];
  });
}
