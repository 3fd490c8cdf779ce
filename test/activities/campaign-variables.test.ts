/**
 * What startDeployment checks before its first OVH call, whatever the campaign (or a client starting its
 * workflow directly) asks: the ${NAME} references of image headers and config drive resolve only from the
 * variables the worker grants, the image host is on REIMAGE_IMAGE_HOSTS, and the server is on
 * REIMAGE_ALLOWED_SERVERS. OVH never receives (nor downloads with) a secret of the worker's.
 */
import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';
import { lastSeq } from '../helpers/server-calls';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, imageSpec, mockEnv, startInput } from './helpers/harness';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ fleet: fleet([{ name: 'grant.test.eu' }]) });
});
afterAll(() => sim.close());

const FIX =
  'set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that';

function startWith(overrides: Parameters<typeof startInput>[1], deps: Parameters<typeof activitiesFor>[1] = {}) {
  const activities = activitiesFor(clientFor(sim), { env: { EU_APP_SECRET: 'account-secret', ...deps.env }, ...deps });
  return mockEnv().run(activities.startDeployment, startInput('grant.test.eu', overrides));
}

it("refuses config-drive user data that reads an accounts file's credential variable, before calling OVH", async () => {
  const before = lastSeq(sim);
  const grant = { names: [], withheld: ['EU_APP_SECRET'] };
  await expect(
    startWith({ configDrive: { userData: '#!/bin/sh\necho ${EU_APP_SECRET}' } }, { grant }),
  ).rejects.toMatchObject({
    type: FailureType.NotAllowed,
    nonRetryable: true,
    message: `configDrive.userData refers to \${EU_APP_SECRET}, which this worker does not give to campaigns: the accounts file's credential variables (REIMAGE_OVH_ACCOUNTS) are never given to a campaign; ${FIX}.`,
  });
  expect(lastSeq(sim)).toBe(before);
});

it('refuses metadata that reads the worker OVH configuration, before calling OVH', async () => {
  const before = lastSeq(sim);
  await expect(startWith({ configDrive: { metadata: { vault: '${OVH_CONSUMER_KEY}' } } })).rejects.toMatchObject({
    type: FailureType.NotAllowed,
    message: `configDrive.metadata.vault refers to \${OVH_CONSUMER_KEY}, which this worker does not give to campaigns: OVH_* variables are the worker's own configuration, never given to a campaign; ${FIX}.`,
  });
  expect(lastSeq(sim)).toBe(before);
});

it('refuses an image host off REIMAGE_IMAGE_HOSTS, before calling OVH', async () => {
  const before = lastSeq(sim);
  await expect(
    startWith({ image: imageSpec({ url: 'https://attacker.example/x.raw' }) }, { imageHosts: ['*.example.test'] }),
  ).rejects.toMatchObject({
    type: FailureType.NotAllowed,
    message:
      'image.url: "attacker.example" is not on the worker\'s image allow-list (REIMAGE_IMAGE_HOSTS; it holds *.example.test); add the host there or change the URL',
  });
  expect(lastSeq(sim)).toBe(before);
});

describe("the worker's server allow-list (REIMAGE_ALLOWED_SERVERS)", () => {
  it('refuses to reinstall a server off the list, before calling OVH, whatever the campaign allows', async () => {
    const before = lastSeq(sim);
    await expect(startWith({}, { allowedServers: ['other.test.eu'] })).rejects.toMatchObject({
      type: FailureType.NotAllowed,
      nonRetryable: true,
      message:
        "grant.test.eu is not on the worker's server allow-list (REIMAGE_ALLOWED_SERVERS); add it there or leave it out of the campaign.",
    });
    expect(lastSeq(sim)).toBe(before);
  });

  it("resolves a server off the list as not allowed, even when the campaign's own allowList names it", async () => {
    const activities = activitiesFor(clientFor(sim), { allowedServers: ['other.test.eu'] });
    const input = {
      selection: { kind: 'list' as const, serviceNames: ['grant.test.eu'] },
      exclude: [],
      allowList: ['grant.test.eu'],
      needPlacement: false,
    };
    await expect(mockEnv().run(activities.resolveServers, input)).resolves.toMatchObject({
      servers: [],
      notAllowed: ['grant.test.eu'],
    });
  });
});
