import { isBudgetExceeded, resolveFailureBudget } from '../../src/campaign/rollout-math';
import { effectiveConcurrency, MAX_IN_FLIGHT, waveSize } from '../../src/workflows/budget';
import { estimateEtaMs, expectedServerMs, quantile } from '../../src/shared/eta';
import { CampaignState } from '../../src/workflows/campaign-state';
import { campaignProgress, campaignReport } from '../../src/workflows/campaign-views';
import { MAX_RECORDED_WAVES } from '../../src/workflows/campaign-waves';
import {
  INSTALL_WINDOW,
  learnedInstalls,
  learnedInstallsByRange,
  recordInstall,
  recordRangeInstall,
} from '../../src/workflows/install-durations';
import { fitsInWindow, nextWindowChange, windowAt } from '../../src/shared/windows';
import { RolloutState, type ServerSlot } from '../../src/workflows/rollout-state';
import type { CarriedState, InstallSample } from '../../src/shared/campaign-report-types';
import type { ServerResult } from '../../src/shared/campaign-types';
import { FailureType, ServerOutcome } from '../../src/shared/failure-types';
import { testSettings } from './helpers/settings';
import { writeTestLog } from '../helpers/test-log';

const H = 3_600_000;

/** True only when A and B are the same type, read-only modifiers included. */
type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

function result(serviceName: string, attempt: number, outcome: ServerResult['outcome'] = 'done'): ServerResult {
  return {
    serviceName,
    attempt,
    outcome,
    deployments: 1,
    startedAtMs: 0,
    finishedAtMs: 660_000,
    durations: { installing: 600_000 },
    apiCalls: 20,
  };
}

describe('budget', () => {
  it('continues exactly at the budget and halts one failure over it', () => {
    expect(isBudgetExceeded(2, { count: 2 }, 10)).toBe(false);
    expect(isBudgetExceeded(3, { count: 2 }, 10)).toBe(true);
  });

  it('rounds a percentage budget down with no minimum', () => {
    expect(resolveFailureBudget({ percent: 10 }, 19)).toBe(1);
    expect(resolveFailureBudget({ percent: 5 }, 15)).toBe(0);
  });

  it('rounds a percentage parallelism down with a minimum of 1 and caps it at 500', () => {
    expect(effectiveConcurrency({ percent: 10 }, 15)).toBe(1);
    expect(effectiveConcurrency({ percent: 50 }, 7)).toBe(3);
    expect(effectiveConcurrency({ count: 2000 }, 10_000)).toBe(MAX_IN_FLIGHT);
    expect(effectiveConcurrency({ count: 2 }, 10, 7)).toBe(7);
  });

  it('repeats the last wave of a ramp and uses the whole fleet without a ramp', () => {
    const ramp = [{ count: 1 }, { count: 5 }, { percent: 20 }];
    expect([0, 1, 2, 3, 9].map((i) => waveSize(ramp, i, 100))).toEqual([1, 5, 20, 20, 20]);
    expect(waveSize([], 0, 42)).toBe(42);
  });
});

describe('eta', () => {
  it('uses the deadline until three servers are done, then their p95', () => {
    expect(expectedServerMs([100, 200], 5000)).toBe(5000);
    expect(expectedServerMs([100, 200, 300], 5000)).toBe(300);
    expect(quantile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.5)).toBe(5);
  });

  it('estimates the remaining time from the slots and the median duration', () => {
    expect(estimateEtaMs({ pending: 7, running: 3, concurrency: 5, doneDurations: [10, 20, 30], fallbackMs: 99 })).toBe(
      40,
    );
    expect(estimateEtaMs({ pending: 0, running: 0, concurrency: 5, doneDurations: [], fallbackMs: 99 })).toBe(0);
  });

  it('takes the learned install plus the median time around it for each server, once learned', () => {
    const learned = { typicalInstallMs: 600_000, overheadMs: 60_000 };
    expect(
      estimateEtaMs({ pending: 7, running: 3, concurrency: 5, learned, doneDurations: [10, 20, 30], fallbackMs: 99 }),
    ).toBe(1_320_000);
  });
});

