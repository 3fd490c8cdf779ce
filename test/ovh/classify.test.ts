import { classify, OvhApiError, OvhErrorKind, TASK_READ_GRACE_MS } from '../../src/ovh/errors';

const httpError = (status: number, errorClass?: string, retryAfterMs?: number) =>
  new OvhApiError({
    kind: OvhErrorKind.Http,
    method: 'GET',
    path: '/dedicated/server/ns1/task/7',
    status,
    errorClass,
    ovhMessage: 'x',
    retryAfterMs,
  });

describe('classify', () => {
  it('retries a 429 and carries its Retry-After delay', () => {
    expect(classify(httpError(429, 'Client::TooManyRequests', 7000))).toEqual({
      retryable: true,
      reason: 'OVH is rate limiting this account.',
      retryAfterMs: 7000,
    });
  });

  it('retries 500, 502 and 503 but not 501 Not Implemented', () => {
    expect([500, 502, 503, 501].map((status) => classify(httpError(status)).retryable)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('treats other 4xx answers as permanent', () => {
    expect([400, 403, 404, 409].map((status) => classify(httpError(status)).retryable)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('retries a 404 on a task read within the grace period and gives up after it', () => {
    const firstSeenAt = 1_000_000;
    expect(
      classify(httpError(404), { isTaskRead: true, firstSeenAt, now: firstSeenAt + TASK_READ_GRACE_MS - 1 }).retryable,
    ).toBe(true);
    expect(classify(httpError(404), { isTaskRead: true, firstSeenAt, now: firstSeenAt + TASK_READ_GRACE_MS })).toEqual({
      retryable: false,
      reason: 'The task stayed unknown to OVH past the grace period.',
    });
  });

  it('retries network failures and timeouts', () => {
    const network = new OvhApiError({
      kind: OvhErrorKind.Network,
      method: 'POST',
      path: '/p',
      ovhMessage: 'ECONNRESET',
    });
    const timeout = new OvhApiError({
      kind: OvhErrorKind.Timeout,
      method: 'POST',
      path: '/p',
      ovhMessage: 'no answer after 10 ms',
    });
    expect([classify(network).retryable, classify(timeout).retryable]).toEqual([true, true]);
  });

  it('treats an answer that breaks the schema as permanent', () => {
    const invalid = new OvhApiError({
      kind: OvhErrorKind.InvalidResponse,
      method: 'GET',
      path: '/p',
      status: 200,
      ovhMessage: 'state: Required',
    });
    expect(classify(invalid).retryable).toBe(false);
  });

  it('treats refused OAuth2 credentials as permanent and an unreachable token endpoint as retryable', () => {
    const refused = new OvhApiError({
      kind: OvhErrorKind.Auth,
      method: 'GET',
      path: '/p',
      status: 401,
      ovhMessage: 'invalid_client',
    });
    const unreachable = new OvhApiError({
      kind: OvhErrorKind.Auth,
      method: 'GET',
      path: '/p',
      ovhMessage: 'GET /auth/time failed',
    });
    expect([classify(refused).retryable, classify(unreachable).retryable]).toEqual([false, true]);
  });

  it('does not retry errors that did not come from OVH', () => {
    expect(classify(new Error('boom'))).toEqual({
      retryable: false,
      reason: 'The failure did not come from the OVH API.',
    });
  });

  it('writes a message naming the call, the status, the class and the query ID', () => {
    const error = new OvhApiError({
      kind: OvhErrorKind.Http,
      method: 'POST',
      path: '/dedicated/server/ns1/reinstall',
      status: 409,
      errorClass: 'Client::Conflict::DisturbAlreadyExists',
      ovhMessage: 'Server resource ns1 is already locked by another process, blocking any new OS reinstallation',
      queryId: 'EU.sim-1.ab.1',
    });
    expect(error.message).toBe(
      'OVH answered 409 Client::Conflict::DisturbAlreadyExists to POST /dedicated/server/ns1/reinstall: Server resource ns1 is already locked by another process, blocking any new OS reinstallation (OVH query ID EU.sim-1.ab.1)',
    );
  });
});
