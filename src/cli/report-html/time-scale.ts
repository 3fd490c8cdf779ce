/** The time axis shared by the timeline and the charts: campaign time to x, round ticks, UTC labels. */
import { humanDuration } from '../output';
import { esc, num } from './escape';

const TICK_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

export interface TimeScale {
  startMs: number;
  endMs: number;
  /** x of the start and width of the axis, in pixels. */
  left: number;
  width: number;
  x(ms: number): number;
}

export function timeScale(startMs: number, endMs: number, left: number, width: number): TimeScale {
  const span = Math.max(1, endMs - startMs);
  return { startMs, endMs, left, width, x: (ms) => left + ((ms - startMs) / span) * width };
}

/** Round instants across the scale, about `count` of them. */
function ticks(scale: TimeScale, count = 8): number[] {
  const spanS = (scale.endMs - scale.startMs) / 1000;
  const stepMs = (TICK_STEPS_S.find((s) => s * count >= spanS) ?? TICK_STEPS_S.at(-1)!) * 1000;
  const first = Math.ceil(scale.startMs / stepMs) * stepMs;
  const out: number[] = [];
  for (let t = first; t <= scale.endMs; t += stepMs) out.push(t);
  return out;
}

/** "14:05:30" in UTC (the date is in the page's header). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Round instants labelled at `labelY`, with grid lines from `gridTop` to `gridBottom`. */
export function axis(scale: TimeScale, labelY: number, gridTop: number, gridBottom: number): string {
  return ticks(scale)
    .map((t) => {
      const x = num(scale.x(t));
      return `<line class="grid" x1="${x}" x2="${x}" y1="${gridTop}" y2="${gridBottom}"/><text class="tick" x="${x}" y="${labelY}">${esc(clock(t))}</text>`;
    })
    .join('');
}

/** "3m 05s" for a duration in ms, with tenths under 10 s (fast simulated campaigns). */
export function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : humanDuration(ms);
}
