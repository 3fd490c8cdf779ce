import { FaultSpecError, parseFaultSpec, type Simulator } from '../../src/simulator';
import { rawRequest, simCall } from './raw-request';
import { byoiReinstallBody, nodeOvh, rejectionOf, type PromisedClient } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

interface Progress {
  progress: Array<{ comment: string; status: string; error: string }>;
}

describe('simulator image faults', () => {
  let sim: Simulator;
  let ovh: PromisedClient;
  let next = 0;

  beforeAll(async () => {
    sim = await startTestSimulator({ speed: 1, servers: 12 });
    ovh = nodeOvh(sim);
  });
  afterAll(() => sim.close());

  /** Installs on a fresh server carrying `fault`, lets 1000 simulated seconds pass, returns what is seen. */
  async function installWith(fault: string, customizations: Record<string, unknown> = {}) {
    const server = sim.servers[next++] as string;
    sim.state.injectFaults(`${fault}=${server}`);
    const path = `/dedicated/server/${server}`;
    const task = (await ovh.requestPromised('POST', `${path}/reinstall`, byoiReinstallBody(customizations))) as {
      taskId: number;
    };
    sim.state.advance(1000);
    const status = ((await ovh.requestPromised('GET', `${path}/task/${task.taskId}`)) as { status: string }).status;
    const progress = await rawRequest(sim, { path: `${path}/install/status` });
    return { server, status, progress: progress.body as Progress };
  }

  function failedStep(progress: Progress) {
    const failed = progress.progress.filter((p) => p.status === 'error');
    expect(failed).toHaveLength(1);
    const index = progress.progress.indexOf(failed[0] as Progress['progress'][number]);
    expect(progress.progress.slice(index + 1).every((p) => p.status === 'todo')).toBe(true);
    return failed[0];
  }

  it.each([
    ['download_fail', 'Downloading OS image', 'Could not download image: 404 Not Found', 'customerError'],
    [
      'format_mismatch',
      'Deploying OS on disks',
      'image provided format is qcow2 which does not match expected raw format',
      'customerError',
    ],
    [
      'too_big_for_ram',
      'Downloading OS image',
      'Could not download, raw image is too big to download in memory.',
      'customerError',
    ],
    [
      'no_partition_table',
      'Deploying OS on disks',
      'image provided format is not of type raw because no partition table was found. It seems to contain: data',
      'customerError',
    ],
    ['write_fail', 'Deploying OS on disks', "Can't write raw on disk", 'ovhError'],
  ])('fails %s at step "%s" with its message and task status', async (fault, step, message, taskStatus) => {
    const seen = await installWith(fault);
    expect(seen.status).toBe(taskStatus);
    expect(failedStep(seen.progress)).toEqual({ comment: step, status: 'error', error: message });
    expect(sim.state.probe(seen.server).status).toBe(503);
  });

  it('fails only the first N installs of a server named SERVER@N, then installs it', async () => {
    const server = sim.servers[next++] as string;
    sim.state.injectFaults(`download_fail=${server}@1`);
    const path = `/dedicated/server/${server}`;
    const statuses: string[] = [];
    for (let install = 0; install < 2; install++) {
      const task = (await ovh.requestPromised('POST', `${path}/reinstall`, byoiReinstallBody())) as { taskId: number };
      sim.state.advance(1000);
      statuses.push(((await ovh.requestPromised('GET', `${path}/task/${task.taskId}`)) as { status: string }).status);
    }
    expect(statuses).toEqual(['customerError', 'done']);
  });

  it('fails checksum_mismatch while downloading with the expected and computed digests', async () => {
    const seen = await installWith('checksum_mismatch', { imageCheckSum: 'b'.repeat(64), imageCheckSumType: 'sha256' });
    expect(seen.status).toBe('customerError');
    const step = failedStep(seen.progress);
    expect(step?.comment).toBe('Downloading OS image');
    expect(step?.error).toMatch(/^Bad sha256 for downloaded file, got: [0-9a-f]{64} while expecting b{64}\.$/);
  });

  it('fails too_big_for_disk with the sizes of the image and of the first disk', async () => {
    const seen = await installWith('too_big_for_disk');
    const hw = (await ovh.requestPromised('GET', `/dedicated/server/${seen.server}/specifications/hardware`)) as {
      diskGroups: Array<{ diskSize: { value: number } }>;
    };
    const disk = (hw.diskGroups[0]?.diskSize.value ?? 0) * 1_000_000_000;
    expect(failedStep(seen.progress)).toEqual({
      comment: 'Deploying OS on disks',
      status: 'error',
      error: `image provided has a size of ${disk + 4_294_967_296} bytes which is larger than /dev/sda of ${disk} bytes`,
    });
  });

  it('keeps a never_ends deployment doing on "Deploying OS on disks" forever', async () => {
    const seen = await installWith('never_ends');
    sim.state.advance(86_400);
    expect(seen.status).toBe('doing');
    const now = (await rawRequest(sim, { path: `/dedicated/server/${seen.server}/install/status` })).body as Progress;
    expect(now.progress.find((p) => p.status === 'doing')?.comment).toBe('Deploying OS on disks');
  });

  it('finishes an efi_boot_fail deployment as done but the probe never sees it booted', async () => {
    const seen = await installWith('efi_boot_fail');
    expect(seen.status).toBe('done');
    sim.state.advance(86_400);
    expect(sim.state.probe(seen.server)).toEqual({
      status: 503,
      body: {
        booted: false,
        serviceName: seen.server,
        reason: 'The deployed image does not boot (EFI bootloader not found).',
      },
    });
    expect((await simCall(sim, 'GET', `/_sim/probe/${seen.server}`)).status).toBe(503);
  });
});

