/**
 * When an OVH account counts as unreachable: only a streak of unanswered calls (refused, timed out, 5xx)
 * lasting the threshold; any answer, even a 4xx, ends it; while unreachable, one probe per period goes out.
 */
import { AccountHealth } from '../../src/ovh/account-health';
import { OvhApiError, OvhErrorKind } from '../../src/ovh/errors';

const refused = new OvhApiError({ kind: OvhErrorKind.Network, method: 'GET', path: '/x', ovhMessage: 'ECONNREFUSED' });
const http = (status: number) =>
  new OvhApiError({ kind: OvhErrorKind.Http, method: 'GET', path: '/x', status, ovhMessage: 'no' });

describe('AccountHealth', () => {
  it('counts the account unreachable after three unanswered calls spanning the threshold', () => {
    const health = new AccountHealth({ unreachableAfterMs: 1000, probeEveryMs: 200 });
    health.failed(refused, 0);
    health.failed(http(503), 400);
    expect(health.outage(1000)).toBeUndefined();
    health.failed(refused, 1000);
    expect(health.outage(1000)).toEqual({ sinceMs: 0, last: refused });
  });

  it('lets one probe through per period while unreachable, and forgets the outage at the first answer', () => {
    const health = new AccountHealth({ unreachableAfterMs: 1000, probeEveryMs: 200 });
    for (const at of [0, 500, 1000]) health.failed(refused, at);
    expect(health.refusal(1100)).toBeUndefined();
    expect(health.refusal(1150)).toEqual({ sinceMs: 0, last: refused });
    expect(health.refusal(1300)).toBeUndefined();
    health.failed(http(404), 1300);
    expect(health.outage(5000)).toBeUndefined();
  });
});
