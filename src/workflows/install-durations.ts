/**
 * What a campaign learns of OVH's install durations from its own done servers: when a new server's install
 * is likely to end (its polls cluster there) and how long a server takes (the ETA). Pure and deterministic.
 *
 * The state is a sliding window of the latest INSTALL_WINDOW done servers, oldest first, each a pair of
 * whole seconds [OVH's install duration, the whole reimage]: at most 32 pairs, about 400 bytes carried across
 * continue-as-new however large the fleet. A window rather than every sample, so the figures follow OVH's
 * pace when it drifts, and a run of installs all beyond the window's quartiles restarts the window from them
 * (a slow datacenter, a bigger image); quantiles rather than a mean, so one stuck or unusually fast install
 * moves a figure by one rank only.
 *
 * Besides the campaign's window, one window per commercial range (the offer preflight reads, e.g.
 * `advance-1`), for the MAX_RANGES ranges seen last: a fleet mixing offers whose installs differ (HDD
 * storage servers write an image slower than NVMe ones) polls each at its own pace. The campaign cannot know
 * a server's range before its preflight, so it hands every server the figures of each range with enough
 * samples, and the server takes its own range's once preflight has named it.
 */
import type { InstallSample, LearnedInstalls } from '../shared/campaign-report-types';
import type { InstallExpectation, ReimageServerInput } from '../shared/campaign-types';
import { MIN_SAMPLES, quantile, SAMPLE_SIZE } from '../shared/eta';

/** How many of the latest done servers the figures come from. */
export const INSTALL_WINDOW = 32;
/** The first poll comes when this share of recent installs had ended: a tenth ends before it, by little. */
const EARLY_QUANTILE = 0.1;
/**
 * Done servers needed before the first poll follows EARLY_QUANTILE: below that it is the smallest of a few
 * installs, often above the true 10th percentile, and the installs that end before it wait longer to be
 * noticed (until then the poll policy assumes a tenth of installs end before 84 % of the median).
 */
const EARLY_MIN_SAMPLES = 10;

/**
 * Consecutive installs beyond the window's quartiles (each longer than three quarters of the installs before
 * it, or each shorter than three quarters) that tell OVH's pace changed: one chance in about 2,000 when it
 * did not. Then only they are kept, and the figures follow the new pace at once instead of once half the
 * window saw it.
 */
const PACE_CHANGE_RUN = 6;
/** Installs a run is compared with, at least: fewer say little of the pace. */
const PACE_CHANGE_MIN_BEFORE = 10;

/** The window once a server is done: its install duration from OVH's task dates, and its server duration. */
export function recordInstall(
  window: readonly InstallSample[],
  installDurationMs: number,
  serverDurationMs: number,
): InstallSample[] {
  // At least 1 s: the figures sent to waitForDeployment must be positive.
  const sample: InstallSample = [
    Math.max(1, Math.round(installDurationMs / 1000)),
    Math.round(serverDurationMs / 1000),
  ];
  const updated = [...window, sample].slice(-INSTALL_WINDOW);
  return paceChanged(updated) ? updated.slice(-PACE_CHANGE_RUN) : updated;
}

/** Whether the latest PACE_CHANGE_RUN installs all lie beyond the same quartile of the installs before each. */
function paceChanged(window: readonly InstallSample[]): boolean {
  const first = window.length - PACE_CHANGE_RUN;
  if (first < PACE_CHANGE_MIN_BEFORE) return false;
  const sides = window.slice(first).map(([installS], offset) => {
    const before = window.slice(0, first + offset).map(([earlierS]) => earlierS);
    if (installS > (quantile(before, 0.75) ?? Infinity)) return 1;
    if (installS < (quantile(before, 0.25) ?? -Infinity)) return -1;
    return 0;
  });
  return sides.every((side) => side === 1) || sides.every((side) => side === -1);
}

/** Ranges whose windows are kept (a fleet mixes a handful of offers): about 400 bytes each. */
const MAX_RANGES = 16;

/** The per-range windows once a server of `range` is done; its range becomes the most recently seen. */
export function recordRangeInstall(
  windows: Readonly<Record<string, readonly InstallSample[]>>,
  range: string,
  installDurationMs: number,
  serverDurationMs: number,
): Record<string, InstallSample[]> {
  const others = Object.entries(windows).filter(([name]) => name !== range);
  const updated: [string, InstallSample[]][] = [
    ...others.map(([name, window]): [string, InstallSample[]] => [name, [...window]]),
    [range, recordInstall(windows[range] ?? [], installDurationMs, serverDurationMs)],
  ];
  return Object.fromEntries(updated.slice(-MAX_RANGES));
}

