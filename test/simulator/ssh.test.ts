/**
 * The simulated servers' SSH ports: each server's `ip` is a loopback address whose SSH port greets once a
 * deployed image boots, the way a boot probe of the address OVH reports sees a real server.
 */
import net from 'node:net';
import type { Simulator } from '../../src/simulator';
import { waitFor } from '../helpers/wait-for';
import { startTestSimulator } from '../helpers/simulator';
import { nodeOvh } from './sim-helpers';

/** What the server at `host:port` says before it closes the connection, or the connection's error code. */
function firstWords(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect({ host, port });
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text || 'closed without a word'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function ipOf(sim: Simulator, serviceName: string): Promise<string> {
  const server = (await nodeOvh(sim).requestPromised('GET', `/dedicated/server/${serviceName}`)) as { ip: string };
  return server.ip;
}

describe('the simulated servers SSH ports', () => {
  let sim: Simulator;
  afterEach(() => sim?.close());

  it('reports a loopback address for every server, each its own', async () => {
    sim = await startTestSimulator({ servers: 3 });
    const addresses = await Promise.all(sim.servers.map((name) => ipOf(sim, name)));
    for (const address of addresses) expect(address).toMatch(/^127\.(?!0\.)\d+\.\d+\.\d+$/);
    expect(new Set(addresses).size).toBe(3);
  });

  it('greets on a server whose deployed image booted, and says nothing on one whose image does not boot', async () => {
    sim = await startTestSimulator({ servers: 3 });
    const [good, broken, untouched] = sim.servers as [string, string, string];
    sim.state.injectFaults(`efi_boot_fail=${broken}`);
    sim.state.startInstall(good);
    sim.state.startInstall(broken);
    sim.state.advance(3600);
    await waitFor(() => sim.state.probe(good).status === 200, { what: 'the install to end' });

    expect(await firstWords(await ipOf(sim, good), sim.sshPort)).toBe('SSH-2.0-OpenSSH_9.2p1 reimage-simulator\r\n');
    expect(await firstWords(await ipOf(sim, broken), sim.sshPort)).toMatch(/^(closed without a word|ECONNRESET)$/);
    expect(await firstWords(await ipOf(sim, untouched), sim.sshPort)).toBe('ECONNREFUSED');
  });

  it('listens on the sshPort it is given, so that two simulators of different seeds can share one', async () => {
    sim = await startTestSimulator({ servers: 1, seed: 'eu' });
    const other = await startTestSimulator({ servers: 1, seed: 'ca', sshPort: sim.sshPort });
    try {
      expect(other.sshPort).toBe(sim.sshPort);
      expect(await ipOf(other, other.servers[0]!)).not.toBe(await ipOf(sim, sim.servers[0]!));
    } finally {
      await other.close();
    }
  });
});
