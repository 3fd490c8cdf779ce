/**
 * Refusals the simulator sends as faults, as the activities turn them into outcomes: a service that expired
 * (460 on every call), a server another OVH process holds (409 DisturbAlreadyExists on the POST) and a disk
 * group OVH will not install on (400 DiskGroup on the POST).
 */
import { getInstallStatus } from '../../src/ovh/dedicated-server';
import { FailureType } from '../../src/shared/failure-types';
import type { Simulator } from '../../src/simulator';
import { startTestSimulator } from '../helpers/simulator';
import { activitiesFor, clientFor, fleet, imageSpec, mockEnv, run, startInput } from './helpers/harness';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    fleet: fleet([{ name: 'expired.test.eu' }, { name: 'disturbed.test.eu' }, { name: 'diskgroup.test.eu' }]),
    faults: 'expired=expired.test.eu,disturb_locked=disturbed.test.eu,disk_group_refused=diskgroup.test.eu',
  });
});
afterAll(() => sim.close());

const posts = () => sim.state.requests().filter((entry) => entry.route.startsWith('POST ')).length;

/** A first startDeployment on `serviceName`, scheduled now. */
const startOn = (serviceName: string) =>
  run(
    activitiesFor(clientFor(sim)).startDeployment,
    { ...startInput(serviceName), image: imageSpec() },
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
