/**
 * A deployment as it runs and ends: OVH's install steps, the progress waitForDeployment heartbeats (and the
 * CLI reads back), and the probe that decides the new OS is up. Domain vocabulary: imports nothing,
 * workflow-safe.
 */

/**
 * How long OVH's installs typically take, on OVH's clock (a measured catalog reinstall took 11 min 05 s): the
 * poll policy's expectation, the plan's estimate and the campaign's ETA until it learns its own.
 */
export const TYPICAL_INSTALL_MS = 11 * 60_000;

export interface DeploymentStep {
  /** 1-based. */
  index: number;
  total: number;
  name: string;
}

/** Heartbeat details of waitForDeployment; a retried attempt resumes its counters from them. */
export interface DeploymentProgress {
  /** OVH's task status (`init`, `todo`, `doing`, ...) or the seed route's status (`doing`). */
  status: string;
  step?: DeploymentStep;
  polls: number;
  apiCalls: number;
  lastPollAt: string;
}

/**
 * How the new OS proves it is up: `ssh` connects to the address OVH reports and must get the SSH server's
 * greeting (`SSH-2.0-...`), `tcp` must only connect, `http` must answer 2xx.
 */
export type BootProbe =
  | { type: 'ssh'; port: number; timeoutMs: number }
  | { type: 'tcp'; host?: string; port: number; timeoutMs: number }
  | { type: 'http'; url: string; timeoutMs: number };

/** A campaign's boot check: a probe, or `none` (only the disk boot is checked: the boot is not verified). */
export type BootProbeSetting = BootProbe | 'none';

/** The SSH port servers answer on. */
export const SSH_PORT = 22;

/** The boot probe of a campaign that names none: the server's SSH port answers with its greeting. */
export const DEFAULT_BOOT_PROBE = { type: 'ssh', port: SSH_PORT, timeoutMs: 10_000 } as const satisfies BootProbe;