/** The window after done servers whose installs took `installsS` seconds, each 60 s more in all. */
function windowOf(installsS: number[], from: InstallSample[] = []): InstallSample[] {
  return installsS.reduce((window, s) => recordInstall(window, s * 1000, (s + 60) * 1000), from);
}

describe('install durations', () => {
  it('learns nothing from fewer than 3 servers, then their median install and median overhead', () => {
    expect(learnedInstalls(windowOf([600, 660]))).toBeUndefined();
    const window = recordInstall(windowOf([600, 660]), 720_400, 820_000);
    expect(window).toEqual([
      [600, 660],
      [660, 720],
      [720, 820],
    ]);
    expect(learnedInstalls(window)).toEqual({ samples: 3, typicalInstallMs: 660_000, overheadMs: 60_000 });
  });

  it('learns the 10th percentile, when the first poll comes, once 10 servers are done', () => {
    const nine = windowOf([700, 610, 650, 690, 630, 670, 620, 680, 640]);
    expect(learnedInstalls(nine)).toEqual({ samples: 9, typicalInstallMs: 650_000, overheadMs: 60_000 });
    expect(learnedInstalls(windowOf([600], nine))).toEqual({
      samples: 10,
      typicalInstallMs: 640_000,
      earlyInstallMs: 600_000,
      overheadMs: 60_000,
    });
  });

  it('keeps the latest 32 servers, oldest first', () => {
    // 601 to 640 s in a scrambled order: no run of installs beyond a quartile.
    const installs = Array.from({ length: 40 }, (_, i) => 601 + ((i * 17) % 40));
    const window = windowOf(installs);
    expect(window).toHaveLength(INSTALL_WINDOW);
    expect(window.map(([installS]) => installS)).toEqual(installs.slice(-INSTALL_WINDOW));
  });

  it('restarts from 6 installs in a row beyond a quartile: installs 50 % slower are followed after 6 servers', () => {
    const steady = windowOf(Array.from({ length: 32 }, (_, i) => 640 + ((i * 7) % 41)));
    const afterSlow = (n: number) => learnedInstalls(windowOf(Array(n).fill(990), steady));
    expect(afterSlow(5)?.typicalInstallMs).toBe(663_000);
    expect(afterSlow(6)).toEqual({ samples: 6, typicalInstallMs: 990_000, overheadMs: 60_000 });
    // Ten at the new pace give the 10th percentile again.
    expect(afterSlow(10)).toEqual({
      samples: 10,
      typicalInstallMs: 990_000,
      earlyInstallMs: 990_000,
      overheadMs: 60_000,
    });
    // As fast again: 6 in a row below the first quartile.
    expect(learnedInstalls(windowOf(Array(6).fill(440), steady))?.typicalInstallMs).toBe(440_000);
  });

  it('keeps its window through a run that is not beyond a quartile throughout', () => {
    const steady = windowOf(Array.from({ length: 32 }, (_, i) => 640 + ((i * 7) % 41)));
    // Five slow installs, then one at the median: the pace did not change.
    const window = windowOf([990, 990, 990, 990, 990, 660], steady);
    expect(window).toHaveLength(INSTALL_WINDOW);
    expect(learnedInstalls(window)?.typicalInstallMs).toBe(662_000);
  });

  it('learns per commercial range once the fleet shows two ranges, from 3 servers of a range', () => {
    const record = (windows: Record<string, [number, number][]>, range: string, installS: number) =>
      recordRangeInstall(windows, range, installS * 1000, (installS + 60) * 1000);
    const rise = [600, 620, 640].reduce((w, s) => record(w, 'rise-1', s), {});
    expect(learnedInstallsByRange(rise)).toBeUndefined();
    const mixed = [1200, 1300].reduce((w, s) => record(w, 'stor-1', s), rise);
    expect(learnedInstallsByRange(mixed)).toEqual({
      'rise-1': { samples: 3, typicalInstallMs: 620_000, overheadMs: 60_000 },
    });
    expect(learnedInstallsByRange(record(mixed, 'stor-1', 1250))).toEqual({
      'rise-1': { samples: 3, typicalInstallMs: 620_000, overheadMs: 60_000 },
      'stor-1': { samples: 3, typicalInstallMs: 1_250_000, overheadMs: 60_000 },
    });
  });

  it('keeps the 16 ranges seen last', () => {
    const windows = Array.from({ length: 20 }, (_, i) => `range-${i}`).reduce(
      (w, range) => recordRangeInstall(w, range, 600_000, 660_000),
      recordRangeInstall({}, 'range-0', 600_000, 660_000),
    );
    expect(Object.keys(windows)).toEqual(Array.from({ length: 16 }, (_, i) => `range-${i + 4}`));
  });

  it('are carried across continue-as-new in under 1 KiB after 10,000 done servers', () => {
    const servers = Array.from({ length: 10_000 }, (_, i) => ({ serviceName: `ns${5_000_000 + i}.ip-51-68-12.eu` }));
    const input = { campaignId: 'c', servers, settings: testSettings('q', { maxParallel: { count: 500 } }) };
    const campaign = new CampaignState(input);
    for (const slot of campaign.servers.slots) {
      campaign.admit(slot);
      // Installs of 540 to 639 s in a scrambled order, each server taking 660 s in all.
      const installDurationMs = 540_000 + ((slot.index * 37) % 100) * 1000;
      campaign.recordResult({ ...result(slot.target.serviceName, 1), installDurationMs });
    }
    const carried = JSON.parse(JSON.stringify(campaign.encode())) as CarriedState;
    expect(JSON.stringify(carried.installs).length).toBeLessThan(1024);
    const next = new CampaignState({ ...input, carried });
    expect(next.learning.learned()).toEqual({
      samples: 32,
      typicalInstallMs: 589_000,
      earlyInstallMs: 552_000,
      overheadMs: 68_000,
    });
  });
});

