/**
 * One interface for both deployment routes: `reinstall` (current) and `bringYourOwnImage` (the retired seed
 * route). Activities pick a route by name and never branch on it themselves.
 */
import type { ConfigDriveSpec } from '../../domain/config-drive';
import type { DeploymentStep } from '../../domain/deployment';
import type { ImageFormat, ImageSpec } from '../../domain/image';
import type { DeployRoute } from '../../domain/routes';
import type { OvhTask } from '../schemas';

/** What a route sends to OVH, with secrets already resolved from `${VAR}` references: the campaign's image
 * with a format OVH writes (never `ova`) and without the size cap, which only qualifyImage uses. */
export interface DeployRequest {
  serviceName: string;
  image: Omit<ImageSpec, 'type' | 'sizeCapBytes'> & { type: ImageFormat };
  configDrive?: ConfigDriveSpec;
  diskGroupId?: number;
}

/** A deployment as a route tracks it. */
export interface RouteHandle {
  serviceName: string;
  taskId?: number;
}

export type RouteState = 'pending' | 'running' | 'done' | 'error';

export interface RouteStatus {
  state: RouteState;
  /** OVH's raw status (task status or BYOI status), for progress reports. */
  rawStatus: string;
  step?: DeploymentStep;
  /** OVH's failure text: the failing step's error, else the task comment or BYOI message. */
  message?: string;
  /** OVH's `doneDate` of a finished task (OVH clock), when the route knows it. */
  finishedAt?: string;
}

/** Waiting helpers the activity provides (cancellation-aware sleep and heartbeats). */
export interface Waiter {
  sleep(ms: number): Promise<void>;
  /** Records progress; without an argument, the activity's own details (e.g. the rollback checkpoint). */
  heartbeat(details?: unknown): void;
  now(): number;
}

export interface RollbackOptions {
  /** Epoch ms after which the rollback gives up with RollbackFailed. */
  deadlineMs: number;
  pollMs: number;
  /** The activity attempt (1 first): only a retry looks for a reboot an earlier attempt started. */
  attempt: number;
  /** Heartbeated by the activity (the waiter's details); restored from the last heartbeat on a retry. */
  checkpoint: RescueCheckpoint;
  waiter: Waiter;
  /** The rescue boot ID when the caller knows it (preflight read it); else it is looked up. */
  rescueBootId?: number;
}

/** What a rollback remembers across attempts. */
export interface RescueCheckpoint {
  /** The hardReboot task this rollback started. */
  rebootTaskId?: number;
}

export interface RollbackOutcome {
  rescueBootId: number;
  rebootTaskId?: number;
  cancelledTaskId?: number;
}

export interface DeploymentRoute {
  readonly name: DeployRoute;
  /** Sends the install request; returns the task when OVH answers with one (reinstall does, BYOI does not). */
  start(request: DeployRequest): Promise<OvhTask | undefined>;
  /**
   * The deployment's state from one read; install/status (the step) is read too only when the deployment
   * failed (to name the failing step) or when `withStep` asks for the running step.
   */
  status(handle: RouteHandle, options?: { withStep?: boolean }): Promise<RouteStatus>;
  /** Stops what can be stopped, then brings the server up in rescue and verifies it. */
  rollback(handle: RouteHandle, options: RollbackOptions): Promise<RollbackOutcome>;
}

/** The failure a rollback reports when it cannot reach rescue; activities turn it into RollbackFailed. */
export class RescueUnreachableError extends Error {
  override name = 'RescueUnreachableError';
}
