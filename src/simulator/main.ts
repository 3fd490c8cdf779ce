/**
 * `reimage simulator`: starts the OVH API simulator, prints exactly one JSON line on stdout (URL,
 * CA path, credentials, servers), logs requests on stderr, and runs until SIGINT or SIGTERM.
 *
 * ```
 * reimage simulator [--port 0] [--host 127.0.0.1] [--servers 50] [--seed 1] [--speed 60] [--fleet FILE]
 *                   [--faults SPEC] [--legacy-byoi] [--read-only-key] [--rate-limit 60/min] [--ca-dir DIR]
 *                   [--max-skew 300] [--clock-offset 0] [--quiet] [--env] [--write-env FILE]
 * ```
 * Runnable directly: `npx tsx src/simulator/main.ts --servers 5`.
 */
import { parseArgs } from 'node:util';
import type { Credentials } from './auth';
import { createSimulator, type Simulator } from './index';
import { SimulatorOptionsError, type SimulatorOptions } from './options';
import { rehearsalEnv, writeEnvFile } from './rehearsal-env';

const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `60/min`, `5/s`, `100/250ms` into a rate limit. */
export function parseSimulatorRateLimit(text: string): { requests: number; perMs: number } {
  const match = /^(\d+)\/(\d*)(ms|s|sec|m|min|h|hour)$/.exec(text.trim());
  if (!match || Number(match[1]) < 1) {
    throw new SimulatorOptionsError(
      `--rate-limit "${text}" must look like 60/min, 5/s or 100/250ms (requests per period).`,
    );
  }
  const count = match[2] ? Number(match[2]) : 1;
  return { requests: Number(match[1]), perMs: count * (UNITS_MS[match[3] as string] as number) };
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new SimulatorOptionsError(`--${flag} must be a whole number (got "${value}").`);
  return Number(value);
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SimulatorOptionsError(`--${flag} must be a number (got "${value}").`);
  return n;
}

/** How the simulator tells its clients where it is, besides its options. */
interface OutputOptions {
  quiet: boolean;
  /** Print the rehearsal environment (rehearsal-env.ts) on stdout instead of the JSON line. */
  env?: boolean;
  /**
   * Write the rehearsal environment to this file once listening (removed on close). Not `--env-file`: Node 20
   * takes that option for itself wherever it appears on the command line.
   */
  envFile?: string;
}

/** Command-line arguments into simulator options. */
export function parseSimulatorArgs(argv: string[]): SimulatorOptions & OutputOptions {
  const args = argv[0] === 'simulator' ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      servers: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      fleet: { type: 'string' },
      faults: { type: 'string' },
      'legacy-byoi': { type: 'boolean' },
      'read-only-key': { type: 'boolean' },
      'rate-limit': { type: 'string' },
      'ca-dir': { type: 'string' },
      'max-skew': { type: 'string' },
      'clock-offset': { type: 'string' },
      quiet: { type: 'boolean' },
      env: { type: 'boolean' },
      'write-env': { type: 'string' },
    },
  });
  const options: SimulatorOptions & OutputOptions = {
    port: integer('port', values.port),
    host: values.host,
    servers: integer('servers', values.servers),
    seed: values.seed,
    speed: number('speed', values.speed),
    fleet: values.fleet,
    faults: values.faults,
    legacyByoi: values['legacy-byoi'] ? true : undefined,
    readOnlyKey: values['read-only-key'] ? true : undefined,
    rateLimit: values['rate-limit'] === undefined ? undefined : parseSimulatorRateLimit(values['rate-limit']),
    caDir: values['ca-dir'],
    maxSkewSeconds: integer('max-skew', values['max-skew']),
    clockOffsetSeconds: integer('clock-offset', values['clock-offset']),
    quiet: values.quiet ?? false,
    env: values.env ? true : undefined,
    envFile: values['write-env'],
  };
  for (const key of Object.keys(options) as Array<keyof typeof options>)
    if (options[key] === undefined) delete options[key];
  return options;
}

/** What the one stdout line holds: everything a client needs to connect. */
export type ConnectionLine = Pick<
  Simulator,
  'url' | 'host' | 'port' | 'basePath' | 'caCertPath' | 'sshPort' | 'servers'
> &
  Credentials;

/** The one stdout line. */
function connectionLine(sim: Simulator): string {
  const { url, host, port, basePath, caCertPath, sshPort, credentials, servers } = sim;
  const line: ConnectionLine = { url, host, port, basePath, caCertPath, sshPort, ...credentials, servers };
  return JSON.stringify(line);
}

/** Runs the simulator until SIGINT/SIGTERM; resolves once it is closed. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  const { quiet, env, envFile, ...options } = parseSimulatorArgs(argv);
  const log = (line: string) => process.stderr.write(`[simulator] ${line}\n`);
  const sim = await createSimulator({ ...options, log: quiet ? undefined : log });
  // The environment replaces the JSON line; a file of it makes the line redundant.
  if (env) process.stdout.write(rehearsalEnv(sim, options.rateLimit));
  else if (envFile === undefined) process.stdout.write(`${connectionLine(sim)}\n`);
  const removeEnvFile = envFile !== undefined ? writeEnvFile(envFile, rehearsalEnv(sim, options.rateLimit)) : undefined;
  log(`listening on ${sim.url} with ${sim.servers.length} servers; trust ${sim.caCertPath} (NODE_EXTRA_CA_CERTS)`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal} received, closing`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  removeEnvFile?.();
  await sim.close();
}

if (require.main === module) {
  runSimulatorCli(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  });
}