describe('windows', () => {
  const absolute = {
    kind: 'absolute' as const,
    windows: [
      { startMs: 10 * H, endMs: 12 * H },
      { startMs: 20 * H, endMs: 22 * H },
    ],
  };

  it('reports an absolute window open until its end and the next opening when closed', () => {
    expect(windowAt(absolute, 11 * H)).toEqual({ configured: true, open: true, closesAtMs: 12 * H });
    expect(windowAt(absolute, 12 * H)).toEqual({ configured: true, open: false, opensAtMs: 20 * H });
    expect(windowAt(absolute, 23 * H)).toEqual({ configured: true, open: false });
    expect(windowAt(undefined, 0)).toEqual({ configured: false, open: true });
  });

  it('admits a server only when its expected time fits before the close', () => {
    const w = windowAt(absolute, 11 * H);
    expect(fitsInWindow(w, 11 * H, H)).toBe(true);
    expect(fitsInWindow(w, 11 * H, H + 1)).toBe(false);
    expect(nextWindowChange(w)).toBe(12 * H);
  });

  it('opens a recurring window at each cron occurrence in its time zone', () => {
    // 22:00 in Paris on 2026-01-15 (winter, UTC+1) is 21:00 UTC.
    const nightly = { kind: 'recurring' as const, cron: '0 22 * * *', durationMs: 4 * H, timezone: 'Europe/Paris' };
    const opens = Date.parse('2026-01-15T21:00:00Z');
    expect(windowAt(nightly, opens - 1)).toEqual({ configured: true, open: false, opensAtMs: opens });
    expect(windowAt(nightly, opens)).toEqual({ configured: true, open: true, closesAtMs: opens + 4 * H });
    expect(windowAt(nightly, opens + 4 * H)).toEqual({ configured: true, open: false, opensAtMs: opens + 24 * H });
    // In summer Paris is UTC+2: the same cron opens at 20:00 UTC.
    const summer = Date.parse('2026-07-15T20:00:00Z');
    expect(windowAt(nightly, summer + 1)).toEqual({ configured: true, open: true, closesAtMs: summer + 4 * H });
  });
});

