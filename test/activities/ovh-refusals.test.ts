/**
 * OVH's refusals as the activities turn them into outcomes: a service that expired (460 on every call), a
 * server another OVH process holds (409 DisturbAlreadyExists on the POST), a disk group OVH will not install
 * on (400 DiskGroup), a customization above OVH's size limit (400 CustomizationSizeExceeded), an OAuth2
 * service account whose IAM policy lacks the reinstall action (403 with the action in `details`), and the
 * other 403 codes of a credential's rights (the post403 fault).
 */
import { getInstallStatus } from '../../src/ovh/dedicated-server';
import { OvhClient } from '../../src/ovh/client';
import { FailureType } from '../../src/shared/failure-types';
import type { StartDeploymentInput } from '../../src/activities/types';
import type { Simulator } from '../../src/simulator';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, imageSpec, mockEnv, run, startInput } from './helpers/harness';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([
      { name: 'expired.test.eu' },
      { name: 'disturbed.test.eu' },
      { name: 'diskgroup.test.eu' },
      { name: 'big-user-data.test.eu' },
    ]),
    faults: 'expired=expired.test.eu,disturb_locked=disturbed.test.eu,disk_group_refused=diskgroup.test.eu',
  });
});
afterAll(() => sim.close());

const posts = () => sim.state.requests().filter((entry) => entry.route.startsWith('POST ')).length;

/** A first startDeployment on `serviceName`, scheduled now. */
const startOn = (serviceName: string, overrides: Partial<StartDeploymentInput> = {}, ovh = clientFor(sim)) =>
  run(
    activitiesFor(ovh).startDeployment,
    { ...startInput(serviceName), image: imageSpec(), ...overrides },
    mockEnv({ scheduledTimestampMs: Date.now() }),
  );

it('fails the preflight of an expired service permanently, saying it expired or is suspended and what to do', async () => {
  const failure = run(activitiesFor(clientFor(sim)).preflightServer, {
    campaignId: 'c1',
    serviceName: 'expired.test.eu',
    route: 'reinstall',
    image: imageSpec(),
  });
  await expect(failure).rejects.toMatchObject({
    type: FailureType.OvhApiPermanent,
    nonRetryable: true,
    message: expect.stringMatching(
      /^OVH answered 460 Client::ResourceExpired to GET \/dedicated\/server\/expired\.test\.eu: The service expired\.test\.eu is expired \(OVH query ID [\w.-]+\) OVH answers 460 when the server's service has expired or is suspended: renew it or settle the suspension in the OVH manager, then retry the server\.$/,
    ),
  });
});

it('reads a 460 on install/status as the expired service it is, not as an install not started yet', async () => {
  await expect(getInstallStatus(clientFor(sim), 'expired.test.eu')).rejects.toMatchObject({
    status: 460,
    errorClass: 'Client::ResourceExpired',
  });
});

it('records a server another OVH process holds (409 DisturbAlreadyExists) as locked, without retrying the POST', async () => {
  const before = posts();
  const failure = startOn('disturbed.test.eu');
  await expect(failure).rejects.toMatchObject({
    type: FailureType.ServerLocked,
    nonRetryable: true,
    message: expect.stringContaining(
      'disturbed.test.eu is locked by another OVH task or process: Server resource disturbed.test.eu is already locked by another process, blocking any new OS reinstallation',
    ),
  });
  expect(posts() - before).toBe(1);
  expect(sim.state.server('disturbed.test.eu')?.taskIds).toEqual([]);
});

it('fails a POST refused with 400 DiskGroup permanently, proving nothing was installed, and sends it once', async () => {
  const before = posts();
  const failure = startOn('diskgroup.test.eu');
  await expect(failure).rejects.toMatchObject({
    type: FailureType.OvhApiPermanent,
    nonRetryable: true,
    message: expect.stringMatching(
      /^OVH answered 400 Client::BadRequest::DiskGroup to POST \/dedicated\/server\/diskgroup\.test\.eu\/reinstall: Disk group 1 is not installable on server diskgroup\.test\.eu \(OVH query ID [\w.-]+\) OVH will not install an OS on that disk group, so nothing was installed and repeating the request will not help: set the campaign's diskGroupId to another disk group of the server \(GET \/dedicated\/server\/\{serviceName\}\/specifications\/hardware lists them\), or leave the server out\.$/,
    ),
    details: [expect.objectContaining({ status: 400, class: 'Client::BadRequest::DiskGroup', untouched: true })],
  });
  expect(posts() - before).toBe(1);
  expect(sim.state.server('diskgroup.test.eu')?.taskIds).toEqual([]);
});

