/**
 * Test-only controls under `/_sim/*` (unsigned, loopback clients only), also offered as methods:
 *   GET  /_sim/servers                 service names
 *   GET  /_sim/servers/{sn}            what the machine runs, deployed image, installPosts, bootId, tasks
 *   GET  /_sim/probe/{sn}              200 {"booted":true,...} once a deployed image runs from disk, else 503
 *   GET  /_sim/requests?limit=N        the request log (bodies included), oldest first
 *   GET  /_sim/counters                calls per route template, consumer and status, and each consumer's
 *                                      busiest window (the rate limit's period, else 60 s)
 *   GET  /_sim/faults                  the fault configuration in force
 *   POST /_sim/faults                  {"spec": "...", "replace": false} or {"faults": {...}}: inject faults
 *   GET  /_sim/clock                   {"now": epoch ms, "speed": N}: simulated time, for a worker that follows it
 *   POST /_sim/advance                 {"seconds": N}: jump simulated time forward
 *   POST /_sim/reset                   fresh fleet, no tasks, no traffic, configured faults
 *   GET  /_sim/images/rehearsal.raw    the rehearsal image (rehearsal-image.ts), a raw disk the plan qualifies
 * Reads only settle time-driven effects that are already due, which any API call would do too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuthStore, BusiestWindow, RateLimiter } from './auth';
import { BOOTS } from './catalog';
import { formatDate } from './clock';
import { serveRehearsalImage } from './rehearsal-image';
import {
  faultConfigSchema,
  FaultSpecError,
  mergeFaults,
  toFaultConfig,
  type FaultConfig,
  type FaultConfigInput,
} from './faults';
import type { SimState } from './state';
import { byoiStatus, deploymentEnd, deploymentStatus, installProgress } from './timeline';
import type { Counters, RequestLogEntry } from './traffic';

/** What `GET /_sim/servers/{sn}` reports. */
export interface ServerView {
  serviceName: string;
  /** The address OVH reports for the server: a loopback address whose SSH port answers boot probes. */
  ip: string;
  running: string;
  runningSince: string;
  bootId: number;
  bootType: string;
  os: string;
  efiBootloaderPath: string | null;
  imageDeployed: boolean;
  imageUrl: string | null;
  bootBroken: boolean;
  installPosts: number;
  taskIds: number[];
  deployment: null | {
    route: string;
    os: string;
    status: string;
    fault: string | null;
    step: string | null;
    image: unknown;
    startedAt: string;
    expectedEnd: string | null;
    /**
     * The install duration the simulator drew for this deployment, simulated ms (its task's dates round it to
     * whole seconds); benchmarks compute ideals from it.
     */
    installDurationMs: number | null;
  };
  byoi: unknown;
  faults: string[];
}

/** What `GET /_sim/clock` answers. */
export interface SimClockView {
  /** Simulated time, epoch milliseconds. */
  now: number;
  /** Simulated seconds per real second (`--speed`). */
  speed: number;
}

export interface ProbeResult {
  status: 200 | 404 | 503;
  body: { booted: boolean; serviceName: string; [key: string]: unknown };
}

const faultsBodySchema = z
  .object({ spec: z.string().optional(), faults: faultConfigSchema.optional(), replace: z.boolean().default(false) })
  .strict();

