/** The report's small charts: outcomes, failures against the budget, OVH calls against the rate budget. */
import { esc, num } from './escape';
import type { ReportModel } from './report-model';
import { axis, clock, duration, timeScale } from './time-scale';

const W = 560;
const H = 170;
const LEFT = 44;
const PLOT_W = W - LEFT - 12;
const PLOT_TOP = 14;
const PLOT_BOTTOM = H - 24;

function frame(id: string, label: string, body: string): string {
  return `<svg id="${id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">${body}</svg>`;
}

/** y of `value` on a plot whose top is `max`. */
function yOf(value: number, max: number): number {
  return PLOT_BOTTOM - (value / Math.max(1, max)) * (PLOT_BOTTOM - PLOT_TOP);
}

function yAxis(max: number): string {
  return [0, Math.round(max / 2), Math.round(max)]
    .filter((v, i, all) => all.indexOf(v) === i)
    .map((v) => `<text class="tick y" x="${LEFT - 4}" y="${num(yOf(v, max) + 3)}">${v}</text>`)
    .join('');
}

function budgetLine(value: number, max: number, label: string): string {
  const y = num(yOf(value, max));
  return `<g class="budget"><line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${y}" y2="${y}"/><text x="${LEFT + PLOT_W}" y="${num(yOf(value, max) - 3)}">${esc(label)}</text></g>`;
}

/** Budget failures as a step line over the campaign, with the failure budget as a dashed line. */
export function failuresChart(model: ReportModel): string {
  const scale = timeScale(model.startMs, model.endMs, LEFT, PLOT_W);
  const budget = model.totals.failureBudget;
  const max = Math.max(budget + 1, model.failures.at(-1)?.[1] ?? 0);
  let path = `M${LEFT},${num(yOf(0, max))}`;
  for (const [atMs, count] of model.failures) {
    const x = num(scale.x(atMs));
    path += ` H${x} V${num(yOf(count, max))}`;
  }
  path += ` H${LEFT + PLOT_W}`;
  const dots = model.failures
    .map(
      ([atMs, count]) =>
        `<circle cx="${num(scale.x(atMs))}" cy="${num(yOf(count, max))}" r="2.5"><title>failure ${count} at ${clock(atMs)} UTC</title></circle>`,
    )
    .join('');
  return frame(
    'failures',
    `Failures over time: ${model.totals.failures} against a budget of ${budget}`,
    [
      `<g class="axis">${axis(scale, H - 8, PLOT_TOP, PLOT_BOTTOM)}${yAxis(max)}</g>`,
      budgetLine(budget, max, `budget ${budget}`),
      `<path class="failline" d="${path}"/>`,
      `<g class="faildots">${dots}</g>`,
    ].join(''),
  );
}

/** OVH calls per bin (estimated from the phase spans) as bars, against no limit: they are an estimate. */
export function callsChart(model: ReportModel): string {
  const { binMs, counts } = model.calls;
  const scale = timeScale(model.startMs, model.startMs + counts.length * binMs, LEFT, PLOT_W);
  const max = Math.max(1, ...counts) * 1.1;
  const barW = Math.max(1, PLOT_W / Math.max(1, counts.length) - 1);
  const bars = counts
    .map((count, i) => {
      const atMs = model.startMs + i * binMs;
      const y = yOf(count, max);
      return `<rect class="callbar" x="${num(scale.x(atMs))}" y="${num(y)}" width="${num(barW)}" height="${num(PLOT_BOTTOM - y)}"><title>${Math.round(count)} calls from ${clock(atMs)} UTC (${duration(binMs)})</title></rect>`;
    })
    .join('');
  return frame(
    'calls',
    `OVH calls per ${duration(binMs)} (estimated)`,
    `<g class="axis">${axis(scale, H - 8, PLOT_TOP, PLOT_BOTTOM)}${yAxis(max)}</g>${bars}`,
  );
}

/** One stacked bar of the servers by outcome (pending and running included), with its legend. */
export function outcomesBar(model: ReportModel): string {
  const t = model.totals;
  const parts: [string, number][] = [
    ...Object.entries(t.byOutcome).map(([outcome, n]) => [outcome, n ?? 0] as [string, number]),
    ['running', t.running],
    ['pending', t.pending],
    ['not_started', t.notStarted],
  ];
  const shown = parts.filter(([, n]) => n > 0);
  let x = 0;
  const rects = shown
    .map(([outcome, n]) => {
      const width = (n / Math.max(1, t.servers)) * W;
      const rect = `<rect class="o-${esc(outcome)}" x="${num(x)}" y="0" width="${num(width)}" height="18"><title>${esc(outcome)}: ${n}</title></rect>`;
      x += width;
      return rect;
    })
    .join('');
  return `<svg id="outcomes" class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="18" viewBox="0 0 ${W} 18" role="img" aria-label="Servers by outcome">${rects}</svg>`;
}
