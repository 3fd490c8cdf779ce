/**
 * What `reimage simulator --env` prints and `--write-env PATH` writes: the shell `export` lines a worker and
 * the CLI need to rehearse against this simulator, and where its rehearsal image is. The credentials are the
 * simulator's own, valid nowhere else; the ports change at each start.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Simulator } from './index';

interface RateLimit {
  requests: number;
  perMs: number;
}
import { REHEARSAL_IMAGE_PATH, rehearsalImage } from './rehearsal-image';

/** `value` in single quotes, safe for any shell that `source`s or `eval`s it. */
function shellQuoted(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** A simulator's `--rate-limit` as OVH_RATE_LIMIT writes it: per minute when whole, else per hour. */
function workerRateLimit({ requests, perMs }: RateLimit): string {
  const perMinute = (requests * 60_000) / perMs;
  return Number.isInteger(perMinute) ? `${perMinute}/min` : `${Math.floor(perMinute * 60)}/h`;
}

/**
 * The export lines, with a comment above each group saying what it is for. With the simulator's `rateLimit`,
 * the worker's budget (OVH_RATE_LIMIT, which the CLI's plan estimate reads too) is the same.
 */
export function rehearsalEnv(
  sim: Pick<Simulator, 'url' | 'port' | 'caCertPath' | 'credentials' | 'sshPort' | 'speed'>,
  rateLimit?: RateLimit,
): string {
  const origin = new URL(sim.url).origin;
  const exports = (values: Record<string, string | number>) =>
    Object.entries(values).map(([name, value]) => `export ${name}=${shellQuoted(value)}`);
  return [
    `# reimage simulator on port ${sim.port}: its own credentials, valid nowhere else; its ports change at each start.`,
    ...exports({
      OVH_ENDPOINT: sim.url,
      OVH_APPLICATION_KEY: sim.credentials.appKey,
      OVH_APPLICATION_SECRET: sim.credentials.appSecret,
      OVH_CONSUMER_KEY: sim.credentials.consumerKey,
      OVH_CA_FILE: sim.caCertPath,
    }),
    "# The worker trusts the simulator's CA for the rehearsal image too, probes boots on the servers' SSH port",
    "# and waits on the simulator's clock. If you pin image hosts (REIMAGE_IMAGE_HOSTS), add localhost.",
    ...exports({
      NODE_EXTRA_CA_CERTS: sim.caCertPath,
      REIMAGE_SIMULATOR_SSH_PORT: sim.sshPort,
      REIMAGE_SIMULATOR_SPEED: sim.speed,
      ...(rateLimit ? { OVH_RATE_LIMIT: workerRateLimit(rateLimit) } : {}),
    }),
    '# For the campaign file: the rehearsal image the simulator serves (a raw GPT disk) and its checksum.',
    ...exports({
      REHEARSAL_IMAGE_URL: `${origin}${REHEARSAL_IMAGE_PATH}`,
      REHEARSAL_IMAGE_SHA256: rehearsalImage().sha256,
    }),
    '',
  ].join('\n');
}

/**
 * Writes `text` to `file` whole (a shell that waits for the file never reads half of it), readable by its
 * owner only; returns a function that removes it (a closed simulator's environment points nowhere).
 */
export function writeEnvFile(file: string, text: string): () => void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode: 0o600 });
  renameSync(partial, file);
  return () => rmSync(file, { force: true });
}
