import type { Simulator } from '../../src/simulator';
import { RateLimiter } from '../../src/simulator/auth';
import { rawRequest, simCall } from './raw-request';
import { legacyOvh, nodeOvh, nodeOvhOauth, rejectionOf } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

describe('simulator authentication', () => {
  let sim: Simulator;
  let server: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ clockOffsetSeconds: 42 });
    server = sim.servers[0] as string;
  });
  afterAll(() => sim.close());

  it('answers GET /auth/time with a bare integer shifted by the configured clock offset', async () => {
    const res = await rawRequest(sim, { path: '/auth/time', sign: false });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^\d+$/);
    expect(Math.abs(Number(res.text) - (Math.round(Date.now() / 1000) + 42))).toBeLessThanOrEqual(1);
  });

  it('serves the official client in application-key mode through /1.0 and /v1', async () => {
    const client = nodeOvh(sim);
    expect(await client.requestPromised('GET', '/dedicated/server')).toEqual(sim.servers);
    const detail = (await client.requestPromised('GET', `/v1/dedicated/server/${server}`)) as { name: string };
    expect(detail.name).toBe(server);
  });

  it('serves the legacy ovh 2.0.3 client, whose signature path is the same', async () => {
    expect(await legacyOvh(sim).requestPromised('GET', '/dedicated/server')).toEqual(sim.servers);
  });

  it('serves the official client in OAuth2 mode with a bearer token from /auth/oauth2/token', async () => {
    const detail = (await nodeOvhOauth(sim).requestPromised('GET', `/dedicated/server/${server}`)) as { name: string };
    expect(detail.name).toBe(server);
    expect(sim.state.counters().byConsumer[`oauth2:${sim.credentials.clientId}`]).toBe(1);
  });

  it('refuses an OAuth2 client with a wrong secret at the token endpoint', async () => {
    const failure = await rejectionOf(
      nodeOvhOauth(sim, { clientSecret: 'wrong' }).requestPromised('GET', '/dedicated/server'),
    );
    expect(failure).toEqual({
      error: {
        statusCode: 401,
        error: 'Unauthorized',
        message: { error: 'invalid_client', error_description: 'Client authentication failed' },
      },
      message: undefined,
    });
  });

  it('refuses an unknown bearer token with 401', async () => {
    const res = await rawRequest(sim, {
      path: '/dedicated/server',
      sign: false,
      headers: { Authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      class: 'Client::Unauthorized',
      errorCode: 'INVALID_CREDENTIAL',
      httpCode: '401 Unauthorized',
      message: 'This credential is not valid',
    });
  });

  it('answers a client with a wrong application secret with 400 Invalid signature', async () => {
    const failure = await rejectionOf(
      nodeOvh(sim, { appSecret: 'not-the-secret' }).requestPromised('GET', '/dedicated/server'),
    );
    expect(failure).toEqual({ error: 400, message: 'Invalid signature' });
  });

  it('answers a missing application key with 403 INVALID_KEY', async () => {
    const res = await rawRequest(sim, { path: '/dedicated/server', sign: false });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      class: 'Client::Forbidden',
      errorCode: 'INVALID_KEY',
      httpCode: '403 Forbidden',
      message: 'This application key is invalid',
    });
  });

  it('answers an unknown application key with 403 INVALID_KEY before looking at the signature', async () => {
    const res = await rawRequest(sim, { path: '/dedicated/server', appKey: 'unknown', signature: 'garbage' });
    expect(res.status).toBe(403);
    expect((res.body as { errorCode: string }).errorCode).toBe('INVALID_KEY');
  });

  it('answers missing signing headers with 401 You must login first', async () => {
    const res = await rawRequest(sim, {
      path: '/dedicated/server',
      sign: false,
      headers: { 'X-Ovh-Application': sim.credentials.appKey },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ class: 'Client::Unauthorized', message: 'You must login first' });
  });

  it('answers a wrong signature with 400 INVALID_SIGNATURE', async () => {
    const res = await rawRequest(sim, {
      path: '/dedicated/server',
      signature: '$1$0000000000000000000000000000000000000000',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      class: 'Client::BadRequest',
      errorCode: 'INVALID_SIGNATURE',
      httpCode: '400 Bad Request',
      message: 'Invalid signature',
    });
  });

  it('answers a correctly signed but skewed timestamp with 400 INVALID_SIGNATURE', async () => {
    const apiNow = Math.round(Date.now() / 1000) + 42;
    const inWindow = await rawRequest(sim, { path: '/dedicated/server', timestamp: apiNow - 290 });
    const skewed = await rawRequest(sim, { path: '/dedicated/server', timestamp: apiNow - 310 });
    expect(inWindow.status).toBe(200);
    expect(skewed.status).toBe(400);
    expect((skewed.body as { errorCode: string }).errorCode).toBe('INVALID_SIGNATURE');
  });

  it('answers an unknown consumer key with 403 INVALID_CREDENTIAL', async () => {
    const res = await rawRequest(sim, { path: '/dedicated/server', consumerKey: 'unknown-consumer' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      class: 'Client::Forbidden',
      errorCode: 'INVALID_CREDENTIAL',
      httpCode: '403 Forbidden',
      message: 'This credential is not valid',
    });
  });

  it('answers a call outside the consumer key rules with 403 NOT_GRANTED_CALL', async () => {
    const consumerKey = sim.state.addConsumerKey([{ method: 'GET', path: '/dedicated/server' }]);
    expect((await rawRequest(sim, { path: '/dedicated/server', consumerKey })).status).toBe(200);
    const res = await rawRequest(sim, { path: `/dedicated/server/${server}`, consumerKey });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      class: 'Client::Forbidden',
      errorCode: 'NOT_GRANTED_CALL',
      httpCode: '403 Forbidden',
      message: 'This call has not been granted',
    });
  });

  it('creates a consumer key with access rules through POST /auth/credential', async () => {
    const res = await rawRequest(sim, {
      method: 'POST',
      path: '/auth/credential',
      sign: false,
      headers: { 'X-Ovh-Application': sim.credentials.appKey },
      body: { accessRules: [{ method: 'GET', path: '/dedicated/server/*' }] },
    });
    const { consumerKey, state } = res.body as { consumerKey: string; state: string };
    expect(state).toBe('validated');
    expect((await rawRequest(sim, { path: `/dedicated/server/${server}`, consumerKey })).status).toBe(200);
    expect(
      (await rawRequest(sim, { method: 'POST', path: `/dedicated/server/${server}/reboot`, consumerKey })).status,
    ).toBe(403);
  });

  it('puts an X-Ovh-QueryID header on every answer, errors included', async () => {
    const ok = await rawRequest(sim, { path: '/dedicated/server' });
    const ko = await rawRequest(sim, { path: '/dedicated/server', sign: false });
    expect(ok.headers['x-ovh-queryid']).toMatch(/^EU\.sim-1\.[0-9a-f]+\.\d+$/);
    expect(ko.headers['x-ovh-queryid']).toMatch(/^EU\.sim-1\.[0-9a-f]+\.\d+$/);
  });

  it('answers an unknown route with 404 Got an invalid (or empty) URL and a wrong method with 405', async () => {
    const unknown = await rawRequest(sim, { path: '/dedicated/nothing' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' });
    const wrong = await rawRequest(sim, { method: 'DELETE', path: `/dedicated/server/${server}` });
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({
      class: 'Client::MethodNotAllowed',
      message: 'The call does not answer to the DELETE HTTP method',
    });
  });

  it('counts calls per route template, consumer and status on the side door', async () => {
    const before = (await simCall(sim, 'GET', '/_sim/counters')).body as { byRoute: Record<string, number> };
    await rawRequest(sim, { path: `/dedicated/server/${server}/boot` });
    const after = (await simCall(sim, 'GET', '/_sim/counters')).body as { byRoute: Record<string, number> };
    const route = 'GET /dedicated/server/{serviceName}/boot';
    expect((after.byRoute[route] ?? 0) - (before.byRoute[route] ?? 0)).toBe(1);
  });
});

