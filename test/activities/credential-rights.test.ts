/**
 * checkCredentialRights against the simulator's credentials: a key granted everything, a key that may not
 * read its own rules, and an OAuth2 service account, whose IAM rights OVH offers no read of. The last two
 * answer what could not be checked and how to let the plan check it.
 */
import { OvhClient } from '../../src/ovh/client';
import type { Simulator } from '../../src/simulator';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, run } from './helpers/harness';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ fleet: fleet([{ name: 'rights.test.eu' }]) });
});
afterAll(() => sim.close());

const check = (ovh: OvhClient) =>
  run(activitiesFor(ovh).checkCredentialRights, { routes: ['reinstall'], serviceName: 'rights.test.eu' });

it('finds nothing missing for a key whose rules allow every call, in one read', async () => {
  await expect(check(clientFor(sim))).resolves.toEqual({
    rights: { account: 'default', mode: 'application-key', missing: [] },
    apiCalls: 1,
  });
});

it('says it could not check a key that may not read GET /auth/currentCredential, and which rule lets it', async () => {
  const consumerKey = sim.state.addConsumerKey([
    { method: 'GET', path: '/dedicated/server/*' },
    { method: 'POST', path: '/dedicated/server/*' },
  ]);
  await expect(check(clientFor(sim, { consumerKey }))).resolves.toEqual({
    rights: {
      account: 'default',
      mode: 'application-key',
      missing: [],
      unchecked:
        "OVH refused to show the consumer key's rules (OVH answered 403 Client::Forbidden to GET /auth/currentCredential: This call has not been granted); grant GET /auth/currentCredential to let the plan check them",
    },
    apiCalls: 1,
  });
});

it('says it cannot read the IAM rights of an OAuth2 service account, sending no call', async () => {
  const { clientId, clientSecret } = sim.credentials;
  const ovh = new OvhClient({ endpoint: sim.url, clientId, clientSecret, caFile: sim.caCertPath });
  await expect(check(ovh)).resolves.toEqual({
    rights: {
      account: 'default',
      mode: 'oauth2',
      missing: [],
      unchecked:
        'OVH offers no read of an OAuth2 service account\'s IAM rights: make sure its IAM policy grants the actions the README lists under "Rights the credential needs"',
    },
    apiCalls: 0,
  });
});
