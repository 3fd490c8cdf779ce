/**
 * `createSimulator(options)`: an HTTPS stand-in for the OVH dedicated-server API that the official
 * `@ovhcloud/node-ovh` client talks to unchanged. Nothing listens until it is called.
 *
 * ```ts
 * const sim = await createSimulator({ servers: 10, seed: 1, speed: 6000, caDir });
 * const ovh = require('@ovhcloud/node-ovh')({ host: sim.host, port: sim.port, basePath: sim.basePath, ...keys });
 * await sim.close();
 * ```
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthStore, RateLimiter, type AccessRule, type Credentials } from './auth';
import { ensureCa, issueLeafCert, type CertificateAuthority, type LeafCertificate } from './ca';
import { SimClock } from './clock';
import { toFaultConfig, type FaultConfigInput } from './faults';
import { generateFleet, loadFleetFile, parseFleet, type ServerSpec } from './fleet';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options';
import { Router } from './router';
import { registerByoiRoutes } from './routes/byoi';
import { registerReinstallRoute } from './routes/reinstall';
import { registerServerRoutes } from './routes/servers';
import { registerTaskRoutes } from './routes/tasks';
import { createRequestHandler } from './server';
import { SideDoor } from './side-door';
import { PhoneHome, type CallbackAttempt } from './phone-home';
import { SshPorts } from './ssh';
import { SimState } from './state';

export type { SimulatorOptions } from './options';
export type { ServerView, ProbeResult } from './side-door';
export type { FaultConfig, FaultConfigInput, ImageFault } from './faults';
export type { CallbackAttempt } from './phone-home';
export { parseFaultSpec, FaultSpecError } from './faults';
export { SimulatorOptionsError } from './options';
export { FleetFileError } from './fleet';

/** What startInstall deploys: a valid image request, as if posted by someone else. */
const OUTSIDE_INSTALL_IMAGE = {
  url: 'https://images.example.test/outside.raw',
  type: 'raw',
  checkSum: null,
  checkSumType: null,
  efiBootloaderPath: null,
  diskGroupId: 0,
};

/** The programmatic side door: the same data as `/_sim/*`, plus consumer keys with limited rules. */
export interface SimulatorControl {
  server: SideDoor['server'];
  probe: SideDoor['probe'];
  requests: SideDoor['requests'];
  counters: SideDoor['counters'];
  faults: SideDoor['faults'];
  injectFaults: SideDoor['injectFaults'];
  reset: SideDoor['reset'];
  /** A new consumer key allowed only `rules` (e.g. `[{ method: 'GET', path: '/dedicated/server' }]`). */
  addConsumerKey(rules: AccessRule[]): string;
  revokeConsumerKey(key: string): void;
  /** Simulated time, epoch milliseconds. */
  now(): number;
  /** Jumps simulated time forward by `seconds`. */
  advance(seconds: number): void;
  /** Every callback (phone_home POST) the fleet made, in order, with the receiver's answer. */
  callbacks(): CallbackAttempt[];
  /** The config drive's user data of `serviceName`'s latest install (what cloud-init would read), if any. */
  userData(serviceName: string): string | undefined;
  /** The SSH host keys `serviceName` generated at its last boot with a callback (OpenSSH lines). */
  hostKeys(serviceName: string): string[] | undefined;
  /**
   * Starts an install the way an accepted POST /reinstall would, but from outside the API: another tool,
   * the control panel, or a request whose answer was lost. Returns its task ID.
   */
  startInstall(serviceName: string): number;
}

