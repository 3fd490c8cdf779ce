/**
 * OVH calls over time, estimated from each server's phase spans: a phase's calls are spread evenly over the
 * phase (all at its start when it took no time). The campaign does not count calls per minute (the worker's
 * Prometheus counter reimage_ovh_calls does, see deploy/grafana/); per phase and server, the estimate is
 * exact in total and right to within one phase's length in time. Pure.
 */

/**
 * Calls per bin of `binMs`, from the campaign's start. An estimate: no rate limit is drawn against it, since a
 * bin may hold calls that went out in the next one.
 */
export interface CallBins {
  binMs: number;
  counts: number[];
}

/** About this many bins across the campaign, each a round length (1 s, 5 s, 10 s, 30 s, 1 min, ...). */
const TARGET_BINS = 60;
const ROUND_BINS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600].map((s) => s * 1000);

interface CallSpan {
  startMs: number;
  endMs: number;
  calls: number;
}

/** Calls per bin over [fromMs, toMs] of every span of `rows`. */
export function callsOverTime(rows: { spans: CallSpan[] }[], fromMs: number, toMs: number): CallBins {
  const lengthMs = Math.max(1, toMs - fromMs);
  const binMs = ROUND_BINS_MS.find((ms) => ms * TARGET_BINS >= lengthMs) ?? ROUND_BINS_MS.at(-1)!;
  const counts: number[] = Array.from({ length: Math.ceil(lengthMs / binMs) }, () => 0);
  const add = (atMs: number, calls: number) => {
    const bin = Math.min(counts.length - 1, Math.max(0, Math.floor((atMs - fromMs) / binMs)));
    counts[bin] = (counts[bin] ?? 0) + calls;
  };
  for (const span of rows.flatMap((row) => row.spans)) {
    if (span.calls === 0) continue;
    if (span.endMs <= span.startMs) {
      add(span.startMs, span.calls);
      continue;
    }
    // Each call at the middle of its share of the span.
    const step = (span.endMs - span.startMs) / span.calls;
    for (let i = 0; i < span.calls; i += 1) add(span.startMs + step * (i + 0.5), 1);
  }
  return { binMs, counts };
}
