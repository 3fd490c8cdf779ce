/**
 * The campaign learns install durations from its done servers and tells each new server when its install is
 * likely to end, with the real activities against the OVH simulator on the dev server. One server at a time,
 * so each server is started knowing exactly the servers done before it; halfway through, OVH gets 50 % slower
 * (the simulator's install_factor fault, injected while the campaign waits for the approval of its second
 * wave). The campaign continues as new every few servers, so what it learned must be carried. A fleet mixing
 * two offers, one installing twice as slowly, is polled at each offer's own pace.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WaitForDeploymentInput } from '../../src/activities/types';
import { renderStatus } from '../../src/cli/commands/status';
import { humanDuration } from '../../src/cli/output';
import { approveNextWaveUpdate, campaignProgressQuery } from '../../src/shared/campaign-messages';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign, waitForProgress } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest, type SimulatedOvh } from './helpers/simulated-ovh';

/** Simulated seconds per real second: an 11-minute install takes 0.7 s. */
const SPEED = 900;
const FAST_WAVE = 6;
const SLOW_WAVE = 8;
const SLOWER = 1.5;

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();

/** The server's install duration from its task dates, whole seconds (what waitForDeployment measures), in ms. */
function installDurationMs(sim: SimulatedOvh, serviceName: string): number {
  const install = sim.sim.state.server(serviceName)?.deployment;
  return Date.parse(install?.expectedEnd ?? '') - Date.parse(install?.startedAt ?? '');
}

/** The expectation the server's waitForDeployment was given, read from the server workflow's history. */
async function toldExpectation(serviceName: string) {
  const history = await env.client.workflow.getHandle(serverWorkflowId(serviceName)).fetchHistory();
  const scheduled = (history.events ?? [])
    .map((event) => event.activityTaskScheduledEventAttributes)
    .find((attributes) => attributes?.activityType?.name === 'waitForDeployment');
  const input = defaultPayloadConverter.fromPayload<WaitForDeploymentInput>(scheduled!.input!.payloads![0]!);
  return { typicalInstallMs: input.typicalInstallMs, earlyInstallMs: input.earlyInstallMs };
}

