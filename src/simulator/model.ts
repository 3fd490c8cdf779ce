/**
 * The simulator's mutable records. Time is simulated milliseconds (see clock.ts); what a record shows at
 * a given moment is derived from these fields by timeline.ts, so idle servers cost nothing.
 */
import type { TaskFunction, TaskStatus } from './catalog';
import type { ImageFault } from './faults';
import type { ServerSpec } from './fleet';

/** What the machine is running: its disk, the rescue system, the OVH installer, or nothing (powered off). */
export type Running = 'disk' | 'rescue' | 'installer' | 'off';

/** The image an install deploys, as the request described it. */
export interface ImageRequest {
  url: string | null;
  type: string | null;
  checkSum: string | null;
  checkSumType: string | null;
  efiBootloaderPath: string | null;
  diskGroupId: number;
  /** The config drive's user data (configDriveUserData), when the request had one. */
  userData?: string | null;
}

/** How an install fails: which step, when (ms after the task start), with what messages. */
export interface PlannedFailure {
  stepIndex: number;
  atMs: number;
  message: string;
  /** The message the legacy `GET /bringYourOwnImage` shows (the 2022 guide's wording). */
  legacyMessage: string;
  taskStatus: TaskStatus;
}

/** One OS installation, from POST to its end. */
export interface Deployment {
  route: 'reinstall' | 'byoi';
  os: string;
  startSim: number;
  initMs: number;
  steps: readonly string[];
  stepMs: readonly number[];
  fault: ImageFault | undefined;
  failure: PlannedFailure | undefined;
  image: ImageRequest;
  /** Set when the task was cancelled (in init) or the legacy deployment deleted. */
  stoppedAt?: number;
  enteredInstaller: boolean;
  finished: boolean;
}

export interface TaskRecord {
  taskId: number;
  function: TaskFunction;
  comment: string;
  startSim: number;
  /** Reboot only: how long the reboot takes and which boot the machine comes up on. */
  rebootMs?: number;
  rebootInto?: number;
  deployment?: Deployment;
  cancelledAt?: number;
  /** How many times `GET /task/{id}` was asked (drives the task-read faults). */
  reads: number;
  /** Every effect of the task has been applied to the server. */
  settled: boolean;
}

export interface ServerRecord {
  spec: ServerSpec;
  /** Per-server install duration factor (0.8..1.2), from the seed. */
  jitter: number;
  bootId: number;
  running: Running;
  runningSince: number;
  os: string;
  state: 'ok' | 'error' | 'hacked' | 'hackedBlocked';
  efiBootloaderPath: string | null;
  monitoring: boolean;
  noIntervention: boolean;
  bootScript: string | null;
  rescueMail: string | null;
  rescueSshKey: string | null;
  rootDevice: string | null;
  imageDeployed: boolean;
  /** The last deployment succeeded but its OS does not boot (efi_boot_fail). */
  bootBroken: boolean;
  imageUrl: string | null;
  installPosts: number;
  tasks: TaskRecord[];
  /** Tasks whose effects are still to be applied. */
  active: TaskRecord[];
  deployment?: Deployment;
  /** State of the legacy BYOI route: absent when never deployed or deleted. */
  byoi?: { checksum: string | null; deployment: Deployment };
}