/**
 * The learned figures of each range with MIN_SAMPLES done servers, or undefined while fewer than two ranges
 * were seen (one range learns what the campaign's window does).
 */
export function learnedInstallsByRange(
  windows: Readonly<Record<string, readonly InstallSample[]>>,
): Record<string, LearnedInstalls> | undefined {
  if (Object.keys(windows).length < 2) return undefined;
  const learned = Object.entries(windows).flatMap(([range, window]): [string, LearnedInstalls][] => {
    const figures = learnedInstalls(window);
    return figures ? [[range, figures]] : [];
  });
  return learned.length > 0 ? Object.fromEntries(learned) : undefined;
}

/** The learned figures, or undefined while fewer than MIN_SAMPLES servers are done. */
export function learnedInstalls(window: readonly InstallSample[]): LearnedInstalls | undefined {
  if (window.length < MIN_SAMPLES) return undefined;
  const installs = window.map(([installS]) => installS * 1000);
  const overheads = window.map(([installS, serverS]) => Math.max(0, serverS - installS) * 1000);
  const earlyInstallMs = window.length >= EARLY_MIN_SAMPLES ? quantile(installs, EARLY_QUANTILE) : undefined;
  return {
    samples: window.length,
    typicalInstallMs: quantile(installs, 0.5) ?? 0,
    earlyInstallMs,
    overheadMs: quantile(overheads, 0.5) ?? 0,
  };
}

/**
 * What waitForDeployment is told of when the install likely ends: the learned figures of the server's range
 * when the campaign has them, else the campaign's; nothing while it has none (the poll policy's default).
 */
export function pollExpectation(
  input: Pick<ReimageServerInput, 'expectedInstall' | 'expectedInstallByRange'>,
  range: string | undefined,
): InstallExpectation | undefined {
  return (range ? input.expectedInstallByRange?.[range] : undefined) ?? input.expectedInstall;
}

/** What done servers taught of install durations, as carried across continue-as-new. */
export interface CarriedInstalls {
  installs?: InstallSample[];
  installsByRange?: Record<string, InstallSample[]>;
}

/**
 * The campaign's learning of install durations: the windows above, and the whole-reimage durations of the
 * latest SAMPLE_SIZE done servers (what a window admission expects a server to take).
 */
export class InstallLearning {
  private readonly serverDurations: number[] = [];
  private installs: InstallSample[];
  private installsByRange: Record<string, InstallSample[]>;

  constructor(carried: CarriedInstalls = {}) {
    this.installs = carried.installs ?? [];
    this.installsByRange = carried.installsByRange ?? {};
  }

  /**
   * A done server: `serverDurationMs` its whole reimage in real time (for window admissions),
   * `installDurationMs` its install duration (undefined from a worker that reports none: it teaches the window
   * nothing), `range` its commercial range. The windows hold OVH's clock, `ovhClockSpeed` times real time (what
   * the polls wait on).
   */
  record(serverDurationMs: number, ovhClockSpeed: number, installDurationMs?: number, range?: string): void {
    this.recordServer(serverDurationMs);
    if (installDurationMs === undefined) return;
    const ovhServerDurationMs = serverDurationMs * ovhClockSpeed;
    this.installs = recordInstall(this.installs, installDurationMs, ovhServerDurationMs);
    if (range)
      this.installsByRange = recordRangeInstall(this.installsByRange, range, installDurationMs, ovhServerDurationMs);
  }

  /** A done server whose whole reimage alone is known (a run carried across continue-as-new). */
  recordServer(serverDurationMs: number): void {
    this.serverDurations.push(serverDurationMs);
    if (this.serverDurations.length > SAMPLE_SIZE) this.serverDurations.shift();
  }

  /** The whole-reimage durations of the latest done servers, oldest first. */
  durations(): readonly number[] {
    return this.serverDurations;
  }

  /** The learned figures; undefined until MIN_SAMPLES servers are done. */
  learned(): LearnedInstalls | undefined {
    return learnedInstalls(this.installs);
  }

  /** The same per commercial range, once the fleet showed several ranges. */
  learnedByRange(): Record<string, LearnedInstalls> | undefined {
    return learnedInstallsByRange(this.installsByRange);
  }

  /** What continue-as-new carries (nothing while nothing was learned). */
  encode(): CarriedInstalls {
    return {
      installs: this.installs.length > 0 ? this.installs : undefined,
      installsByRange: Object.keys(this.installsByRange).length > 0 ? this.installsByRange : undefined,
    };
  }
}
