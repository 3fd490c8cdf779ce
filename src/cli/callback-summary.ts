/**
 * What status and the reports say of a campaign with completion.callback: how many done servers called back
 * (their boot proven by it, their SSH host keys recorded), and which were found by polling instead (an image
 * without cloud-init, a callback the network lost). Nothing for a campaign without callbacks.
 */
import type { CampaignTotals, ServerReportRow } from '../shared/campaign-report-types';
import { ServerOutcome } from '../shared/failure-types';

/** Servers named at most; the rest are counted. */
const NAMED_AT_MOST = 10;

/** The line status prints; undefined for a campaign without callbacks or before a server is done. */
export function callbackSummary(
  totals: CampaignTotals,
  rows: readonly Pick<ServerReportRow, 'serviceName' | 'outcome' | 'calledBack'>[],
): string | undefined {
  const done = rows.filter((row) => row.outcome === ServerOutcome.Done);
  if (totals.calledBack === undefined || done.length === 0) return undefined;
  const silent = done.filter((row) => !row.calledBack).map((row) => row.serviceName);
  const named = silent.slice(0, NAMED_AT_MOST).join(', ');
  const more = silent.length > NAMED_AT_MOST ? ` and ${silent.length - NAMED_AT_MOST} more` : '';
  const polled = silent.length > 0 ? `; found by polling, without host keys: ${named}${more}` : '';
  const hint =
    totals.calledBack > 0
      ? 'report --format known-hosts prints their SSH host keys'
      : 'check that completion.callback reaches reimage callback-server from the servers, and that the image runs cloud-init';
  return `callbacks: ${totals.calledBack} of ${done.length} done servers called back (${hint})${polled}`;
}

/** The same line as a sentence, for the reports (Markdown, HTML). */
export function callbackSentence(...args: Parameters<typeof callbackSummary>): string | undefined {
  const line = callbackSummary(...args);
  return line && `C${line.slice(1)}.`;
}
