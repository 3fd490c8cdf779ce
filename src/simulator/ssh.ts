/**
 * The simulated servers' SSH ports, on loopback: each server's IP (the `ip` OVH reports) is a 127.x.y.z
 * address, and from its first install on the simulator listens there, on one port for the whole fleet, as
 * the server's sshd would: a connection gets an SSH greeting when the server runs a deployed image that
 * boots (the side door's probe answers 200), and is closed without a word otherwise. A boot probe of the
 * address OVH reports thus proves the boot without any traffic leaving the machine. Listening starts at a
 * server's first install, so an idle fleet of 100,000 costs no socket.
 */
import net from 'node:net';
import { hash32 } from './prng';

/** What a booted server's sshd says first (RFC 4253 §4.2). */
const GREETING = 'SSH-2.0-OpenSSH_9.2p1 reimage-simulator\r\n';

/**
 * The loopback address of the `index`-th server of a fleet: 127.B.x.y with B from the seed (1..200, never
 * 127.0.x.y), so simulators of different seeds (two OVH accounts) can share one SSH port.
 */
export function loopbackAddress(index: number, seed: string): string {
  const n = index + 1;
  return `127.${1 + (hash32(`ssh|${seed}`) % 200) + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** One listener per installed server's address, all on `port`; `booted(name)` decides each answer. */
export class SshPorts {
  private readonly listeners = new Map<string, net.Server>();
  private portNumber = 0;

  constructor(
    private readonly addressOf: (name: string) => string | undefined,
    private readonly booted: (name: string) => boolean,
    private readonly log?: (line: string) => void,
  ) {}

  /** The port every server's SSH answers on; picked by listening on the first server's address. */
  get port(): number {
    return this.portNumber;
  }

  /** Listens on `port` (0: a free one) on the fleet's first server's address, which thus listens from now on. */
  async start(firstServer: string, port: number): Promise<number> {
    this.portNumber = await this.open(firstServer, port);
    return this.portNumber;
  }

  /** Makes `name`'s address listen (once): called when an install starts on it. */
  listenFor(name: string): void {
    if (this.listeners.has(name) || this.portNumber === 0) return;
    this.open(name, this.portNumber).catch((error: Error) =>
      this.log?.(`ssh ${name}: cannot listen on its address (${error.message}); its boot probes will fail`),
    );
  }

  private async open(name: string, port: number): Promise<number> {
    const host = this.addressOf(name);
    if (host === undefined) throw new Error(`The simulator has no server ${name}.`);
    const server = net.createServer((socket) => this.answer(name, socket));
    this.listeners.set(name, server);
    return listenOn(server, port, host);
  }

  private answer(name: string, socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    if (this.booted(name)) socket.end(GREETING);
    else socket.destroy();
  }

  /** Stops every listener. */
  async close(): Promise<void> {
    const servers = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
