/**
 * The rights of the simulator's credentials, as OVH enforces them: a consumer key granted GET only
 * (readOnlyKey), its rules read back through GET /auth/currentCredential, and an OAuth2 service account
 * whose IAM policy lacks an action, refused with OVH's 403 and the action in `details`. Calls go through
 * the real OvhClient, which keeps OVH's `details` on its error.
 */
import { OvhClient } from '../../src/ovh/client';
import { getServer, reboot } from '../../src/ovh/dedicated-server';
import { OvhApiError } from '../../src/ovh/errors';
import type { Simulator } from '../../src/simulator';
import { clientFor } from '../activities/helpers/harness';
import { startTestSimulator } from '../helpers/simulator';

describe('a consumer key granted GET only', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ readOnlyKey: true });
  });
  afterAll(() => sim.close());

  it('reads, is refused every write with 403 NOT_GRANTED_CALL, and shows its rules through GET /auth/currentCredential', async () => {
    const ovh = clientFor(sim);
    const server = sim.servers[0]!;
    await expect(getServer(ovh, server)).resolves.toMatchObject({ name: server });
    const refusal = await reboot(ovh, server).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OvhApiError);
    expect(refusal).toMatchObject({ status: 403, errorClass: 'Client::Forbidden', errorCode: 'NOT_GRANTED_CALL' });
    expect(await ovh.accessRules()).toEqual([{ method: 'GET', path: '/*' }]);
  });
});

describe('an OAuth2 service account whose IAM policy lacks the reboot action', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ iamActions: ['dedicatedServer:apiovh:get', 'dedicatedServer:apiovh:*/get'] });
  });
  afterAll(() => sim.close());

  it("gets OVH's 403 with the missing action in details.unauthorizedActionsByIAM, which the client keeps", async () => {
    const { clientId, clientSecret } = sim.credentials;
    const ovh = new OvhClient({ endpoint: sim.url, clientId, clientSecret, caFile: sim.caCertPath });
    const server = sim.servers[0]!;
    await expect(getServer(ovh, server)).resolves.toMatchObject({ name: server });
    const refusal = await reboot(ovh, server).catch((error: unknown) => error);
    expect((refusal as OvhApiError).toDetails()).toEqual({
      kind: 'http',
      status: 403,
      class: 'Client::Forbidden',
      errorCode: 'NOT_GRANTED_CALL',
      message: 'This call has not been granted',
      queryId: expect.any(String),
      method: 'POST',
      path: `/dedicated/server/${server}/reboot`,
      details: { unauthorizedActionsByIAM: 'dedicatedServer:apiovh:reboot' },
    });
    // OVH offers no read of a token's IAM rights.
    expect(await ovh.accessRules()).toBeUndefined();
  });
});
