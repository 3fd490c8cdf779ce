/**
 * The fleet's state. Nothing runs in the background: each server keeps a short list of tasks whose
 * effects are pending, and `settle()` applies the ones whose time has come, in time order, whenever the
 * server is touched. Ten thousand idle servers therefore cost memory only.
 */
import {
  BOOTS,
  HARDDISK_BOOT_ID,
  LEGACY_INSTALL_COMMENT,
  REBOOT_COMMENT,
  REINSTALL_COMMENT,
  TASK_FUNCTION,
} from './catalog';
import type { SimClock } from './clock';
import { planDeployment } from './deployment';
import type { FaultConfig } from './faults';
import { FaultPlan } from './fault-plan';
import type { ServerSpec } from './fleet';
import type { Deployment, ImageRequest, Running, ServerRecord, TaskRecord } from './model';
import { hash32, uniform } from './prng';
import { deploymentEnd, installerStart } from './timeline';
import { Traffic } from './traffic';

const FIRST_TASK_ID = 1_000_001;
/** Hard reboots take 60..180 simulated seconds. */
const REBOOT_MIN_MS = 60_000;
const REBOOT_SPREAD_MS = 120_000;
const REQUEST_LOG_SIZE = 2_000;

/** What a boot ID makes the machine run once rebooted. */
function runningFor(bootId: number): Running {
  const type = BOOTS.find((b) => b.bootId === bootId)?.bootType;
  return type === 'rescue' ? 'rescue' : type === 'power' ? 'off' : 'disk';
}

function newServer(spec: ServerSpec, seed: string, now: number): ServerRecord {
  return {
    spec,
    jitter: 0.8 + 0.4 * uniform(seed, 'jitter', spec.name),
    bootId: HARDDISK_BOOT_ID,
    running: 'disk',
    runningSince: now,
    os: spec.os,
    state: spec.state,
    efiBootloaderPath: null,
    monitoring: true,
    noIntervention: false,
    bootScript: null,
    rescueMail: null,
    rescueSshKey: null,
    rootDevice: null,
    imageDeployed: false,
    bootBroken: false,
    imageUrl: null,
    installPosts: 0,
    tasks: [],
    active: [],
  };
}

export class SimState {
  readonly names: string[];
  readonly faults: FaultPlan;
  readonly traffic = new Traffic(REQUEST_LOG_SIZE);
  private servers = new Map<string, ServerRecord>();
  private nextTaskId = FIRST_TASK_ID;
  /** Called with the server's name at each install (the SSH ports listen from then on: ssh.ts). */
  onInstall?: (name: string) => void;
  /** Called with the server's name and its new deployment at each install (phone_home: phone-home.ts). */
  onDeployment?: (name: string, deployment: Deployment) => void;

  constructor(
    readonly seed: string,
    readonly clock: SimClock,
    private readonly specs: ServerSpec[],
    private readonly initialFaults: FaultConfig,
  ) {
    this.names = specs.map((s) => s.name);
    this.faults = new FaultPlan(seed, initialFaults);
    this.reset();
  }

  /** Back to the start: fresh servers, no tasks, no traffic, the configured faults. */
  reset(): void {
    const now = this.clock.now();
    this.servers = new Map(this.specs.map((spec) => [spec.name, newServer(spec, this.seed, now)]));
    this.nextTaskId = FIRST_TASK_ID;
    this.faults.config = this.initialFaults;
    this.traffic.reset();
  }

  /** The server's fixed description, without settling anything; undefined for an unknown service name. */
  spec(name: string): ServerSpec | undefined {
    return this.servers.get(name)?.spec;
  }

  /** The server, settled to now; undefined for an unknown service name. */
  server(name: string): ServerRecord | undefined {
    const server = this.servers.get(name);
    if (server && server.active.length > 0) this.settle(server, this.clock.now());
    return server;
  }

  /** Applies, in time order, every pending task effect due by `now`. */
  settle(server: ServerRecord, now: number): void {
    for (;;) {
      let due: { task: TaskRecord; at: number } | undefined;
      for (const task of server.active) {
        const at = this.nextEventAt(task);
        if (at <= now && (!due || at < due.at)) due = { task, at };
      }
      if (!due) return;
      this.apply(server, due.task, due.at);
    }
  }

