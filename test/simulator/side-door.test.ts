import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FleetFileError, SimulatorOptionsError, type Simulator } from '../../src/simulator';
import { parseSimulatorRateLimit, parseSimulatorArgs } from '../../src/simulator/main';
import { rawRequest, simCall } from './raw-request';
import { waitFor } from '../helpers/wait-for';
import { byoiReinstallBody, nodeOvh } from './sim-helpers';
import { startTestSimulator, testCaDir } from '../helpers/simulator';

describe('simulator side door', () => {
  let sim: Simulator;
  let server: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ speed: 1 });
    server = sim.servers[0] as string;
  });
  afterAll(() => sim.close());

  it('reports what a server runs, its boot, image and install POST count, without changing it', async () => {
    await nodeOvh(sim).requestPromised('POST', `/dedicated/server/${server}/reinstall`, byoiReinstallBody());
    const first = await simCall(sim, 'GET', `/_sim/servers/${server}`);
    const second = await simCall(sim, 'GET', `/_sim/servers/${server}`);
    expect(second.body).toEqual(first.body);
    expect(first.body).toEqual(
      expect.objectContaining({
        serviceName: server,
        running: 'disk',
        bootId: 1,
        bootType: 'harddisk',
        imageDeployed: false,
        installPosts: 1,
      }),
    );
    expect((first.body as { deployment: { status: string; route: string } }).deployment).toEqual(
      expect.objectContaining({ status: 'init', route: 'reinstall', fault: null }),
    );
    expect(sim.state.server(server)).toEqual(first.body);
    expect((await simCall(sim, 'GET', '/_sim/servers/nope')).status).toBe(404);
  });

  it('keeps a bounded request log with bodies, newest last, and leaves side-door calls out', async () => {
    await rawRequest(sim, { method: 'PUT', path: `/dedicated/server/${server}`, body: { monitoring: true } });
    const res = await simCall(sim, 'GET', '/_sim/requests?limit=1');
    expect(res.body).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: `/1.0/dedicated/server/${server}`,
        route: 'PUT /dedicated/server/{serviceName}',
        status: 200,
        consumer: sim.credentials.consumerKey,
        body: '{"monitoring":true}',
      }),
    ]);
  });

  it('tells its simulated time and speed with GET /_sim/clock', async () => {
    const before = sim.state.now();
    const res = await simCall(sim, 'GET', '/_sim/clock');
    const after = sim.state.now();
    expect(res.status).toBe(200);
    const body = res.body as { now: number; speed: number };
    expect(body.speed).toBe(1);
    expect(body.now).toBeGreaterThanOrEqual(before);
    expect(body.now).toBeLessThanOrEqual(after);
  });

  it('jumps simulated time forward with POST /_sim/advance', async () => {
    await simCall(sim, 'POST', '/_sim/advance', { seconds: 120 });
    const view = (await simCall(sim, 'GET', `/_sim/servers/${server}`)).body as { running: string };
    expect(view.running).toBe('installer');
  });

  it('injects faults at run time and resets everything with POST /_sim/reset', async () => {
    const faults = await simCall(sim, 'POST', '/_sim/faults', { spec: `write_fail=${server}` });
    expect((faults.body as { image: unknown }).image).toEqual({ write_fail: { rate: 0, servers: [server] } });
    expect((await simCall(sim, 'POST', '/_sim/reset')).status).toBe(200);
    expect(sim.state.server(server)).toEqual(
      expect.objectContaining({ installPosts: 0, taskIds: [], deployment: null }),
    );
    expect(sim.state.faults().image).toEqual({});
    expect(sim.state.counters().total).toBe(0);
  });
});

