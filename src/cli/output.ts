/** Output helpers shared by the commands: one JSON document with --json, a human line otherwise. */

/** Prints `value` as JSON when `json` is set, else `human`. */
export function printResult(value: unknown, json: boolean | undefined, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

/** "1h 02m", "3m 05s", "12s" for a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A text progress bar `[#####.....]` of `width` cells. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * The line that says durations on screen are in real time when the worker's OVH is a sped-up simulator
 * (OVH's figures divided by its speed); nothing otherwise.
 */
export function realTimeLines(ovhClockSpeed: number | undefined): string[] {
  if (ovhClockSpeed === undefined || ovhClockSpeed === 1) return [];
  return [`durations in real time: the worker's simulator runs its clock ${ovhClockSpeed} times faster`];
}
