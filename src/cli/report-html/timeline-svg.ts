/**
 * The timeline: one row per server (ordered by wave, then start; the page's script reorders them), one bar
 * per phase, the failed phase in the failure color with the failure type and OVH's message as its tooltip,
 * maintenance windows shaded behind, wave starts and operator actions as vertical marks.
 */
import { ServerOutcome } from '../../shared/failure-types';
import { esc, num } from './escape';
import type { ReportModel, TimelineRow, TimelineSpan } from './report-model';
import { axis, clock, duration, timeScale, type TimeScale } from './time-scale';

export const ROW_H = 12;
export const TIMELINE_TOP = 70;
/** Label rows above the bars: wave starts, then up to three lanes of operator actions, then the time ticks. */
const WAVE_LABEL_Y = 10;
const ACTION_LANES = [22, 34, 46];
/** Width of one character of a 10 px label, about. */
const LABEL_CHAR_W = 5.6;
/** Bars sit 2 px below their row's top: the row is translated by it, so bars need no y of their own. */
export const BAR_Y = 2;
const LABEL_W = 330;
const BARS_W = 1000;
const TIMELINE_W = LABEL_W + BARS_W + 10;

/** Short CSS classes per phase (the page's legend and stylesheet use the same). */
export const PHASE_CLASSES: Record<string, { cls: string; label: string }> = {
  preflight: { cls: 'pf', label: 'preflight' },
  starting: { cls: 'st', label: 'start' },
  installing: { cls: 'in', label: 'install' },
  verifying: { cls: 'vf', label: 'boot check' },
  rolling_back: { cls: 'rb', label: 'rollback' },
  running: { cls: 'rn', label: 'in flight' },
};

function phaseClass(phase: string): { cls: string; label: string } {
  return PHASE_CLASSES[phase] ?? { cls: phase.includes('hook') ? 'hk' : 'ot', label: phase.replace(/_/g, ' ') };
}

/** The order the page opens with: by wave, then by start; servers that never started last. */
function initialOrder(rows: TimelineRow[]): TimelineRow[] {
  const key = (row: TimelineRow) => [row.wave ?? Number.MAX_SAFE_INTEGER, row.spans[0]?.startMs ?? Infinity];
  return [...rows].sort((a, b) => {
    const [wa, sa] = key(a) as [number, number];
    const [wb, sb] = key(b) as [number, number];
    return wa - wb || sa - sb;
  });
}

function bar(span: TimelineSpan, row: TimelineRow, scale: TimeScale): string {
  const { cls, label } = phaseClass(span.phase);
  const x = scale.x(span.startMs);
  const width = Math.max(1, scale.x(span.endMs) - x);
  const failClass = span.failed ? (row.outcome === ServerOutcome.Cancelled ? ' cx' : ' fail') : '';
  const calls = span.calls > 0 ? `, ${span.calls} calls` : '';
  const failure = span.failed ? `\n${row.outcome ?? ''} ${row.failureType ?? ''}: ${row.message ?? ''}` : '';
  const title = `${label} ${duration(span.endMs - span.startMs)}${calls}${failure}`;
  return `<rect class="b ${cls}${failClass}" x="${num(x)}" width="${num(width)}" height="8"><title>${esc(title)}</title></rect>`;
}

function rowSvg(row: TimelineRow, index: number, scale: TimeScale, group: number): string {
  const where = [row.account, row.datacenter, row.rack].filter(Boolean).join(' / ');
  const wave = row.wave !== undefined ? `wave ${row.wave + 1}` : 'no wave';
  const outcome = row.outcome ?? row.state;
  const about = `${where || 'no datacenter'}, ${wave}: ${outcome}, attempt ${row.attempts}`;
  return [
    `<g class="row" transform="translate(0,${TIMELINE_TOP + BAR_Y + index * ROW_H})" data-w="${row.wave ?? ''}" data-ac="${esc(row.account)}" data-dc="${esc(row.datacenter)}" data-rk="${esc(row.rack)}">`,
    `<rect class="band${group % 2 ? ' alt' : ''}" y="-${BAR_Y}" width="${TIMELINE_W}" height="${ROW_H}"/>`,
    `<text class="lbl o-${esc(outcome)}" x="4" y="7">${esc(row.serviceName)}<title>${esc(about)}</title></text>`,
    where ? `<text class="loc" x="${LABEL_W - 8}" y="7">${esc(where)}</text>` : '',
    ...row.spans.map((span) => bar(span, row, scale)),
    '</g>',
  ].join('');
}

function marks(model: ReportModel, scale: TimeScale, bottom: number): string {
  const line = (cls: string, ms: number, y: number, label: string, title: string) => {
    const x = num(scale.x(ms));
    return `<g class="${cls}"><line x1="${x}" x2="${x}" y1="${y + 3}" y2="${bottom}"/><text x="${x}" y="${y}">${esc(label)}</text><title>${esc(title)}</title></g>`;
  };
  const waves = model.waveStarts.map((ms, i) =>
    line('wave', ms, WAVE_LABEL_Y, `W${i + 1}`, `wave ${i + 1} started at ${clock(ms)} UTC`),
  );
  // Labels of actions close in time go to the next lane down, so they do not overprint each other.
  const laneEnds = ACTION_LANES.map(() => -Infinity);
  const actions = model.actions.map((a) => {
    const x = scale.x(a.atMs);
    const free = laneEnds.findIndex((end) => end < x);
    const lane = free >= 0 ? free : ACTION_LANES.length - 1;
    laneEnds[lane] = x + a.kind.length * LABEL_CHAR_W + 4;
    const detail = a.detail !== undefined ? ` ${a.detail}` : '';
    return line('act', a.atMs, ACTION_LANES[lane]!, a.kind, `${a.kind}${detail} at ${clock(a.atMs)} UTC (operator)`);
  });
  return [...waves, ...actions].join('');
}

function windowsSvg(model: ReportModel, scale: TimeScale, bottom: number): string {
  return model.windows
    .map((w) => {
      const x = Math.max(scale.left, scale.x(w.startMs));
      const end = Math.min(scale.left + scale.width, scale.x(w.endMs));
      const title = `maintenance window ${clock(w.startMs)} to ${clock(w.endMs)} UTC`;
      return `<rect class="win" x="${num(x)}" y="${TIMELINE_TOP}" width="${num(Math.max(1, end - x))}" height="${bottom - TIMELINE_TOP}"><title>${esc(title)}</title></rect>`;
    })
    .join('');
}

/** The timeline SVG, with `data-` attributes on each row for the page's reordering script. */
export function timelineSvg(model: ReportModel): string {
  const scale = timeScale(model.startMs, model.endMs, LABEL_W, BARS_W);
  const ordered = initialOrder(model.rows);
  const bottom = TIMELINE_TOP + ordered.length * ROW_H;
  let group = 0;
  const rows = ordered.map((row, i) => {
    if (i > 0 && row.wave !== ordered[i - 1]!.wave) group += 1;
    return rowSvg(row, i, scale, group);
  });
  return [
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${TIMELINE_W}" height="${bottom + 4}" viewBox="0 0 ${TIMELINE_W} ${bottom + 4}" role="img" aria-label="Timeline of ${ordered.length} servers">`,
    windowsSvg(model, scale, bottom),
    `<g class="axis">${axis(scale, TIMELINE_TOP - 12, TIMELINE_TOP, bottom)}</g>`,
    `<g id="rows">${rows.join('\n')}</g>`,
    marks(model, scale, bottom),
    '</svg>',
  ].join('\n');
}