it('fails a POST refused with 400 CustomizationSizeExceeded permanently, saying what to shrink, and sends it once', async () => {
  const before = posts();
  const failure = startOn('big-user-data.test.eu', { configDrive: { userData: 'x'.repeat(50_000) } });
  await expect(failure).rejects.toMatchObject({
    type: FailureType.OvhApiPermanent,
    nonRetryable: true,
    message: expect.stringMatching(
      /^OVH answered 400 Client::BadRequest::CustomizationSizeExceeded to POST \/dedicated\/server\/big-user-data\.test\.eu\/reinstall: Customization is 50002 big, which is exceeding limit of 49152 \(OVH query ID [\w.-]+\) A customization of the request \(the config drive user data or metadata, an HTTP header\) is larger than OVH accepts, so nothing was installed: shrink it \(reimage validate caps user data at 32 KiB and metadata at 8 KiB\), or have cloud-init download the rest\.$/,
    ),
    details: [expect.objectContaining({ status: 400, untouched: true })],
  });
  expect(posts() - before).toBe(1);
  expect(sim.state.server('big-user-data.test.eu')?.taskIds).toEqual([]);
});

describe('an OAuth2 service account whose IAM policy lacks the reinstall action', () => {
  let iamSim: Simulator;
  beforeAll(async () => {
    iamSim = await startTestSimulator({
      fleet: fleet([{ name: 'iam.test.eu' }]),
      iamActions: ['dedicatedServer:apiovh:get', 'dedicatedServer:apiovh:*/get'],
    });
  });
  afterAll(() => iamSim.close());

  it('fails the POST with NotGranted, naming the IAM action to add, and installs nothing', async () => {
    const { clientId, clientSecret } = iamSim.credentials;
    const ovh = new OvhClient({ endpoint: iamSim.url, clientId, clientSecret, caFile: iamSim.caCertPath });
    await expect(startOn('iam.test.eu', {}, ovh)).rejects.toMatchObject({
      type: FailureType.NotGranted,
      nonRetryable: true,
      message: expect.stringMatching(
        /^OVH answered 403 Client::Forbidden to POST \/dedicated\/server\/iam\.test\.eu\/reinstall: This call has not been granted \(OVH query ID [\w.-]+\) The account's credential may not make this call: the IAM policy of the OAuth2 service account lacks the action dedicatedServer:apiovh:reinstall: add it to the policy\. No server of this account can be reimaged until then\.$/,
      ),
      details: [expect.objectContaining({ status: 403, untouched: true })],
    });
    expect(iamSim.state.server('iam.test.eu')?.installPosts).toBe(0);
  });
});

describe("the 403 codes of a credential's rights besides NOT_GRANTED_CALL", () => {
  let codeSim: Simulator;
  beforeAll(async () => {
    codeSim = await startTestSimulator({ fleet: fleet([{ name: 'forbidden.test.eu' }]) });
  });
  afterAll(() => codeSim.close());

  it.each([
    ['NOT_CREDENTIAL', 'This credential does not exist'],
    ['FORBIDDEN', 'This call is forbidden'],
  ])(
    'fails the POST refused with 403 %s with NotGranted, naming the access rule, and installs nothing',
    async (code, text) => {
      codeSim.state.injectFaults(`post403=${code}`, true);
      await expect(startOn('forbidden.test.eu', {}, clientFor(codeSim))).rejects.toMatchObject({
        type: FailureType.NotGranted,
        nonRetryable: true,
        message: expect.stringMatching(
          new RegExp(
            `^OVH answered 403 Client::Forbidden to POST /dedicated/server/forbidden\\.test\\.eu/reinstall: ${text} \\(OVH query ID [\\w.-]+\\) The account's credential may not make this call: the consumer key's rules do not allow it: create a key with the access rule "POST /dedicated/server/\\*/reinstall"\\. No server of this account can be reimaged until then\\.$`,
          ),
        ),
        details: [expect.objectContaining({ status: 403, errorCode: code, untouched: true })],
      });
      expect(codeSim.state.server('forbidden.test.eu')?.installPosts).toBe(0);
    },
  );
});
