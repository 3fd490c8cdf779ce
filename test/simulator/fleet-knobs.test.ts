import { FleetFileError, type Simulator } from '../../src/simulator';
import { byoiReinstallBody, nodeOvh, rejectionOf, type PromisedClient } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

describe('simulator fleet fields for preflight', () => {
  let sim: Simulator;
  let ovh: PromisedClient;

  beforeAll(async () => {
    sim = await startTestSimulator({
      fleet: {
        servers: [
          { name: 'plain.test.eu' },
          { name: 'hacked.test.eu', state: 'hacked' },
          { name: 'no-byoi.test.eu', compatibleTemplates: ['debian12_64', 'byolinux_64'] },
          { name: 'no-rescue.test.eu', rescueBoot: false },
        ],
      },
    });
    ovh = nodeOvh(sim);
  });
  afterAll(() => sim.close());

  const get = (path: string) => ovh.requestPromised('GET', `/dedicated/server/${path}`);

  it('shows the state the fleet gives a server, and "ok" by default', async () => {
    await expect(get('hacked.test.eu')).resolves.toMatchObject({ state: 'hacked' });
    await expect(get('plain.test.eu')).resolves.toMatchObject({ state: 'ok' });
  });

  it('lists the fleet compatible templates, and the usual ones with byoi_64 by default', async () => {
    await expect(get('no-byoi.test.eu/install/compatibleTemplates')).resolves.toEqual({
      ovh: ['debian12_64', 'byolinux_64'],
    });
    const usual = (await get('plain.test.eu/install/compatibleTemplates')) as { ovh: string[] };
    expect(usual.ovh).toEqual(expect.arrayContaining(['byoi_64', 'byolinux_64', 'debian12_64']));
  });

  it('refuses a byoi_64 reinstall on a server whose templates lack it with 409 OperatingSystemIncompatible', async () => {
    const rejection = await rejectionOf(
      ovh.requestPromised('POST', '/dedicated/server/no-byoi.test.eu/reinstall', byoiReinstallBody()),
    );
    expect(rejection).toEqual({
      error: 409,
      message: 'Operating system byoi_64 is not compatible for server no-byoi.test.eu',
    });
  });

  it('offers no rescue boot on a server with rescueBoot false, and refuses to point it at one', async () => {
    await expect(get('no-rescue.test.eu/boot?bootType=rescue')).resolves.toEqual([]);
    await expect(get('no-rescue.test.eu/boot')).resolves.toEqual([1, 95083]);
    await expect(rejectionOf(get('no-rescue.test.eu/boot/230242'))).resolves.toEqual({
      error: 404,
      message: 'The requested object (bootId = 230242) does not exist',
    });
    const put = ovh.requestPromised('PUT', '/dedicated/server/no-rescue.test.eu', { bootId: 230242 });
    await expect(rejectionOf(put)).resolves.toEqual({
      error: 400,
      message: 'Boot 230242 is not available for server no-rescue.test.eu',
    });
    await expect(get('plain.test.eu/boot?bootType=rescue')).resolves.toEqual([230242]);
  });

  it('refuses a fleet with an unknown server state, naming the field', async () => {
    const fleet = { servers: [{ name: 'odd.test.eu', state: 'broken' }] };
    await expect(startTestSimulator({ fleet })).rejects.toThrow(
      new FleetFileError(
        "The fleet option is not a valid fleet: servers.0.state: Invalid enum value. Expected 'ok' | 'error' | 'hacked' | 'hackedBlocked', received 'broken'.",
      ),
    );
  });
});
