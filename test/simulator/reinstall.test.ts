import type { Simulator } from '../../src/simulator';
import { rawRequest } from './raw-request';
import { waitForValue } from '../helpers/wait-for';
import { byoiReinstallBody, nodeOvh, rejectionOf, type PromisedClient } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

const NOT_INSTALLING = { error: 404, message: 'Server is not being installed or reinstalled at the moment' };

describe('simulator reinstall lifecycle', () => {
  it('runs a byoi_64 reinstall from init to done and boots the image from disk (real clock, TEST_SPEED)', async () => {
    const sim = await startTestSimulator();
    try {
      const ovh = nodeOvh(sim);
      const server = sim.servers[0] as string;
      const body = byoiReinstallBody();
      const task = (await ovh.requestPromised('POST', `/dedicated/server/${server}/reinstall`, body)) as Record<
        string,
        unknown
      >;
      expect(task).toEqual({
        taskId: expect.any(Number),
        function: 'reinstallServer',
        status: 'init',
        comment: 'Start bare metal OS installation',
        startDate: expect.stringMatching(/\+00:00$/),
        doneDate: null,
      });
      const done = (await waitForValue(
        () => ovh.requestPromised('GET', `/dedicated/server/${server}/task/${String(task.taskId)}`),
        (t) => (t as { status: string }).status === 'done',
        { what: `task ${String(task.taskId)} of ${server} to be done`, timeoutMs: 5_000, everyMs: 10 },
      )) as { doneDate: string | null };
      expect(done.doneDate).not.toBeNull();
      expect(await rejectionOf(ovh.requestPromised('GET', `/dedicated/server/${server}/install/status`))).toEqual(
        NOT_INSTALLING,
      );
      const detail = (await ovh.requestPromised('GET', `/dedicated/server/${server}`)) as Record<string, unknown>;
      expect(detail).toEqual(
        expect.objectContaining({ bootId: 1, os: 'byoi_64', efiBootloaderPath: '\\efi\\debian\\grubx64.efi' }),
      );
      expect(sim.state.probe(server)).toEqual({
        status: 200,
        body: expect.objectContaining({
          booted: true,
          serviceName: server,
          imageUrl: 'https://images.example.com/debian-12.raw',
        }),
      });
      expect(sim.state.server(server)?.installPosts).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('shows install/status 404 in init, then the nine byoi steps advancing, then 404 after the end', async () => {
    const sim = await startTestSimulator({ speed: 1 });
    try {
      const ovh = nodeOvh(sim);
      const server = sim.servers[1] as string;
      const status = `/dedicated/server/${server}/install/status`;
      const task = (await ovh.requestPromised(
        'POST',
        `/dedicated/server/${server}/reinstall`,
        byoiReinstallBody(),
      )) as { taskId: number };
      expect(await rejectionOf(ovh.requestPromised('GET', status))).toEqual(NOT_INSTALLING);
      expect(sim.state.server(server)?.running).toBe('disk');
      sim.state.advance(65);
      const early = (await ovh.requestPromised('GET', status)) as {
        elapsedTime: number;
        progress: Array<{ comment: string; status: string; error: string }>;
      };
      expect(early.progress.map((p) => p.comment)).toEqual([
        'Checking BIOS version',
        'Running Hardware Reboot',
        'Setting up hardware raid',
        'Preparing disks for new Partitioning',
        'Downloading OS image',
        'Deploying OS on disks',
        'Switching boot',
        'Running Last Hardware Reboot',
        'Sending end of installation mail',
      ]);
      expect(early.progress[0]).toEqual({ comment: 'Checking BIOS version', status: 'doing', error: '' });
      expect(early.progress.slice(1).every((p) => p.status === 'todo')).toBe(true);
      expect(await ovh.requestPromised('GET', `/dedicated/server/${server}/task/${task.taskId}`)).toEqual(
        expect.objectContaining({ status: 'doing' }),
      );
      expect(sim.state.server(server)?.running).toBe('installer');
      sim.state.advance(300);
      const later = (await ovh.requestPromised('GET', status)) as {
        elapsedTime: number;
        progress: Array<{ status: string }>;
      };
      expect(later.elapsedTime).toBeGreaterThan(early.elapsedTime);
      expect(later.progress.filter((p) => p.status === 'done').length).toBeGreaterThan(0);
      expect(later.progress.filter((p) => p.status === 'doing')).toHaveLength(1);
      sim.state.advance(600);
      expect(await rejectionOf(ovh.requestPromised('GET', status))).toEqual(NOT_INSTALLING);
      expect(await ovh.requestPromised('GET', `/dedicated/server/${server}/task/${task.taskId}`)).toEqual(
        expect.objectContaining({ status: 'done' }),
      );
    } finally {
      await sim.close();
    }
  });

  it('spreads install durations per server deterministically (±20% around 11 minutes)', async () => {
    const sim = await startTestSimulator({ speed: 1, servers: 5 });
    try {
      const ends: number[] = [];
      for (const server of sim.servers) {
        await nodeOvh(sim).requestPromised('POST', `/dedicated/server/${server}/reinstall`, byoiReinstallBody());
        const view = sim.state.server(server);
        ends.push(Date.parse(view?.deployment?.expectedEnd ?? '') - Date.parse(view?.runningSince ?? ''));
      }
      for (const ms of ends) expect(ms).toBeGreaterThanOrEqual(0.8 * 660_000 - 2_000);
      for (const ms of ends) expect(ms).toBeLessThanOrEqual(1.2 * 660_000 + 2_000);
      expect(new Set(ends.map((ms) => Math.round(ms / 1000))).size).toBeGreaterThan(1);
    } finally {
      await sim.close();
    }
  });
});

describe('simulator reinstall validation', () => {
  let sim: Simulator;
  let ovh: PromisedClient;
  let server: string;
  const post = (body: unknown) =>
    rawRequest(sim, { method: 'POST', path: `/dedicated/server/${server}/reinstall`, body });

  beforeAll(async () => {
    sim = await startTestSimulator({ speed: 1 });
    ovh = nodeOvh(sim);
    server = sim.servers[0] as string;
  });
  afterAll(() => sim.close());

  const cases: Array<[string, () => unknown, number, { class: string; message: string }]> = [
    [
      'a missing operatingSystem',
      () => ({ customizations: {} }),
      400,
      { class: 'Client::BadRequest', message: 'Missing parameter(s): operatingSystem' },
    ],
    [
      'an unknown top-level field',
      () => ({ ...byoiReinstallBody(), colour: 'blue' }),
      400,
      {
        class: 'Client::BadRequest',
        message: 'Received not described parameters: (colour) while calling creation handler',
      },
    ],
    [
      'a wrongly typed field',
      () => ({ operatingSystem: 42 }),
      400,
      { class: 'Client::BadRequest', message: "Body parameter operatingSystem isn't formated correctly" },
    ],
    [
      'an OS outside the catalog',
      () => ({ operatingSystem: 'templeos_64' }),
      404,
      { class: 'Client::NotFound::OperatingSystem', message: 'Operating system templeos_64 could not be found' },
    ],
    [
      'an incompatible OS',
      () => ({ operatingSystem: 'esxi80_64' }),
      409,
      {
        class: 'Client::Conflict::OperatingSystemIncompatible',
        message: 'Operating system esxi80_64 is not compatible for server {server}',
      },
    ],
    [
      'an unknown customization',
      () => byoiReinstallBody({ colour: 'blue' }),
      400,
      {
        class: 'Client::BadRequest::CustomizationName',
        message: "Customization colour doesn't exist for operating system byoi_64",
      },
    ],
    [
      'a missing imageURL',
      () => byoiReinstallBody({ imageURL: undefined }),
      400,
      {
        class: 'Client::BadRequest::CustomizationInvalidFormat',
        message:
          'Invalid customization format for imageURL of type string: the customization is mandatory for operating system byoi_64',
      },
    ],
    [
      'a missing efiBootloaderPath',
      () => byoiReinstallBody({ efiBootloaderPath: undefined }),
      400,
      {
        class: 'Client::BadRequest::CustomizationInvalidFormat',
        message:
          'Invalid customization format for efiBootloaderPath of type string: the customization is mandatory for operating system byoi_64',
      },
    ],
    [
      'an ova image type',
      () => byoiReinstallBody({ imageType: 'ova' }),
      400,
      {
        class: 'Client::BadRequest::CustomizationInvalidFormat',
        message:
          'Invalid customization format for imageType of type dedicated.server.reinstall.customizations.ImageTypeEnum: "ova" is not one of qcow2, raw',
      },
    ],
    [
      'a checksum without its type',
      () => byoiReinstallBody({ imageCheckSum: 'abc' }),
      400,
      {
        class: 'Client::BadRequest::CustomizationInvalidFormat',
        message: 'Please provide checkSum AND checkSumType or none of them',
      },
    ],
    [
      'an invalid hostname',
      () => byoiReinstallBody({ hostname: 'bad_host!' }),
      400,
      {
        class: 'Client::BadRequest::HostnameInvalidFormat',
        message:
          'Hostname bad_host! is not valid: each label must have at most 63 characters, letters, digits or hyphens, start with a letter and not end with a hyphen (RFC 1035 section 2.3.1)',
      },
    ],
    [
      'user data above the customization size limit',
      () => byoiReinstallBody({ configDriveUserData: 'x'.repeat(50_000) }),
      400,
      {
        class: 'Client::BadRequest::CustomizationSizeExceeded',
        message: 'Customization is 50002 big, which is exceeding limit of 49152',
      },
    ],
    [
      'an unknown disk group',
      () => ({ ...byoiReinstallBody(), storage: [{ diskGroupId: 9 }] }),
      404,
      { class: 'Client::NotFound::DiskGroup', message: 'Disk group 9 could not be found on server {server}' },
    ],
  ];

  it.each(cases)('refuses %s with the exact OVH class and message', async (_name, body, status, expected) => {
    const res = await post(body());
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ ...expected, message: expected.message.replace('{server}', server) });
    expect(sim.state.server(server)?.installPosts).toBe(0);
  });

  it('reports the message through node-ovh, which drops the class', async () => {
    expect(
      await rejectionOf(
        ovh.requestPromised('POST', `/dedicated/server/${server}/reinstall`, { operatingSystem: 'templeos_64' }),
      ),
    ).toEqual({
      error: 404,
      message: 'Operating system templeos_64 could not be found',
    });
  });

  it('refuses a second install while one is running with TaskAlreadyExists', async () => {
    const first = (await ovh.requestPromised('POST', `/dedicated/server/${server}/reinstall`, byoiReinstallBody())) as {
      taskId: number;
    };
    const res = await post(byoiReinstallBody());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      class: 'Client::BadRequest::TaskAlreadyExists',
      message: `Task ${first.taskId} of type reinstallServer with status init is already running on server ${server}`,
    });
  });
});
