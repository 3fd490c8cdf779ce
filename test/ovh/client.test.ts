import { FailureType } from '../../src/shared/failure-types';
import { OvhClient } from '../../src/ovh/client';
import { getServer } from '../../src/ovh/dedicated-server';
import { OvhApiError } from '../../src/ovh/errors';
import { RateBudget } from '../../src/ovh/rate-budget';
import type { Simulator } from '../../src/simulator';
import { activitiesFor, clientFor, fleet, imageSpec, keySettings, mockEnv, run } from '../activities/helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

describe('OvhClient against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({
      clockOffsetSeconds: 1800,
      maxSkewSeconds: 30,
      fleet: fleet([{ name: 'a.test.eu' }, { name: 'b.test.eu' }]),
    });
  });
  afterAll(() => sim.close());

  it("signs with OVH's clock when the local clock is 30 minutes off", async () => {
    const ovh = clientFor(sim);
    await expect(getServer(ovh, 'a.test.eu')).resolves.toMatchObject({ name: 'a.test.eu', state: 'ok' });
    expect(ovh.apiTimeDiffSeconds()).toBeGreaterThanOrEqual(1799);
  });

  it('resynchronises once when OVH refuses a signature made with a stale offset', async () => {
    const ovh = clientFor(sim, { apiTimeDiffSeconds: 0 });
    await expect(getServer(ovh, 'a.test.eu')).resolves.toMatchObject({ name: 'a.test.eu' });
    expect(ovh.totalCalls).toBe(3);
  });

  it("reads OVH's error class and query ID although node-ovh drops them", async () => {
    const error = await getServer(clientFor(sim), 'nope.test.eu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).toDetails()).toEqual({
      kind: 'http',
      status: 404,
      class: 'Client::NotFound',
      errorCode: undefined,
      message: 'The requested object (serviceName = nope.test.eu) does not exist',
      queryId: expect.stringMatching(/^EU\.sim-1\.\w+\.\d+$/),
      method: 'GET',
      path: '/dedicated/server/nope.test.eu',
    });
  });

  it('works in OAuth2 mode with the CA given as OVH_CA_FILE', async () => {
    const ovh = new OvhClient({
      endpoint: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      caFile: sim.caCertPath,
    });
    const verdict = await run(activitiesFor(ovh).preflightServer, {
      campaignId: 'c1',
      serviceName: 'b.test.eu',
      route: 'reinstall',
      image: imageSpec(),
    });
    expect(verdict).toMatchObject({ ok: true, apiCalls: 6 });
    expect(sim.state.requests(1)[0]?.consumer).toBe(`oauth2:${sim.credentials.clientId}`);
  });

  it('turns refused OAuth2 credentials into a permanent failure that names the settings, not the secret', async () => {
    const ovh = new OvhClient({
      endpoint: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: 'not-the-secret',
      caFile: sim.caCertPath,
    });
    await expect(run(activitiesFor(ovh).detectRoute, { serviceName: 'b.test.eu' })).rejects.toMatchObject({
      type: FailureType.OvhApiPermanent,
      nonRetryable: true,
      message:
        'The OVH client could not authenticate GET /dedicated/server/b.test.eu/bringYourOwnImage: OAuth2 token request refused (Unauthorized); check OVH_CLIENT_ID and OVH_CLIENT_SECRET OVH refused the credentials.',
    });
  });

  it('times out a call that takes longer than requestTimeoutMs and lets the activity retry', async () => {
    const ovh = new OvhClient(keySettings(sim, { requestTimeoutMs: 1000 }));
    await getServer(ovh, 'a.test.eu');
    sim.state.injectFaults('latency=1500ms');
    try {
      await expect(run(activitiesFor(ovh).detectRoute, { serviceName: 'a.test.eu' })).rejects.toMatchObject({
        type: FailureType.OvhApiRetryable,
        nonRetryable: false,
        message:
          'OVH did not answer GET /dedicated/server/a.test.eu/bringYourOwnImage in time: no answer after 1000 ms. The call may still have taken effect. The activity will retry.',
      });
    } finally {
      sim.state.injectFaults({}, true);
    }
  });
});

describe('the rate budget under a 429 storm', () => {
  let sim: Simulator;
  // A simulator per test: each test starts with a fresh rate window and a request log of its own.
  beforeEach(async () => {
    // OVH (here) allows 3 calls per second; the budgets below allow 10 per second.
    sim = await startTestSimulator({
      rateLimit: { requests: 3, perMs: 1000 },
      fleet: fleet([{ name: 'r1.test.eu' }, { name: 'r2.test.eu' }, { name: 'r3.test.eu' }]),
    });
  });
  afterEach(() => sim.close());

  it('never sends more than the budget and retries after Retry-After', async () => {
    const budget = new RateBudget({ requests: 600, perMs: 60_000, burst: 5, fresh: true });
    // No resend inside the client here: every 429 reaches the activity, as after the client's last resend.
    const ovh = new OvhClient(keySettings(sim), { rateBudget: budget, rateLimitedReadRetries: 0 });
    const activities = activitiesFor(ovh);
    const delays: unknown[] = [];
    const until = Date.now() + 3000;
    const worker = async (serviceName: string) => {
      while (Date.now() < until) {
        try {
          await run(activities.detectRoute, { serviceName }, mockEnv());
        } catch (failure) {
          expect(failure).toMatchObject({ type: FailureType.OvhApiRetryable });
          delays.push((failure as { nextRetryDelay?: unknown }).nextRetryDelay);
        }
      }
    };
    await Promise.all(['r1.test.eu', 'r2.test.eu', 'r3.test.eu'].map(worker));
    const times = sim.state.requests(10_000).map((entry) => Date.parse(entry.at));
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.every((delay) => typeof delay === 'number' && delay >= 1000)).toBe(true);
    for (const start of times) {
      expect(times.filter((time) => time >= start && time < start + 1000).length).toBeLessThanOrEqual(5 + 10);
    }
    expect(budget.stats().pauses).toBeGreaterThan(0);
  });

  it('sends a read refused with 429 again after the pause, so the activity sees no failure', async () => {
    const budget = new RateBudget({ requests: 600, perMs: 60_000, burst: 10, fresh: true });
    const ovh = new OvhClient(keySettings(sim), { rateBudget: budget });
    const activities = activitiesFor(ovh);
    // Nine route detections at once against 3 calls per second: most of the first sends are refused.
    const routes = await Promise.all(
      ['r1.test.eu', 'r2.test.eu', 'r3.test.eu']
        .flatMap((name) => [name, name, name])
        .map((serviceName) => run(activities.detectRoute, { serviceName }, mockEnv())),
    );
    expect(routes.map((result) => result.route)).toEqual(Array(9).fill('reinstall'));
    const statuses = sim.state.requests(10_000).map((entry) => entry.status);
    expect(statuses).toContain(429);
    expect(budget.stats().pauses).toBeGreaterThan(0);
  });
});
