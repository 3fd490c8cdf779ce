/**
 * Durations on screen during a rehearsal against a simulator at speed 60: OVH's figures (learned installs,
 * deadlines, the typical install) are on the simulator's clock, the operator waits in real time. The
 * campaign's ETA, the plan's and the status lines are in real time, from exact states.
 */
import path from 'node:path';
import { loadCampaignFile } from '../../src/campaign/loader';
import { renderStatus, type StatusSnapshot } from '../../src/cli/commands/status';
import { estimate } from '../../src/cli/plan-estimate';
import type { CampaignPlan } from '../../src/shared/plan-types';
import type { ServerResult } from '../../src/shared/campaign-types';
import { CampaignState } from '../../src/workflows/campaign-state';
import { campaignProgress } from '../../src/workflows/campaign-views';
import { testSettings } from './helpers/settings';

const SPEED = 60;
const MINUTE = 60_000;
const fleet = Array.from({ length: 20 }, (_, i) => ({ serviceName: `ns${100 + i}.ip-51-68-12.eu` }));

/** 20 servers, 5 at a time, deadlines of 60 + 15 minutes on OVH's clock. */
function rehearsal(): CampaignState {
  const deadlines = { installMs: 60 * MINUTE, bootMs: 15 * MINUTE, rollbackMs: 30 * MINUTE };
  const settings = testSettings('rehearsal', { deadlines, maxParallel: { count: 5 } });
  return new CampaignState({ campaignId: 'rehearsal', servers: fleet, settings, ovhClockSpeed: SPEED });
}

/** A server done in 15 real seconds, whose install took 11 minutes on the simulator's clock. */
function doneIn15s(serviceName: string): ServerResult {
  const base = { serviceName, attempt: 1, outcome: 'done', deployments: 1, apiCalls: 8 } as const;
  return { ...base, startedAtMs: 0, finishedAtMs: 15_000, durations: {}, installDurationMs: 11 * MINUTE };
}

describe('a rehearsal at speed 60', () => {
  it('estimates the typical install in real time before any server is done, as the plan does', () => {
    // 4 rounds of 5 servers, each an 11-minute install on the simulator's clock: 11 real seconds.
    expect(campaignProgress(rehearsal()).etaMs).toBe(4 * 11_000);
  });

  it('fits servers into windows by their deadlines in real time', () => {
    // 60 + 15 minutes on the simulator's clock.
    expect(rehearsal().deadlineMs()).toBe(75_000);
  });

  it('estimates from the learned installs in real time once 3 servers are done', () => {
    const campaign = rehearsal();
    for (const slot of campaign.servers.slots.slice(0, 3)) {
      campaign.admit(slot);
      campaign.recordResult(doneIn15s(slot.target.serviceName));
    }
    const progress = campaignProgress(campaign);
    // 17 servers left, 4 rounds of 5, each 15 real seconds (11 simulated minutes of install and 4 around it).
    expect(progress.etaMs).toBe(60_000);
    expect(progress.learnedInstalls).toEqual({ samples: 3, typicalInstallMs: 11 * MINUTE, overheadMs: 4 * MINUTE });
    expect(progress.ovhClockSpeed).toBe(SPEED);
  });

  it('plans the installs in real time, as the campaign then estimates them', async () => {
    const spec = await loadCampaignFile(path.join(__dirname, '../../examples/campaigns/canary-rollout.yaml'));
    const plan: CampaignPlan = {
      campaignId: 'rehearsal',
      servers: fleet,
      skipped: [],
      unknown: [],
      excluded: [],
      notAllowed: [],
      waves: [],
      apiCalls: 0,
      ovhClockSpeed: SPEED,
    };
    const planned = estimate({ ...spec, rollout: { ...spec.rollout, maxParallel: { count: 5 } } }, plan, () => ({
      requests: 600,
      perMs: MINUTE,
    }));
    // 4 rounds of an 11-minute install on the simulator's clock: 44 real seconds, not 44 minutes.
    expect(planned.installBoundMs).toBe(44_000);
    expect(planned.installBoundMs).toBe(campaignProgress(rehearsal()).etaMs);
  });

  it('shows the learned installs and the ETA in real time, and says so', () => {
    const campaign = rehearsal();
    for (const slot of campaign.servers.slots.slice(0, 3)) {
      campaign.admit(slot);
      campaign.recordResult(doneIn15s(slot.target.serviceName));
    }
    const snapshot: StatusSnapshot = { ...campaignProgress(campaign), completed: false, installSteps: {} };
    expect(renderStatus(snapshot).split('\n').slice(3)).toEqual([
      'wave 1 (3/20 admitted), concurrency 5, ETA 1m 00s, OVH calls 24',
      'installs: typically 11s (learned from the last 3 done servers)',
      "durations in real time: the worker's simulator runs its clock 60 times faster",
    ]);
  });
});