/** Nearest-rank quantile, written apart from the workflow's. */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('learned install durations with the real activities against the OVH simulator', () => {
  it('tells each server what the installs before it took, follows installs that get 50 % slower, and finishes every server', async () => {
    const sim = await openSimulator({ count: FAST_WAVE + SLOW_WAVE, speed: SPEED });
    const drawnMs = sim.installDurationsMs();
    const names = sim.servers.map((s) => s.serviceName);
    const taskQueue = uniqueTaskQueue('learn');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      maxParallel: { count: 1 },
      waves: [{ count: FAST_WAVE }, { count: SLOW_WAVE }],
      approval: 'beforeEachWave',
      continueAsNewAfterEvents: 50,
    });
    const { report, atGate, atEnd } = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      // Six installs one after the other come first: a loaded 2-core runner may take a minute or more.
      const gate = await waitForProgress(
        campaign,
        (p) => p.status === 'awaiting_approval',
        'the second wave gate',
        120_000,
      );
      sim.sim.state.injectFaults(`install_factor=${SLOWER}`);
      await campaign.executeUpdate(approveNextWaveUpdate);
      const result = await campaign.result();
      return { report: result, atGate: gate, atEnd: await campaign.query(campaignProgressQuery) };
    });

    expect(report.finalState).toBe('done');
    expect(report.totals.byOutcome).toEqual({ done: FAST_WAVE + SLOW_WAVE });
    expect(report.runs).toBeGreaterThan(1);
    const installsMs = names.map((sn) => installDurationMs(sim, sn));
    // The second wave's installs took 1.5 times what the simulator drew for them (dates have 1 s resolution).
    expect(installsMs.map((ms, i) => Math.round((ms / drawnMs[i]!) * 100) / 100)).toEqual([
      ...Array(FAST_WAVE).fill(1),
      ...Array(SLOW_WAVE).fill(SLOWER),
    ]);

    const told = await Promise.all(names.map(toldExpectation));
    // Nothing for the first 3 (the default), the median from 3 done, the 10th percentile from 10 done.
    const expected = names.map((_, k) => ({
      typicalInstallMs: k < 3 ? undefined : nearestRank(installsMs.slice(0, k), 0.5),
      earlyInstallMs: k < 10 ? undefined : nearestRank(installsMs.slice(0, k), 0.1),
    }));
    expect(told).toEqual(expected);
    // The first slow server overran what the fast wave taught, and was polled until it ended.
    expect(installsMs[FAST_WAVE]!).toBeGreaterThan(told[FAST_WAVE]!.typicalInstallMs!);

    const fastMs = installsMs.slice(0, FAST_WAVE);
    const slowMs = installsMs.slice(FAST_WAVE);
    expect(atGate.learnedInstalls).toMatchObject({ samples: FAST_WAVE, typicalInstallMs: nearestRank(fastMs, 0.5) });
    // Slow installs are now the majority: the median is the shortest of them, above every fast install.
    const learned = atEnd.learnedInstalls!;
    expect(learned).toMatchObject({ samples: FAST_WAVE + SLOW_WAVE, typicalInstallMs: Math.min(...slowMs) });
    expect(learned.typicalInstallMs).toBeGreaterThan(Math.max(...fastMs));

    const gateLearned = atGate.learnedInstalls!;
    expect(atGate.etaMs).toBe(SLOW_WAVE * (gateLearned.typicalInstallMs + gateLearned.overheadMs));
    const status = renderStatus({ ...atEnd, completed: true, installSteps: {} }).split('\n');
    expect(status).toContain(
      `installs: typically ${humanDuration(learned.typicalInstallMs)}, 10% under ${humanDuration(learned.earlyInstallMs!)} (learned from the last 14 done servers)`,
    );
  }, 180_000);

  it("tells each server its own commercial range's install durations once the range has enough done servers", async () => {
    const servers = 12;
    // Even servers are RISE-1, odd ones STOR-1, whose installs run at half the pace.
    const hardware = (i: number) =>
      i % 2 === 0 ? { commercialRange: 'RISE-1', installPace: 1 } : { commercialRange: 'STOR-1', installPace: 2 };
    const sim = await openSimulator({ count: servers, speed: SPEED, hardware });
    const drawnMs = sim.installDurationsMs();
    const names = sim.servers.map((s) => s.serviceName);
    const taskQueue = uniqueTaskQueue('learn-range');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, { maxParallel: { count: 1 }, continueAsNewAfterEvents: 50 });
    const { report, atEnd } = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      const result = await campaign.result();
      return { report: result, atEnd: await campaign.query(campaignProgressQuery) };
    });

    expect(report.finalState).toBe('done');
    expect(report.runs).toBeGreaterThan(1);
    const installsMs = names.map((sn) => installDurationMs(sim, sn));
    expect(installsMs.map((ms, i) => Math.round((ms / drawnMs[i]!) * 100) / 100)).toEqual(names.map(() => 1));
    const rise = installsMs.filter((_, i) => i % 2 === 0);
    const stor = installsMs.filter((_, i) => i % 2 === 1);
    // Twice the pace: every STOR-1 install is longer than any RISE-1 one (the draws vary by ±20 %).
    expect(Math.min(...stor)).toBeGreaterThan(Math.max(...rise));
    const told = await Promise.all(names.map(toldExpectation));
    // The campaign's figures from 3 done servers; the range's own from 3 done servers of that range.
    const expected = names.map((_, k) => {
      const all = installsMs.slice(0, k);
      const sameRange = all.filter((_, j) => j % 2 === k % 2);
      const from = sameRange.length >= 3 ? sameRange : all.length >= 3 ? all : undefined;
      return {
        typicalInstallMs: from ? nearestRank(from, 0.5) : undefined,
        earlyInstallMs: from && from.length >= 10 ? nearestRank(from, 0.1) : undefined,
      };
    });
    expect(told).toEqual(expected);
    expect(atEnd.learnedInstallsByRange).toEqual({
      'rise-1': expect.objectContaining({ samples: 6, typicalInstallMs: nearestRank(rise, 0.5) }),
      'stor-1': expect.objectContaining({ samples: 6, typicalInstallMs: nearestRank(stor, 0.5) }),
    });
    const status = renderStatus({ ...atEnd, completed: true, installSteps: {} }).split('\n');
    expect(status).toContain(
      `  commercial range stor-1: installs typically ${humanDuration(nearestRank(stor, 0.5))} (learned from the last 6 done servers)`,
    );
  }, 120_000);
});