describe('simulator API faults', () => {
  it('answers POST /reinstall with 500 TaskCreate yet creates the task (http500)', async () => {
    const sim = await startTestSimulator({ faults: 'http500=1' });
    try {
      const server = sim.servers[0] as string;
      const res = await rawRequest(sim, {
        method: 'POST',
        path: `/dedicated/server/${server}/reinstall`,
        body: byoiReinstallBody(),
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        class: 'Server::InternalServerError::TaskCreate',
        message: `An error has occurred while creating installation task on server ${server}`,
      });
      const tasks = await nodeOvh(sim).requestPromised('GET', `/dedicated/server/${server}/task`, {
        function: 'reinstallServer',
      });
      expect(tasks).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });

  it('answers the first task reads with 404 then 500 (task404, task500), then the task', async () => {
    const sim = await startTestSimulator({ faults: 'task404=2,task500=1', speed: 1 });
    try {
      const ovh = nodeOvh(sim);
      const server = sim.servers[0] as string;
      const { taskId } = (await ovh.requestPromised('POST', `/dedicated/server/${server}/reboot`)) as {
        taskId: number;
      };
      const read = () => rawRequest(sim, { path: `/dedicated/server/${server}/task/${taskId}` });
      expect((await read()).body).toEqual({
        class: 'Client::NotFound',
        message: `The requested object (taskId = ${taskId}) does not exist`,
      });
      expect((await read()).status).toBe(404);
      expect((await read()).body).toEqual({
        class: 'Server::InternalServerError::TaskRetrieve',
        message: 'An internal error has occurred while retrieving the task',
      });
      expect((await read()).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('adds latency to every answer and drops connections at the configured rate', async () => {
    const sim = await startTestSimulator({ faults: 'latency=150ms' });
    try {
      const started = Date.now();
      await rawRequest(sim, { path: '/dedicated/server' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
      await simCall(sim, 'POST', '/_sim/faults', { spec: 'drop=1', replace: true });
      const failure = await rejectionOf(nodeOvh(sim, { apiTimeDiff: 1 }).requestPromised('GET', '/dedicated/server'));
      expect(failure.error).toEqual(expect.objectContaining({ message: 'socket hang up', code: 'ECONNRESET' }));
      await simCall(sim, 'POST', '/_sim/faults', { spec: '', replace: true });
      expect((await rawRequest(sim, { path: '/dedicated/server' })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('answers the http429 share of signed requests with 429 Too Many Requests and Retry-After: 1', async () => {
    const sim = await startTestSimulator({ faults: 'http429=1' });
    try {
      const failure = await rejectionOf(nodeOvh(sim, { apiTimeDiff: 1 }).requestPromised('GET', '/dedicated/server'));
      expect(failure).toMatchObject({ error: 429, message: 'Too many requests' });
      await simCall(sim, 'POST', '/_sim/faults', { spec: 'http429=0', replace: true });
      expect(await nodeOvh(sim, { apiTimeDiff: 1 }).requestPromised('GET', '/dedicated/server')).toEqual(sim.servers);
    } finally {
      await sim.close();
    }
  });

  it('makes installs started after an install_factor injection last that many times longer', async () => {
    const paced = await startTestSimulator({ servers: 2, speed: 1 });
    try {
      const [early, late] = paced.servers as [string, string];
      const install = async (server: string) => {
        await nodeOvh(paced).requestPromised('POST', `/dedicated/server/${server}/reinstall`, byoiReinstallBody());
        return paced.state.server(server)?.deployment?.installDurationMs ?? Number.NaN;
      };
      const earlyMs = await install(early);
      paced.state.injectFaults('install_factor=1.5');
      const lateMs = await install(late);
      // An install already running keeps the duration it was planned with.
      expect(paced.state.server(early)?.deployment?.installDurationMs).toBe(earlyMs);
      paced.state.reset();
      expect(paced.state.faults().installFactor).toBeUndefined();
      expect(lateMs / (await install(late))).toBeCloseTo(1.5, 3);
    } finally {
      await paced.close();
    }
  });

  it('decides rate faults from the seed, so two runs fail the same servers', async () => {
    const failing = async (seed: number) => {
      const sim = await startTestSimulator({ seed, servers: 20, speed: 1, faults: 'checksum_mismatch=0.5' });
      try {
        for (const server of sim.servers)
          await nodeOvh(sim).requestPromised('POST', `/dedicated/server/${server}/reinstall`, byoiReinstallBody());
        return sim.servers.filter((s) => sim.state.server(s)?.deployment?.fault === 'checksum_mismatch');
      } finally {
        await sim.close();
      }
    };
    const first = await failing(7);
    expect(await failing(7)).toEqual(first);
    expect(first.length).toBeGreaterThan(2);
    expect(first.length).toBeLessThan(18);
  });
});

describe('fault spec parsing', () => {
  it('parses every kind of entry', () => {
    expect(
      parseFaultSpec(
        'download_fail=ns1.ip-1-2-3.eu+ns2.ip-1-2-3.eu,checksum_mismatch=0.05,latency=20ms,drop=0.02,http500=0.1,task404=2,task500=1,http429=0.05,install_factor=1.5,disturb_locked=ns3.ip-1-2-3.eu,expired=ns4.ip-1-2-3.eu,disk_group_refused=ns5.ip-1-2-3.eu,probe500=ns6.ip-1-2-3.eu@2,post403=NOT_CREDENTIAL,callback_never=ns7.ip-1-2-3.eu,callback_late=0.1',
      ),
    ).toEqual({
      image: {
        download_fail: { rate: 0, servers: ['ns1.ip-1-2-3.eu', 'ns2.ip-1-2-3.eu'] },
        checksum_mismatch: { rate: 0.05, servers: [] },
      },
      callback: {
        callback_never: { rate: 0, servers: ['ns7.ip-1-2-3.eu'] },
        callback_late: { rate: 0.1, servers: [] },
      },
      post500: { rate: 0.1, servers: [] },
      disturbLocked: { rate: 0, servers: ['ns3.ip-1-2-3.eu'] },
      diskGroupRefused: { rate: 0, servers: ['ns5.ip-1-2-3.eu'] },
      expired: { rate: 0, servers: ['ns4.ip-1-2-3.eu'] },
      probe500: { rate: 0, servers: ['ns6.ip-1-2-3.eu@2'] },
      taskNotFoundReads: 2,
      taskServerErrorReads: 1,
      latencyMs: 20,
      dropRate: 0.02,
      tooManyRate: 0.05,
      installFactor: 1.5,
      post403: 'NOT_CREDENTIAL',
    });
  });

  it.each([
    [
      'bogus=1',
      'Unknown fault "bogus" in "bogus=1": use one of download_fail, checksum_mismatch, format_mismatch, too_big_for_ram, too_big_for_disk, no_partition_table, write_fail, never_ends, efi_boot_fail, callback_never, callback_late, callback_twice, callback_forged, http500, post_500_creates_task, disturb_locked, disk_group_refused, expired, probe500, task404, task500, latency, drop, http429, install_factor, post403.',
    ],
    ['install_factor=0', 'Fault "install_factor=0" needs a factor above 0 and at most 10, like 1.5 (got "0").'],
    ['latency=fast', 'Fault "latency=fast" needs a duration like 20ms or 1s (got "fast").'],
    ['drop=2', 'Fault "drop=2" needs a rate between 0 and 1 (got "2").'],
    ['task404=x', 'Fault "task404=x" needs a whole number of reads (got "x").'],
    [
      'write_fail=1.5',
      'Fault "write_fail=1.5" has the value "1.5", which is neither a rate between 0 and 1 nor a list of service names joined by "+".',
    ],
    ['write_fail', 'Fault entry "write_fail" must look like name=value.'],
    [
      'write_fail=ns1.ip-1-2-3.eu@0',
      'Fault "write_fail=ns1.ip-1-2-3.eu@0" names "ns1.ip-1-2-3.eu@0": write SERVER@N with N a whole number of installs of at least 1.',
    ],
  ])('refuses %s with a clear message', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(new FaultSpecError(message));
  });

  it('refuses an invalid spec on the side door with 400 and leaves faults unchanged', async () => {
    const sim = await startTestSimulator();
    try {
      const res = await simCall(sim, 'POST', '/_sim/faults', { spec: 'drop=7' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: 'Fault "drop=7" needs a rate between 0 and 1 (got "7").' });
      expect(sim.state.faults().dropRate).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
