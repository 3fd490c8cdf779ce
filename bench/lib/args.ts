/** Command-line flags shared by the benchmarks (`--quick`, `--servers N`) and their one-line JSON output. */
import os from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  servers: number;
  /** `--accounts N`, for the benchmarks that take it (`accepts.accounts`); 1 otherwise. */
  accounts: number;
  /** `--speed N` (simulated seconds per real second), for the benchmarks that take it (`accepts.speed`). */
  speed?: number;
}

/**
 * Parses `--quick` and `--servers N` (and `--accounts N`, `--speed N` when accepted); sizes come from
 * `sizes.quick` or `sizes.full`.
 */
export function benchArgs(
  sizes: { quick: { servers: number }; full: { servers: number } },
  accepts: { accounts?: boolean; speed?: boolean } = {},
): BenchArgs {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      servers: { type: 'string' },
      ...(accepts.accounts ? { accounts: { type: 'string' as const } } : {}),
      ...(accepts.speed ? { speed: { type: 'string' as const } } : {}),
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const servers = values.servers ? Number(values.servers) : (quick ? sizes.quick : sizes.full).servers;
  if (!Number.isInteger(servers) || servers < 1) throw new Error(`--servers must be a whole number (got "${values.servers}").`);
  const raw = (values as { accounts?: string }).accounts;
  const accounts = raw === undefined ? 1 : Number(raw);
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`--accounts must be a whole number (got "${raw}").`);
  const rawSpeed = (values as { speed?: string }).speed;
  const speed = rawSpeed === undefined ? undefined : Number(rawSpeed);
  if (speed !== undefined && !(speed >= 1)) throw new Error(`--speed must be a number of 1 or more (got "${rawSpeed}").`);
  return { quick, servers, accounts, ...(speed !== undefined ? { speed } : {}) };
}

/** Prints the benchmark's single JSON line on stdout: figures, which targets are met, and the machine. */
export function printResult(
  bench: string,
  args: BenchArgs,
  figures: Record<string, unknown>,
  met: Record<string, boolean>,
): void {
  const machine = { cores: os.cpus().length, node: process.version, date: new Date().toISOString().slice(0, 10) };
  process.stdout.write(`${JSON.stringify({ bench, quick: args.quick, ...figures, met, machine })}\n`);
}
