/**
 * The report page's stylesheet (light, dark through prefers-color-scheme, print) and its one small script,
 * which reorders the timeline's rows. Both inline: the page loads nothing.
 */

export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b2230;--muted:#5d6676;--grid:#e4e7ed;--band:rgba(70,90,130,.07);
--hover:rgba(70,90,130,.16);--win:rgba(40,160,90,.13);--pf:#8e7cf0;--st:#3e63d6;--in:#2f8fd8;--vf:#17a589;
--rb:#e08a12;--rn:#9aa6ba;--hk:#b15bd6;--ot:#8a8f99;--fail:#d62839;--cx:#6b7280;--wave:#4b5563;--act:#c2185b;
--ok:#17a589;--warn:#e08a12;--pend:#c6ccd6}
@media (prefers-color-scheme:dark){:root{--bg:#12161d;--fg:#e4e8ef;--muted:#9aa3b2;--grid:#2a303b;
--band:rgba(160,180,220,.06);--hover:rgba(160,180,220,.15);--win:rgba(60,200,120,.14);--pf:#a294ff;--st:#6f8ff0;
--in:#4aa8f0;--vf:#2cc7a5;--rb:#f0a030;--rn:#6c778a;--hk:#cf7cf0;--fail:#ff4d5e;--cx:#9aa3b2;--wave:#b9c2d0;
--act:#ff6fa8;--ok:#2cc7a5;--pend:#4a5263}}
*{box-sizing:border-box}
body{margin:0;padding:16px 20px;background:var(--bg);color:var(--fg);font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px}
.muted,.note{color:var(--muted)}.note{font-size:12px;max-width:70em}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:8px 24px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:2px 10px 2px 0;text-align:left;vertical-align:top}th{color:var(--muted);font-weight:600}
td.n{text-align:right}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.legend span{margin-right:12px;white-space:nowrap}
.controls{margin:6px 0;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
.scroll{overflow-x:auto}
svg text{fill:var(--fg);font-size:10px}
.tick{fill:var(--muted);text-anchor:middle}.tick.y{text-anchor:end}
.grid{stroke:var(--grid)}
.band{fill:transparent}.band.alt{fill:var(--band)}.row:hover .band{fill:var(--hover)}
.lbl{font-family:ui-monospace,Menlo,Consolas,monospace}.loc{fill:var(--muted);text-anchor:end}
.win{fill:var(--win)}
.b.pf,.sw.pf{fill:var(--pf);background:var(--pf)}.b.st,.sw.st{fill:var(--st);background:var(--st)}
.b.in,.sw.in{fill:var(--in);background:var(--in)}.b.vf,.sw.vf{fill:var(--vf);background:var(--vf)}
.b.rb,.sw.rb{fill:var(--rb);background:var(--rb)}.b.rn,.sw.rn{fill:var(--rn);background:var(--rn)}
.b.hk,.sw.hk{fill:var(--hk);background:var(--hk)}.b.ot,.sw.ot{fill:var(--ot);background:var(--ot)}
.b.fail,.sw.fail{fill:var(--fail);background:var(--fail)}.b.cx,.sw.cx{fill:var(--cx);background:var(--cx)}
.sw.win{background:var(--win);border:1px solid var(--vf)}
.wave line{stroke:var(--wave);stroke-dasharray:4 3}.wave text{fill:var(--wave);font-weight:600}
.act line{stroke:var(--act)}.act text{fill:var(--act)}
.sw.wave{background:var(--wave)}.sw.act{background:var(--act)}
.lbl[class*="_failed"],.lbl.o-timed_out,.lbl.o-image_rejected{fill:var(--fail)}
.lbl.o-cancelled,.lbl.o-skipped,.lbl.o-not_started,.lbl.o-pending{fill:var(--muted)}
#outcomes rect{fill:var(--fail)}#outcomes .o-done{fill:var(--ok)}#outcomes .o-running{fill:var(--in)}
#outcomes .o-pending,#outcomes .o-not_started{fill:var(--pend)}#outcomes .o-cancelled,#outcomes .o-skipped{fill:var(--cx)}
#outcomes .o-preflight_failed{fill:var(--warn)}
.budget line{stroke:var(--fail);stroke-dasharray:6 4}.budget text,.budget-off{fill:var(--fail);text-anchor:end}
.failline{fill:none;stroke:var(--fg);stroke-width:1.5}.faildots circle{fill:var(--fail)}
.callbar{fill:var(--in)}
.msg{max-width:60em;word-break:break-word}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--grid:#ddd;--band:rgba(0,0,0,.05)}
body{padding:0;font-size:11px}.controls select,.controls label{display:none}.scroll{overflow:visible}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{break-after:avoid}.chart,tr{break-inside:avoid}}
`;

/**
 * Reorders the rows (`rowH` apart, the first at `top`): by wave then start, OVH account, datacenter and rack,
 * duration, name.
 */
export function pageScript(rowH: number, top: number): string {
  return `
(function () {
  var select = document.getElementById('order');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#rows > g.row'));
  var ROW_H = ${rowH}, TOP = ${top};
  function n(v) { return v === '' ? Infinity : Number(v); }
  function name(r) { return r.querySelector('.lbl').firstChild.nodeValue; }
  // A row's start and length, from its bars (none: a server that never started).
  function extent(r) {
    var bars = r.querySelectorAll('.b');
    if (bars.length === 0) return [Infinity, -1];
    var last = bars[bars.length - 1];
    var start = Number(bars[0].getAttribute('x'));
    return [start, Number(last.getAttribute('x')) + Number(last.getAttribute('width')) - start];
  }
  function key(r, mode) {
    var d = r.dataset, e = extent(r);
    if (mode === 'account') return [d.ac || '\\uffff', d.dc || '\\uffff', d.rk || '\\uffff', e[0], name(r)];
    if (mode === 'dc') return [d.dc || '\\uffff', d.rk || '\\uffff', e[0], name(r)];
    if (mode === 'duration') return [-e[1], name(r)];
    if (mode === 'name') return [name(r)];
    return [n(d.w), e[0], name(r)];
  }
  function group(r, mode) {
    return mode === 'account' ? r.dataset.ac : mode === 'dc' ? r.dataset.dc : mode === 'wave' ? r.dataset.w : '';
  }
  function compare(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] < b[i]) return -1; if (a[i] > b[i]) return 1; }
    return 0;
  }
  function apply() {
    var mode = select.value;
    var keyed = rows.map(function (r) { return { k: key(r, mode), r: r }; });
    keyed.sort(function (a, b) { return compare(a.k, b.k); });
    var g = 0, previous = null;
    keyed.forEach(function (item, i) {
      var current = group(item.r, mode);
      if (i > 0 && current !== previous) g++;
      previous = current;
      item.r.setAttribute('transform', 'translate(0,' + (TOP + i * ROW_H) + ')');
      item.r.querySelector('.band').setAttribute('class', g % 2 ? 'band alt' : 'band');
    });
  }
  select.addEventListener('change', apply);
})();
`;
}