describe('simulator rate limit', () => {
  it('answers calls over the per-consumer limit with 429 Too many requests and Retry-After', async () => {
    const sim = await startTestSimulator({ rateLimit: { requests: 5, perMs: 60_000 } });
    try {
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await rawRequest(sim, { path: '/dedicated/server' }));
      const limited = answers.filter((a) => a.status === 429);
      expect(limited).toHaveLength(3);
      expect(limited[0]?.body).toEqual({ class: 'Client::TooManyRequests', message: 'Too many requests' });
      expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      const other = sim.state.addConsumerKey([{ method: 'GET', path: '/*' }]);
      expect((await rawRequest(sim, { path: '/dedicated/server', consumerKey: other })).status).toBe(200);
      expect(sim.state.counters().byStatus['429']).toBe(3);
      expect(sim.state.counters().busiestWindow).toEqual({
        windowMs: 60_000,
        byConsumer: { [sim.credentials.consumerKey]: 8, [other]: 1 },
      });
    } finally {
      await sim.close();
    }
  });

  it('counts the busiest sliding window of each consumer, across the edges of its fixed windows', () => {
    const limiter = new RateLimiter({ requests: 5, perMs: 1000 });
    for (const at of [0, 900, 950, 1000, 1100, 1800, 2800]) limiter.check('ck', at);
    limiter.check('other', 1000);
    // Fixed windows [0, 1000) and [1000, 2000) hold 3 calls each; (800, 1800] holds 5.
    expect(limiter.busiestWindow()).toEqual({ windowMs: 1000, byConsumer: { ck: 5, other: 1 } });
  });
});