const advanceSchema = z.object({ seconds: z.number().min(0) }).strict();

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export class SideDoor {
  constructor(
    private readonly state: SimState,
    private readonly auth: AuthStore,
    private readonly limiter: RateLimiter,
  ) {}

  /** Simulated time (epoch ms) and how many simulated seconds pass per real second. */
  clock(): SimClockView {
    return { now: this.state.clock.now(), speed: this.state.clock.speed };
  }

  /** The side-door view of a server, or undefined for an unknown name. */
  server(name: string): ServerView | undefined {
    const server = this.state.server(name);
    if (!server) return undefined;
    const now = this.state.clock.now();
    const d = server.deployment;
    const step = d ? (installProgress(d, now)?.progress.find((p) => p.status !== 'done')?.comment ?? null) : null;
    return {
      serviceName: name,
      ip: server.spec.ip,
      running: server.running,
      runningSince: formatDate(server.runningSince),
      bootId: server.bootId,
      bootType: BOOTS.find((b) => b.bootId === server.bootId)?.bootType ?? 'unknown',
      os: server.os,
      efiBootloaderPath: server.efiBootloaderPath,
      imageDeployed: server.imageDeployed,
      imageUrl: server.imageUrl,
      bootBroken: server.bootBroken,
      installPosts: server.installPosts,
      taskIds: server.tasks.map((t) => t.taskId),
      deployment: d
        ? {
            route: d.route,
            os: d.os,
            status: deploymentStatus(d, now).status,
            fault: d.fault ?? null,
            step,
            image: d.image,
            startedAt: formatDate(d.startSim),
            expectedEnd: Number.isFinite(deploymentEnd(d)) ? formatDate(deploymentEnd(d)) : null,
            installDurationMs: Number.isFinite(deploymentEnd(d)) ? deploymentEnd(d) - d.startSim : null,
          }
        : null,
      byoi: server.byoi ? byoiStatus(server.byoi.deployment, server.byoi.checksum, name, now) : null,
      faults: [...server.spec.faults],
    };
  }

  /** Whether the server runs a successfully deployed image from its disk. */
  probe(name: string): ProbeResult {
    const server = this.state.server(name);
    if (!server)
      return {
        status: 404,
        body: { booted: false, serviceName: name, reason: 'No such server in the simulated fleet.' },
      };
    const down = (reason: string): ProbeResult => ({ status: 503, body: { booted: false, serviceName: name, reason } });
    if (server.running !== 'disk') return down(`The server is running ${server.running}, not its disk.`);
    if (!server.imageDeployed) return down('No image has been deployed on this server.');
    if (server.bootBroken) return down('The deployed image does not boot (EFI bootloader not found).');
    const since = formatDate(server.runningSince);
    return { status: 200, body: { booted: true, serviceName: name, os: server.os, imageUrl: server.imageUrl, since } };
  }

  requests(limit?: number): RequestLogEntry[] {
    return this.state.traffic.requests(limit);
  }

  counters(): Counters & { busiestWindow: BusiestWindow } {
    return { ...this.state.traffic.snapshot(), busiestWindow: this.limiter.busiestWindow() };
  }

  faults(): FaultConfig {
    return this.state.faults.config;
  }

  /** Adds faults (or replaces them all with `replace`); returns the configuration now in force. */
  injectFaults(input: string | FaultConfigInput, replace = false): FaultConfig {
    const add = toFaultConfig(input);
    this.state.faults.config = replace ? add : mergeFaults(this.state.faults.config, add);
    return this.state.faults.config;
  }

  reset(): void {
    this.state.reset();
    this.auth.reset();
    this.limiter.reset();
  }

  /** Serves `/_sim/*`. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, query: string, raw: Buffer | undefined): void {
    const answer = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(json),
      });
      res.end(json);
    };
    if (!LOOPBACK.has(req.socket.remoteAddress ?? ''))
      return answer(403, { message: 'The /_sim side door answers loopback clients only.' });
    if (serveRehearsalImage(req, res, path)) return;
    try {
      const [status, body] = this.route(req.method ?? 'GET', path, new URLSearchParams(query), raw);
      answer(status, body);
    } catch (error) {
      answer(400, { message: (error as Error).message });
    }
  }

  private route(method: string, path: string, query: URLSearchParams, raw: Buffer | undefined): [number, unknown] {
    const parts = path
      .split('/')
      .slice(2)
      .map((p) => decodeURIComponent(p));
    const key = `${method} ${parts[0] ?? ''}${parts.length > 1 ? '/*' : ''}`;
    const name = parts[1] ?? '';
    switch (key) {
      case 'GET servers':
        return [200, this.state.names];
      case 'GET servers/*': {
        const view = this.server(name);
        return view ? [200, view] : [404, { message: `No server ${name} in the simulated fleet.` }];
      }
      case 'GET probe/*': {
        const probe = this.probe(name);
        return [probe.status, probe.body];
      }
      case 'GET requests':
        return [200, this.requests(query.has('limit') ? Number(query.get('limit')) : undefined)];
      case 'GET counters':
        return [200, this.counters()];
      case 'GET faults':
        return [200, this.faults()];
      case 'POST faults':
        return [200, this.postFaults(raw)];
      case 'GET clock':
        return [200, this.clock()];
      case 'POST advance':
        this.state.clock.advance(advanceSchema.parse(JSON.parse(raw?.toString('utf8') || '{}')).seconds * 1000);
        return [200, { now: formatDate(this.state.clock.now()) }];
      case 'POST reset':
        this.reset();
        return [200, null];
      default:
        return [404, { message: `The side door has no ${method} ${path}.` }];
    }
  }

  private postFaults(raw: Buffer | undefined): FaultConfig {
    const parsed = faultsBodySchema.safeParse(JSON.parse(raw?.toString('utf8') || '{}'));
    if (!parsed.success) {
      throw new FaultSpecError(
        `The fault request is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
      );
    }
    const { spec, faults, replace } = parsed.data;
    return this.injectFaults(spec ?? faults ?? {}, replace);
  }
}