export interface Simulator {
  /** `https://localhost:<port>/1.0` */
  url: string;
  /** The host clients connect to and sign with (canonicalHost). */
  host: string;
  port: number;
  basePath: string;
  /** PEM of the CA that signed the server certificate: trust it with NODE_EXTRA_CA_CERTS or an agent. */
  caCertPath: string;
  credentials: Credentials;
  servers: string[];
  /** The port every server's SSH answers on, at the loopback address its `ip` says (ssh.ts). */
  sshPort: number;
  /** Simulated seconds per real second (`--speed`). */
  speed: number;
  state: SimulatorControl;
  /**
   * Stops answering, as an OVH API that is down: the port is closed (connections are refused) and open
   * connections are dropped; the fleet, its installs and the clock go on.
   */
  stopListening(): Promise<void>;
  /** Answers again on the same port, with the state it kept. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

function loadSpecs(options: ResolvedOptions): ServerSpec[] {
  if (options.fleet === undefined) return generateFleet(options.servers, options.seed);
  return typeof options.fleet === 'string'
    ? loadFleetFile(options.fleet, options.seed)
    : parseFleet(options.fleet, 'fleet option', options.seed);
}

function credentialsFor(state: SimState): Credentials {
  return {
    appKey: state.token('appKey', 16),
    appSecret: state.token('appSecret', 32),
    consumerKey: state.token('consumerKey', 32),
    clientId: state.token('clientId', 16),
    clientSecret: state.token('clientSecret', 32),
  };
}

/** Leaf certificates issued in this process, per CA and host list: key generation is the slow part of a start. */
const leafCache = new Map<string, LeafCertificate>();

function leafFor(ca: CertificateAuthority, hosts: string[]): LeafCertificate {
  const key = `${ca.caCertPem}|${hosts.join(',')}`;
  let leaf = leafCache.get(key);
  if (!leaf) {
    leaf = issueLeafCert(ca, hosts);
    leafCache.set(key, leaf);
  }
  return leaf;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes the port and every open connection; resolves once the server no longer listens. */
function stop(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The fleet's SSH ports, listening from each server's first install (the first server's from now). */
async function sshPorts(
  state: SimState,
  sideDoor: SideDoor,
  port: number,
  log?: (line: string) => void,
): Promise<SshPorts> {
  const ssh = new SshPorts(
    (name) => state.spec(name)?.ip,
    (name) => sideDoor.probe(name).status === 200,
    log,
  );
  await ssh.start(state.names[0] as string, port);
  state.onInstall = (name) => ssh.listenFor(name);
  return ssh;
}

/** Builds the simulated fleet and starts the HTTPS server. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const o = resolveOptions(options);
  const faults = toFaultConfig(o.faults as string | FaultConfigInput | undefined);
  const clock = new SimClock(o.speed, o.clockOffsetSeconds);
  const state = new SimState(o.seed, clock, loadSpecs(o), faults);
  const credentials = credentialsFor(state);
  const auth = new AuthStore(credentials, clock, o.canonicalHost, o.maxSkewSeconds, {
    readOnlyKey: o.readOnlyKey,
    iamActions: o.iamActions,
  });
  const limiter = new RateLimiter(o.rateLimit);
  const router = new Router();
  registerServerRoutes(router, Date.now());
  registerReinstallRoute(router);
  registerTaskRoutes(router);
  if (o.legacyByoi) registerByoiRoutes(router);
  const sideDoor = new SideDoor(state, auth, limiter);

  const ca = ensureCa(o.caDir ?? mkdtempSync(path.join(os.tmpdir(), 'reimage-sim-ca-')));
  const leaf = leafFor(ca, [o.canonicalHost, 'localhost', '127.0.0.1']);
  const handler = createRequestHandler({
    state,
    auth,
    limiter,
    router,
    sideDoor,
    maxBodyBytes: o.maxBodyBytes,
    log: o.log,
  });
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem, keepAliveTimeout: 30_000 }, handler);
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, o.port, o.host);
  const ssh = await sshPorts(state, sideDoor, o.sshPort, o.log);
  const phoneHome = new PhoneHome(state, o.log);
  state.onDeployment = (name, deployment) => phoneHome.schedule(name, deployment);
  const basePath = '/1.0';
  return {
    url: `https://${o.canonicalHost}:${port}${basePath}`,
    host: o.canonicalHost,
    port,
    basePath,
    caCertPath: ca.caCertPath,
    credentials,
    servers: [...state.names],
    sshPort: ssh.port,
    speed: clock.speed,
    state: {
      server: (name) => sideDoor.server(name),
      probe: (name) => sideDoor.probe(name),
      requests: (limit) => sideDoor.requests(limit),
      counters: () => sideDoor.counters(),
      faults: () => sideDoor.faults(),
      injectFaults: (input, replace) => sideDoor.injectFaults(input, replace),
      reset: () => sideDoor.reset(),
      addConsumerKey: (rules) => auth.addConsumer(rules),
      revokeConsumerKey: (key) => auth.revokeConsumer(key),
      now: () => clock.now(),
      advance: (seconds) => clock.advance(seconds * 1000),
      callbacks: () => [...phoneHome.attempts],
      hostKeys: (serviceName) => phoneHome.hostKeys.get(serviceName),
      userData: (serviceName) => state.server(serviceName)?.deployment?.image.userData ?? undefined,
      startInstall: (serviceName) => {
        const server = state.server(serviceName);
        if (!server) throw new Error(`The simulator has no server ${serviceName}.`);
        return state.install(server, 'reinstall', 'byoi_64', OUTSIDE_INSTALL_IMAGE).task.taskId;
      },
    },
    stopListening: () => stop(server),
    listenAgain: async () => {
      await listen(server, port, o.host);
    },
    close: async () => {
      phoneHome.close();
      await Promise.all([stop(server), ssh.close()]);
    },
  };
}
