/**
 * Cross-field rules of the `windows` section. Workflow-safe: no Node.js built-ins.
 */
import type { CampaignIssue } from './errors';
import type { ParsedCampaignFile } from './schema';
import { formatDuration, parseDuration } from './units';

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

/** With atClose "rollback", each window is at least as long as deadlines.install, or no install could finish. */
export function windowsFitInstalls(file: ParsedCampaignFile): CampaignIssue[] {
  const windows = file.windows;
  if (windows?.atClose !== 'rollback') return [];
  const installMs = parseDuration(file.deadlines.install);
  const tooShort = (ms: number) =>
    `is shorter than deadlines.install (${formatDuration(ms)} < ${file.deadlines.install}); with atClose "rollback" ` +
    'a server could be rolled back before its install may finish: lengthen the window or shorten the deadline';
  if (windows.recurring !== undefined) {
    const ms = parseDuration(windows.recurring.duration);
    return ms < installMs ? [{ path: 'windows.recurring.duration', message: tooShort(ms) }] : [];
  }
  return (windows.absolute ?? []).flatMap((window, index) => {
    const ms = Date.parse(window.end) - Date.parse(window.start);
    return ms > 0 && ms < installMs ? [{ path: `windows.absolute[${index}]`, message: tooShort(ms) }] : [];
  });
}
