import type { Simulator } from '../../src/simulator';
import { rawRequest } from './raw-request';
import { nodeOvh, rejectionOf, type PromisedClient } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

describe('simulator server routes', () => {
  let sim: Simulator;
  let ovh: PromisedClient;
  let server: string;
  const base = () => `/dedicated/server/${server}`;

  beforeAll(async () => {
    sim = await startTestSimulator({ servers: 8, speed: 1 });
    ovh = nodeOvh(sim);
    server = sim.servers[0] as string;
  });
  afterAll(() => sim.close());

  it('generates realistic service names deterministically from the seed', async () => {
    const again = await startTestSimulator({ servers: 8, speed: 1 });
    try {
      expect(again.servers).toEqual(sim.servers);
      for (const name of sim.servers) expect(name).toMatch(/^ns3\d{6}\.ip-\d+-\d+-\d+\.(eu|net)$/);
    } finally {
      await again.close();
    }
  });

  it('filters the server list by IAM tags', async () => {
    const filter = JSON.stringify({ env: [{ operator: 'EQ', value: 'prod' }] });
    const prod = (await ovh.requestPromised('GET', '/dedicated/server', { iamTags: filter })) as string[];
    expect(prod.length).toBeGreaterThan(0);
    for (const name of prod) {
      const d = (await ovh.requestPromised('GET', `/dedicated/server/${name}`)) as {
        iam: { tags: Record<string, string> };
      };
      expect(d.iam.tags.env).toBe('prod');
    }
    const rest = (await ovh.requestPromised('GET', '/dedicated/server', {
      iamTags: JSON.stringify({ env: [{ operator: 'NEQ', value: 'prod' }] }),
    })) as string[];
    expect([...prod, ...rest].sort()).toEqual([...sim.servers].sort());
  });

  it('answers the server detail with the DedicatedWithIAM fields', async () => {
    const detail = (await ovh.requestPromised('GET', base())) as Record<string, unknown>;
    expect(Object.keys(detail).sort()).toEqual(
      [
        'availabilityZone',
        'bootId',
        'bootScript',
        'commercialRange',
        'datacenter',
        'efiBootloaderPath',
        'iam',
        'ip',
        'linkSpeed',
        'monitoring',
        'name',
        'newUpgradeSystem',
        'noIntervention',
        'os',
        'powerState',
        'professionalUse',
        'rack',
        'region',
        'rescueMail',
        'rescueSshKey',
        'reverse',
        'rootDevice',
        'serverId',
        'state',
        'supportLevel',
      ].sort(),
    );
    expect(detail).toEqual(
      expect.objectContaining({ name: server, bootId: 1, state: 'ok', powerState: 'poweron', os: 'debian12_64' }),
    );
  });

  it('answers an unknown service name with 404 The requested object does not exist', async () => {
    const res = await rawRequest(sim, { path: '/dedicated/server/ns0.ip-0-0-0.eu' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      class: 'Client::NotFound',
      message: 'The requested object (serviceName = ns0.ip-0-0-0.eu) does not exist',
    });
  });

  it('lists boots filtered by type and describes the rescue boot', async () => {
    expect(await ovh.requestPromised('GET', `${base()}/boot`)).toEqual([1, 95083, 230242]);
    expect(await ovh.requestPromised('GET', `${base()}/boot`, { bootType: 'rescue' })).toEqual([230242]);
    expect(await ovh.requestPromised('GET', `${base()}/boot/230242`)).toEqual({
      bootId: 230242,
      bootType: 'rescue',
      kernel: 'rescue12-customer',
      description: 'Customer rescue system (Debian-12-based)',
    });
    const bad = await rawRequest(sim, { path: `${base()}/boot?bootType=floppy` });
    expect(bad.body).toEqual({
      class: 'Client::BadRequest',
      message: '[bootType] Given data (floppy) does not belong to the dedicated.server.BootTypeEnum enumeration',
    });
  });

  it('stores PUT fields and refuses a bootId the server does not have', async () => {
    expect(
      await ovh.requestPromised('PUT', base(), { monitoring: false, efiBootloaderPath: '\\efi\\boot\\bootx64.efi' }),
    ).toBeNull();
    const detail = (await ovh.requestPromised('GET', base())) as Record<string, unknown>;
    expect(detail).toEqual(
      expect.objectContaining({ monitoring: false, efiBootloaderPath: '\\efi\\boot\\bootx64.efi' }),
    );
    const res = await rawRequest(sim, { method: 'PUT', path: base(), body: { bootId: 4242 } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      class: 'Client::BadRequest',
      message: `Boot 4242 is not available for server ${server}`,
    });
  });

  it('reboots into the pending bootId after the hardReboot task is done', async () => {
    const target = sim.servers[1] as string;
    await ovh.requestPromised('PUT', `/dedicated/server/${target}`, { bootId: 230242 });
    expect(sim.state.server(target)?.running).toBe('disk');
    const task = (await ovh.requestPromised('POST', `/dedicated/server/${target}/reboot`)) as Record<string, unknown>;
    expect(task).toEqual(
      expect.objectContaining({
        function: 'hardReboot',
        status: 'init',
        comment: 'Reboot asked',
        doneDate: null,
        needSchedule: false,
      }),
    );
    sim.state.advance(30);
    const doing = (await ovh.requestPromised('GET', `/dedicated/server/${target}/task/${String(task.taskId)}`)) as {
      status: string;
    };
    expect(doing.status).toBe('doing');
    sim.state.advance(180);
    const done = (await ovh.requestPromised('GET', `/dedicated/server/${target}/task/${String(task.taskId)}`)) as {
      status: string;
      doneDate: string;
    };
    expect(done.status).toBe('done');
    expect(done.doneDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(sim.state.server(target)?.running).toBe('rescue');
  });

  it('answers hardware specifications, service infos and compatible templates', async () => {
    const hw = (await ovh.requestPromised('GET', `${base()}/specifications/hardware`)) as {
      bootMode: string;
      diskGroups: unknown[];
      memorySize: { unit: string };
    };
    expect(['uefi', 'legacy']).toContain(hw.bootMode);
    expect(hw.diskGroups.length).toBeGreaterThanOrEqual(1);
    expect(hw.memorySize.unit).toBe('MB');
    const infos = (await ovh.requestPromised('GET', `${base()}/serviceInfos`)) as { status: string; domain: string };
    expect(infos).toEqual(expect.objectContaining({ status: 'ok', domain: server }));
    const templates = (await ovh.requestPromised('GET', `${base()}/install/compatibleTemplates`)) as { ovh: string[] };
    expect(templates.ovh).toEqual(expect.arrayContaining(['byoi_64', 'byolinux_64', 'debian12_64']));
  });

  it('answers the hardware RAID profile only for servers with a controller', async () => {
    for (const name of sim.servers) {
      const hw = (await ovh.requestPromised('GET', `/dedicated/server/${name}/specifications/hardware`)) as {
        diskGroups: Array<{ raidController: string | null }>;
      };
      const res = await rawRequest(sim, { path: `/dedicated/server/${name}/install/hardwareRaidProfile` });
      if (hw.diskGroups.some((g) => g.raidController)) {
        expect(res.status).toBe(200);
        expect((res.body as { controllers: unknown[] }).controllers).toHaveLength(1);
      } else {
        expect(res.body).toEqual({
          class: 'Client::Forbidden',
          message: 'Hardware RAID is not supported by this server',
        });
      }
    }
  });

  it('lists tasks filtered by function and status', async () => {
    const target = sim.servers[2] as string;
    const reboot = (await ovh.requestPromised('POST', `/dedicated/server/${target}/reboot`)) as { taskId: number };
    const install = (await ovh.requestPromised('POST', `/dedicated/server/${target}/reinstall`, {
      operatingSystem: 'debian12_64',
    })) as { taskId: number };
    const path = `/dedicated/server/${target}/task`;
    expect(await ovh.requestPromised('GET', path)).toEqual([reboot.taskId, install.taskId]);
    expect(await ovh.requestPromised('GET', path, { function: 'reinstallServer' })).toEqual([install.taskId]);
    expect(await ovh.requestPromised('GET', path, { status: 'init' })).toEqual([reboot.taskId, install.taskId]);
    expect(await ovh.requestPromised('GET', path, { status: 'done' })).toEqual([]);
  });

  it('cancels a task in init and refuses to cancel one that is doing', async () => {
    const target = sim.servers[3] as string;
    const first = (await ovh.requestPromised('POST', `/dedicated/server/${target}/reinstall`, {
      operatingSystem: 'debian12_64',
    })) as { taskId: number };
    expect(await ovh.requestPromised('POST', `/dedicated/server/${target}/task/${first.taskId}/cancel`)).toBeNull();
    expect(await ovh.requestPromised('GET', `/dedicated/server/${target}/task/${first.taskId}`)).toEqual(
      expect.objectContaining({ status: 'cancelled' }),
    );
    const second = (await ovh.requestPromised('POST', `/dedicated/server/${target}/reinstall`, {
      operatingSystem: 'debian12_64',
    })) as { taskId: number };
    sim.state.advance(120);
    const res = await rawRequest(sim, {
      method: 'POST',
      path: `/dedicated/server/${target}/task/${second.taskId}/cancel`,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      class: 'Client::BadRequest',
      message: `Task ${second.taskId} cannot be cancelled because its status is doing; only init and todo tasks can be`,
    });
  });

  it('answers an unknown task with 404 and a non-numeric task id with 400', async () => {
    expect(await rejectionOf(ovh.requestPromised('GET', `${base()}/task/42`))).toEqual({
      error: 404,
      message: 'The requested object (taskId = 42) does not exist',
    });
    const res = await rawRequest(sim, { path: `${base()}/task/abc` });
    expect(res.body).toEqual({ class: 'Client::BadRequest', message: '[taskId] Given data (abc) is not of type long' });
  });
});