describe('RolloutState', () => {
  const servers = [
    { serviceName: 'a', datacenter: 'rbx', rack: 'r1' },
    { serviceName: 'b', datacenter: 'rbx', rack: 'r1' },
    { serviceName: 'c', datacenter: 'gra', rack: 'r1' },
    { serviceName: 'd', datacenter: 'rbx', rack: 'r2' },
  ];

  it('skips candidates whose rack or datacenter is at its cap', () => {
    const state = new RolloutState(servers);
    expect(state.candidates(4, { maxPerRack: 1 }).map((s) => s.target.serviceName)).toEqual(['a', 'c', 'd']);
    expect(state.candidates(4, { maxPerDatacenter: 1 }).map((s) => s.target.serviceName)).toEqual(['a', 'c']);
    state.markRunning(state.find('a')!, 0);
    expect(state.candidates(4, { maxPerDatacenter: 2 }).map((s) => s.target.serviceName)).toEqual(['b', 'c']);
  });

  it('applies a finish report once per server and attempt', () => {
    const state = new RolloutState(servers);
    state.markRunning(state.find('a')!, 0);
    expect(state.applyResult(result('a', 1))).toBe('finished');
    expect(state.applyResult(result('a', 1))).toBe('ignored');
    expect(state.applyResult(result('b', 1))).toBe('ignored');
    expect(state.finishedCount).toBe(1);
  });

  it('requeues a server cancelled by a window close instead of finishing it', () => {
    const state = new RolloutState(servers);
    const slot = state.find('a')!;
    state.markRunning(slot, 0);
    state.cancelRequested(slot, true);
    expect(state.applyResult(result('a', 1, 'cancelled'))).toBe('requeued');
    expect(slot).toMatchObject({ state: 'pending', attempt: 2 });
    expect(state.pendingCount).toBe(4);
  });

  it('shows its slots read-only: only its own methods change them', () => {
    const state = new RolloutState(servers);
    const slot = state.find('a')!;
    state.markRunning(slot, 0);
    state.cancelRequested(slot, false);
    expect(slot).toMatchObject({ state: 'running', cancelWhenStarted: true });
    state.startConfirmed(slot, 'run-a');
    state.cancelSent(slot);
    expect(slot).toMatchObject({ runId: 'run-a', watched: true, cancelWhenStarted: undefined });
    // Compiles only while ServerSlot is read-only: an assignment from another module is a type error.
    const readOnly: SameType<ServerSlot, Readonly<ServerSlot>> = true;
    expect(readOnly).toBe(true);
  });

  it("finishes a refused start unstarted, even one cancelled at its window's close", () => {
    const state = new RolloutState(servers);
    const slot = state.find('a')!;
    state.markRunning(slot, 0);
    state.cancelRequested(slot, true);
    state.startRefused(slot, ServerOutcome.Skipped, 'The server is locked.', FailureType.ServerLocked);
    expect(slot).toMatchObject({ state: 'finished', windowCancelled: undefined });
    expect(slot.result).toMatchObject({ outcome: ServerOutcome.Skipped, failureType: FailureType.ServerLocked });
    expect(state.runningCount).toBe(0);
  });

  it('round-trips through its compact encoding', () => {
    const state = new RolloutState(servers);
    state.markRunning(state.find('a')!, 0);
    state.markRunning(state.find('b')!, 0);
    state.startConfirmed(state.find('b')!, 'run-b');
    state.applyResult({
      ...result('a', 1, 'deploy_failed'),
      failureType: 'DeployFailed',
      message: 'Could not download image.',
    });
    state.retry(state.find('a')!);
    const encoded = state.encode();
    expect(encoded).toEqual({ results: [], running: [[1, 1, 'run-b', 0]], pending: [2, 3, 0], attempts: [[0, 2]] });
    const copy = new RolloutState(servers, JSON.parse(JSON.stringify(encoded)));
    expect(copy.encode()).toEqual(encoded);
    expect(copy.runningCount).toBe(1);
  });

  it('carries which done servers called back, with a 1 after two empty failure fields', () => {
    const state = new RolloutState(servers);
    state.markRunning(state.find('a')!, 0);
    state.markRunning(state.find('b')!, 0);
    state.applyResult({ ...result('a', 1), hostKeys: { keys: ['ssh-ed25519 AAAA'] } });
    state.applyResult(result('b', 1));
    const encoded = state.encode();
    expect(encoded.results.map((tuple) => tuple.slice(7))).toEqual([['', '', 1], []]);
    const copy = new RolloutState(servers, JSON.parse(JSON.stringify(encoded)));
    expect([copy.find('a')?.result?.calledBack, copy.find('b')?.result?.calledBack]).toEqual([true, undefined]);
  });

  it('encodes 10,000 finished servers and the most wave starts it keeps in well under 512 KiB', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ serviceName: `ns${5_000_000 + i}.ip-51-68-12.eu` }));
    const state = new RolloutState(many);
    for (const slot of state.slots) {
      state.markRunning(slot, 0);
      state.applyResult({ ...result(slot.target.serviceName, 1), finishedAtMs: 665_123 });
    }
    const waveStarts = Array.from({ length: MAX_RECORDED_WAVES }, (_, i) => 1_790_000_000_000 + i * 600_000);
    const bytes = JSON.stringify({ ...state.encode(), waveStarts }).length;
    expect(bytes).toBeLessThan(512 * 1024);
  });
});

