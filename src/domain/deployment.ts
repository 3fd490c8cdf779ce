/**
 * A deployment as it runs and ends: OVH's install steps, the progress waitForDeployment heartbeats (and the
 * CLI reads back), and the probe that decides the new OS is up. Domain vocabulary: imports nothing,
 * workflow-safe.
 */

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

export type BootProbe =
  { type: 'tcp'; host?: string; port: number; timeoutMs: number } | { type: 'http'; url: string; timeoutMs: number };