describe('simulator fleet and options', () => {
  it('loads a fleet file with per-server faults', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-fleet-'));
    const file = path.join(dir, 'fleet.json');
    const fleet = {
      servers: [
        { name: 'ns1.ip-10-0-0.eu', bootMode: 'legacy', faults: ['download_fail'] },
        { name: 'ns2.ip-10-0-0.eu', diskGroups: [{ diskGroupId: 1 }, { diskGroupId: 2, diskType: 'NVME' }] },
      ],
    };
    writeFileSync(file, JSON.stringify(fleet));
    const sim = await startTestSimulator({ fleet: file, speed: 1 });
    try {
      expect(sim.servers).toEqual(['ns1.ip-10-0-0.eu', 'ns2.ip-10-0-0.eu']);
      const ovh = nodeOvh(sim);
      const hw = (await ovh.requestPromised('GET', '/dedicated/server/ns2.ip-10-0-0.eu/specifications/hardware')) as {
        diskGroups: unknown[];
      };
      expect(hw.diskGroups).toHaveLength(2);
      await ovh.requestPromised('POST', '/dedicated/server/ns1.ip-10-0-0.eu/reinstall', byoiReinstallBody());
      sim.state.advance(1000);
      expect(sim.state.server('ns1.ip-10-0-0.eu')?.deployment).toEqual(
        expect.objectContaining({ status: 'customerError', fault: 'download_fail' }),
      );
    } finally {
      await sim.close();
    }
  });

  it('refuses an invalid fleet with the path of each problem', async () => {
    await expect(
      startTestSimulator({ fleet: { servers: [{ name: 'ns1.ip-10-0-0.eu', memoryMb: -1 }] } }),
    ).rejects.toThrow(
      new FleetFileError('The fleet option is not a valid fleet: servers.0.memoryMb: Number must be greater than 0.'),
    );
  });

  it('hands one line per answered request to the log option, whatever the function returns', async () => {
    const lines: string[] = [];
    // Array.prototype.push returns a number, as process.stderr.write returns a boolean.
    const sim = await startTestSimulator({ log: (line) => lines.push(line) });
    try {
      await nodeOvh(sim).requestPromised('GET', '/dedicated/server');
      expect(lines).toEqual([
        expect.stringMatching(/^GET \/1\.0\/auth\/time 200 \d+ms$/),
        expect.stringMatching(/^GET \/1\.0\/dedicated\/server 200 \d+ms$/),
      ]);
    } finally {
      await sim.close();
    }
  });

  it('refuses a log option that is not a function', async () => {
    await expect(startTestSimulator({ log: 'stderr' as unknown as (line: string) => void })).rejects.toThrow(
      new SimulatorOptionsError('The simulator options are not valid: log: Expected a function.'),
    );
  });

  it('refuses unknown or invalid options with a message naming them', async () => {
    await expect(startTestSimulator({ speed: 0 })).rejects.toThrow(
      new SimulatorOptionsError('The simulator options are not valid: speed: Number must be greater than 0.'),
    );
  });
});

describe('simulator command line', () => {
  it('parses the documented flags into options', () => {
    expect(
      parseSimulatorArgs([
        'simulator',
        '--port',
        '0',
        '--servers',
        '50',
        '--seed',
        '1',
        '--speed',
        '60',
        '--legacy-byoi',
        '--rate-limit',
        '60/min',
        '--faults',
        'drop=0.1',
        '--write-env',
        'sim.env',
      ]),
    ).toEqual({
      port: 0,
      servers: 50,
      seed: '1',
      speed: 60,
      legacyByoi: true,
      rateLimit: { requests: 60, perMs: 60_000 },
      faults: 'drop=0.1',
      quiet: false,
      envFile: 'sim.env',
    });
    expect(parseSimulatorArgs(['simulator', '--env'])).toEqual({ quiet: false, env: true });
    expect(parseSimulatorRateLimit('100/250ms')).toEqual({ requests: 100, perMs: 250 });
    expect(() => parseSimulatorRateLimit('fast')).toThrow(
      new SimulatorOptionsError('--rate-limit "fast" must look like 60/min, 5/s or 100/250ms (requests per period).'),
    );
  });

  it('prints exactly one JSON connection line on stdout and stops on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const main = path.join(root, 'src/simulator/main.ts');
    // tsx's own CLI relays SIGTERM through a parent that gives up after 30 ms (exit 143) on a busy runner;
    // its require hook runs main.ts in the one process the signal goes to, as `reimage simulator` does.
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), main, '--servers', '2', '--ca-dir', testCaDir()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => lines.length > 0, { what: 'the simulator to print its connection line' });
    const connection = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(Object.keys(connection)).toEqual([
      'url',
      'host',
      'port',
      'basePath',
      'caCertPath',
      'sshPort',
      'appKey',
      'appSecret',
      'consumerKey',
      'clientId',
      'clientSecret',
      'servers',
    ]);
    expect(connection.url).toBe(`https://localhost:${String(connection.port)}/1.0`);
    // main.ts installs its signal handlers right after printing the line: its first answer comes after them.
    expect((await fetch(`https://localhost:${String(connection.port)}/_sim/servers`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
  });
});
