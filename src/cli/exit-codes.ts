import type { CampaignTotals } from '../shared/campaign-report-types';

/** Documented exit codes of the `reimage` command (the README lists them). */
export const ExitCode = {
  Ok: 0,
  /** Unexpected failure: a bug or an unreachable dependency not covered below. */
  Failure: 1,
  /** Bad command line: unknown command or flag, missing argument. */
  Usage: 2,
  /** The campaign file or the environment is invalid; nothing was started. */
  InvalidInput: 3,
  /** Temporal could not be reached. */
  TemporalUnavailable: 4,
  /** The campaign finished but not every server is done (halted, cancelled or failures). */
  CampaignNotClean: 5,
  /** The operator declined the confirmation prompt. */
  Aborted: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a command that shows a campaign: 5 once it finished with a server not done, else 0. */
export function campaignExitCode(finished: boolean, totals: Pick<CampaignTotals, 'servers' | 'byOutcome'>): ExitCode {
  return finished && (totals.byOutcome.done ?? 0) < totals.servers ? ExitCode.CampaignNotClean : ExitCode.Ok;
}