describe('campaign state', () => {
  const fleet = Array.from({ length: 4 }, (_, i) => ({ serviceName: `wave-${i}` }));
  const input = { campaignId: 'waves', servers: fleet, settings: testSettings('waves', { waves: [{ count: 1 }] }) };

  it('records when each wave admits its first server, once, and carries it across continue-as-new', () => {
    const campaign = new CampaignState(input);
    campaign.admit(campaign.servers.slots[0]!);
    campaign.admit(campaign.servers.slots[1]!);
    campaign.waves.openNext();
    campaign.admit(campaign.servers.slots[2]!);
    const starts = campaignReport(campaign, 'done').waveStartedAtMs!;
    expect(starts).toHaveLength(2);
    expect(starts[1]).toBeGreaterThanOrEqual(starts[0]!);
    const carried = new CampaignState({ ...input, carried: campaign.encode() });
    expect(campaignProgress(carried).waveStartedAtMs).toEqual(starts);
  });

  it('records no wave start for a campaign carried without them (an older worker)', () => {
    const older = new CampaignState(input).encode();
    const campaign = new CampaignState({
      ...input,
      carried: { ...older, wave: { index: 2, admitted: 0, failures: 0 } },
    });
    campaign.admit(campaign.servers.slots[0]!);
    expect(campaignReport(campaign, 'done')).not.toHaveProperty('waveStartedAtMs');
  });

  it("reports 10,000 finished servers and its wave starts within Temporal's 2 MiB payload limit", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ serviceName: `ns${5_000_000 + i}.ip-51-68-12.eu` }));
    const campaign = new CampaignState({ ...input, servers: many });
    campaign.servers.slots.forEach((slot, index) => {
      if (index > 0 && index % 100 === 0) campaign.waves.openNext();
      campaign.admit(slot);
      campaign.recordResult({ ...result(slot.target.serviceName, 1), finishedAtMs: 665_123 });
    });
    const report = campaignReport(campaign, 'done');
    expect(report.waveStartedAtMs).toHaveLength(MAX_RECORDED_WAVES);
    const bytes = JSON.stringify(report).length;
    writeTestLog(`report of 10,000 servers: ${bytes} bytes`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it(`keeps the start of the first ${MAX_RECORDED_WAVES} waves only`, () => {
    const many = Array.from({ length: MAX_RECORDED_WAVES + 5 }, (_, i) => ({ serviceName: `w-${i}` }));
    const campaign = new CampaignState({ ...input, servers: many });
    campaign.servers.slots.forEach((slot, index) => {
      if (index > 0) campaign.waves.openNext();
      campaign.admit(slot);
    });
    expect(campaign.encode().waveStarts).toHaveLength(MAX_RECORDED_WAVES);
  });
});