  private nextEventAt(task: TaskRecord): number {
    const d = task.deployment;
    if (!d) return task.startSim + (task.rebootMs ?? 0);
    return d.enteredInstaller ? deploymentEnd(d) : installerStart(d);
  }

  private apply(server: ServerRecord, task: TaskRecord, at: number): void {
    const d = task.deployment;
    if (!d) {
      server.running = runningFor(task.rebootInto ?? server.bootId);
      server.runningSince = at;
      return this.retire(server, task);
    }
    if (!d.enteredInstaller) {
      d.enteredInstaller = true;
      Object.assign(server, { running: 'installer', runningSince: at, imageDeployed: false, bootBroken: false });
      return;
    }
    d.finished = true;
    this.retire(server, task);
    if (d.failure) return;
    Object.assign(server, {
      os: d.os,
      bootId: HARDDISK_BOOT_ID,
      efiBootloaderPath: d.image.efiBootloaderPath ?? server.efiBootloaderPath,
      running: 'disk',
      runningSince: at,
      imageDeployed: true,
      bootBroken: d.fault === 'efi_boot_fail',
      imageUrl: d.image.url,
    });
  }

  private retire(server: ServerRecord, task: TaskRecord): void {
    task.settled = true;
    server.active = server.active.filter((t) => t !== task);
  }

  private newTask(server: ServerRecord, fields: Omit<TaskRecord, 'taskId' | 'reads' | 'settled'>): TaskRecord {
    const task: TaskRecord = { ...fields, taskId: this.nextTaskId++, reads: 0, settled: false };
    server.tasks.push(task);
    server.active.push(task);
    return task;
  }

  /** A hardReboot task into the current bootId. */
  reboot(server: ServerRecord): TaskRecord {
    const startSim = this.clock.now();
    const rebootMs =
      REBOOT_MIN_MS + Math.round(REBOOT_SPREAD_MS * uniform(this.seed, 'reboot', server.spec.name, this.nextTaskId));
    return this.newTask(server, {
      function: TASK_FUNCTION.hardReboot,
      comment: REBOOT_COMMENT,
      startSim,
      rebootMs,
      rebootInto: server.bootId,
    });
  }

  /** Starts an install; says whether the 500-but-created fault hits this POST. */
  install(
    server: ServerRecord,
    route: 'reinstall' | 'byoi',
    os: string,
    image: ImageRequest,
  ): { task: TaskRecord; post500: boolean } {
    const index = server.installPosts++;
    const fault = this.faults.imageFault(server.spec.name, server.spec.faults, index);
    const startSim = this.clock.now();
    const jitter = server.jitter * server.spec.installPace * this.faults.installFactor();
    const deployment = planDeployment({ route, os, startSim, jitter, fault, image, spec: server.spec });
    server.deployment = deployment;
    const comment = route === 'reinstall' ? REINSTALL_COMMENT : LEGACY_INSTALL_COMMENT;
    const task = this.newTask(server, { function: TASK_FUNCTION.reinstallServer, comment, startSim, deployment });
    const post500 = route === 'reinstall' && this.faults.post500(server.spec.name, index);
    this.onInstall?.(server.spec.name);
    this.onDeployment?.(server.spec.name, deployment);
    return { task, post500 };
  }

  /** Cancels a task (the caller checked it is still in init/todo). */
  cancel(server: ServerRecord, task: TaskRecord): void {
    const now = this.clock.now();
    task.cancelledAt = now;
    if (task.deployment) task.deployment.stoppedAt = now;
    this.retire(server, task);
  }

  /** Stops a running install without applying its end (legacy DELETE). */
  abortDeployment(server: ServerRecord): void {
    const task = server.active.find((t) => t.deployment);
    if (!task?.deployment) return;
    task.deployment.stoppedAt = this.clock.now();
    this.retire(server, task);
  }

  /** A fresh deterministic token-like value (credentials, query IDs). */
  token(label: string, length: number): string {
    let out = '';
    for (let i = 0; out.length < length; i++) out += hash32(this.seed, label, i).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}
