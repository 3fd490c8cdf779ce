import path from 'node:path';
import { loadCampaignFile } from '../../src/campaign/loader';
import type { CampaignSpec } from '../../src/campaign/schema';
import { estimate } from '../../src/cli/plan-estimate';
import type { CampaignPlan } from '../../src/shared/plan-types';

const perMinute = (requests: number) => ({ requests, perMs: 60_000 });
const minute = 60_000;

let spec: CampaignSpec;
beforeAll(async () => {
  const base = await loadCampaignFile(path.join(__dirname, '../../examples/campaigns/canary-rollout.yaml'));
  spec = { ...base, rollout: { ...base.rollout, maxParallel: { count: 400 } } };
});

/** A plan of `counts[account]` servers per account, every server preflighted. */
function planOf(counts: Record<string, number>): CampaignPlan {
  const servers = Object.entries(counts).flatMap(([account, n]) =>
    Array.from({ length: n }, (_, i) => ({ serviceName: `${account}-${i}.example.net`, account })),
  );
  return { campaignId: 'c', servers, skipped: [], unknown: [], excluded: [], notAllowed: [], waves: [], apiCalls: 0 };
}

describe('estimate', () => {
  it('bounds a campaign spread over two accounts by the slower account budget', () => {
    const rates: Record<string, number> = { 'eu-prod': 120, 'ca-prod': 60 };
    const eta = estimate(spec, planOf({ 'eu-prod': 600, 'ca-prod': 400 }), (account) => perMinute(rates[account] ?? 1));
    // 7.6 calls per server after a plan: eu-prod 4,560 calls at 120/min, ca-prod 3,040 at 60/min.
    expect(eta.accounts).toEqual([
      { account: 'eu-prod', servers: 600, rateLimitPerMinute: 120, budgetBoundMs: 38 * minute },
      { account: 'ca-prod', servers: 400, rateLimitPerMinute: 60, budgetBoundMs: 3_040_000 },
    ]);
    expect(eta).toMatchObject({
      bound: 'ovh-budget',
      etaMs: 3_040_000,
      budgetBoundMs: 3_040_000,
      installBoundMs: 33 * minute,
      rateLimitPerMinute: 60,
    });
    expect(eta.advice).toBe(
      'the OVH budget of account ca-prod (400 servers at 60 calls per minute, about 7.6 per server: about 473 servers per hour) bounds it: a higher maxParallel would not help; a plan of every server shortly before the window (its reads are then not repeated), or the servers split across more accounts with their own keys, would.',
    );
  });

  it('names no account when every server is on the default one', () => {
    const eta = estimate(spec, planOf({ default: 1000 }), () => perMinute(60));
    expect(eta.accounts).toBeUndefined();
    expect(eta).toMatchObject({ bound: 'ovh-budget', budgetBoundMs: 7_600_000, rateLimitPerMinute: 60 });
    expect(eta.advice).toMatch(
      /^the OVH budget \(60 calls per minute, about 7\.6 per server: about 473 servers per hour\) bounds it: a higher maxParallel/,
    );
  });

  it('counts fewer OVH calls per server when the servers call back', () => {
    const completion = { callback: 'https://reimage.example.net/phone-home', tries: 10 };
    const eta = estimate({ ...spec, completion }, planOf({ default: 1000 }), () => perMinute(60));
    expect(eta).toMatchObject({ callsPerServer: 4.5, budgetBoundMs: 4_500_000 });
    expect(eta.advice).toMatch(
      /^the OVH budget \(60 calls per minute, about 4\.5 per server: about 800 servers per hour\)/,
    );
  });

  it('says how fast the accounts together would allow when maxParallel bounds the campaign', () => {
    const eta = estimate(
      { ...spec, rollout: { ...spec.rollout, maxParallel: { count: 10 } } },
      planOf({ a: 50, b: 50 }),
      () => perMinute(60),
    );
    expect(eta).toMatchObject({ bound: 'installs', installBoundMs: 110 * minute, etaMs: 110 * minute });
    expect(eta.advice).toBe(
      'maxParallel (10) bounds it: a higher maxParallel would go faster, up to about 947 servers per hour that the OVH budgets of the accounts allow.',
    );
  });
});
