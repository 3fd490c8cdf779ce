/**
 * `reimage report ID --format html`: one self-contained page (inline CSS, SVG and a small script; no network)
 * with the campaign's summary, charts and timeline. Every text from the campaign (server names, OVH's
 * messages, reasons) is escaped; the report holds no secret (outcomes and OVH's words only).
 */
import { ServerOutcome } from '../../shared/failure-types';
import { BOOT_NOT_VERIFIED } from '../boot-verification';
import { callbackSentence } from '../callback-summary';
import { humanDuration } from '../output';
import { callsChart, failuresChart, outcomesBar } from './charts-svg';
import { esc } from './escape';
import { pageScript, STYLE } from './page-assets';
import type { Percentiles, ReportModel } from './report-model';
import { clock, duration } from './time-scale';
import { BAR_Y, PHASE_CLASSES, ROW_H, TIMELINE_TOP, timelineSvg } from './timeline-svg';

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const cell = (text: string, i: number, tag: string) =>
    `<${tag}${numeric.includes(i) ? ' class="n"' : ''}>${text}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell(esc(h), i, 'th')).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((text, i) => cell(text, i, 'td')).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function summary(model: ReportModel): string {
  const t = model.totals;
  const outcomes = Object.entries(t.byOutcome).map(([outcome, n]) => [esc(outcome), String(n)]);
  const states = (['running', 'pending', 'notStarted'] as const)
    .filter((key) => t[key] > 0)
    .map((key) => [key === 'notStarted' ? 'not started' : key, String(t[key])]);
  const pct = (ms: number | undefined) => (ms === undefined ? '' : duration(ms));
  const percentiles = model.percentiles.map((p: Percentiles) => [
    esc(p.name),
    String(p.count),
    pct(p.p50),
    pct(p.p90),
    pct(p.p95),
    pct(p.max),
  ]);
  return [
    '<section class="grid2"><div>',
    '<h2>Outcomes</h2>',
    outcomesBar(model),
    table(['outcome', 'servers'], [...outcomes, ...states], [1]),
    `<p>Budget failures: <strong>${t.failures}</strong> of <strong>${t.failureBudget}</strong> allowed.</p>`,
    callbacksParagraph(model),
    '<h2>Durations</h2>',
    table(['', 'servers', 'p50', 'p90', 'p95', 'max'], percentiles, [1, 2, 3, 4, 5]),
    '</div><div>',
    '<h2>Failures against the budget</h2>',
    failuresChart(model),
    '<h2>OVH calls over time</h2>',
    callsChart(model),
    `<p class="note">${esc(callsNote())}</p>`,
    '</div></section>',
  ].join('\n');
}

/** Which done servers called back, for a campaign with completion.callback. */
function callbacksParagraph(model: ReportModel): string {
  const sentence = callbackSentence(model.totals, model.rows);
  return sentence ? `<p>${esc(sentence)}</p>` : '';
}

function callsNote(): string {
  return "Estimated: the campaign counts each server's OVH calls per phase, not per minute, so each phase's calls are spread over the phase, and no rate limit is drawn against them. The worker's reimage_ovh_calls metric (Grafana dashboard) has the exact rate against its budget.";
}

function legend(): string {
  const swatch = (cls: string, label: string) => `<span><i class="sw ${cls}"></i>${esc(label)}</span>`;
  return [
    '<div class="legend">',
    ...Object.values(PHASE_CLASSES).map(({ cls, label }) => swatch(cls, label)),
    swatch('hk', 'hooks'),
    swatch('fail', 'failed phase'),
    swatch('cx', 'cancelled'),
    swatch('win', 'maintenance window'),
    swatch('wave', 'wave start (W1, W2, ...)'),
    swatch('act', 'operator action'),
    '</div>',
  ].join('');
}

function failuresTable(model: ReportModel): string {
  const failed = model.rows.filter((row) => row.outcome && row.outcome !== ServerOutcome.Done);
  if (failed.length === 0) return '';
  const rows = failed.map((row) => [
    esc(row.serviceName),
    esc(row.outcome),
    esc(row.failureType),
    `<span class="msg">${esc(row.message)}</span>`,
  ]);
  return `<h2>Servers not done (${failed.length})</h2>${table(['server', 'outcome', 'failure type', "OVH's or the check's message"], rows)}`;
}

function actionsTable(model: ReportModel): string {
  if (model.actions.length === 0) return '<p class="muted">No operator action.</p>';
  const rows = model.actions.map((a) => [`${clock(a.atMs)} UTC`, esc(a.kind), esc(a.detail)]);
  return table(['time', 'action', 'value'], rows);
}

/** The whole page. */
export function renderHtmlReport(model: ReportModel): string {
  const t = model.totals;
  const title = `Campaign ${model.campaignId}: ${model.finalState}`;
  const started = new Date(model.startMs).toISOString().replace('T', ' ').slice(0, 19);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">Started ${started} UTC, ${humanDuration(model.endMs - model.startMs)}, ${t.servers} servers, ${t.failures} failures (budget ${t.failureBudget}), ${t.apiCalls} OVH API calls. Times are UTC.</p>`,
    model.reason ? `<p><strong>Reason:</strong> ${esc(model.reason)}</p>` : '',
    model.bootNotVerified ? `<p><strong>${esc(BOOT_NOT_VERIFIED)}</strong></p>` : '',
    summary(model),
    '<h2>Timeline</h2>',
    `<div class="controls"><label>Order <select id="order"><option value="wave">by wave, then start</option>${model.rows.some((row) => row.account) ? '<option value="account">by OVH account</option>' : ''}<option value="dc">by datacenter and rack</option><option value="duration">by duration</option><option value="name">by name</option></select></label>`,
    legend(),
    '</div>',
    `<p class="note">One row per server, one bar per phase; hover a bar for its times, OVH calls, and a failure's type and message.${model.waveStarts.length === 0 ? ' This campaign recorded no wave starts (a worker older than the wave record).' : ''}</p>`,
    `<div class="scroll">${timelineSvg(model)}</div>`,
    '<h2>Operator actions</h2>',
    actionsTable(model),
    failuresTable(model),
    `<script>${pageScript(ROW_H, TIMELINE_TOP + BAR_Y)}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
