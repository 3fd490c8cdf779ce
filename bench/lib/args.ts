/** Command-line flags shared by the benchmarks (`--quick`, `--servers N`) and their one-line JSON output. */
import os from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  servers: number;
  /** `--accounts N`, for the benchmarks that take it (`accepts.accounts`); 1 otherwise. */
  accounts: number;
  /** `--callbacks`, for the benchmarks that take it (`accepts.callbacks`): the servers call back. */
  callbacks: boolean;
}

/** One size of a benchmark: its servers and, for those on simulated time, its simulator speed. */
interface BenchSize {
  servers: number;
  /** Simulated seconds per real second; a benchmark that sets it takes `--speed N`. */
  speed?: number;
}

/**
 * Parses `--quick` and `--servers N` (and `--accounts N` when `accepts.accounts`, `--callbacks` when
 * `accepts.callbacks`, `--speed N` when the sizes
 * give a speed); sizes and speeds come from `sizes.quick` or `sizes.full`.
 */
export function benchArgs<Size extends BenchSize>(
  sizes: { quick: Size; full: Size },
  accepts: { accounts?: boolean; callbacks?: boolean } = {},
): BenchArgs & Pick<Size, 'speed'> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      servers: { type: 'string' },
      ...(accepts.accounts ? { accounts: { type: 'string' as const } } : {}),
      ...(accepts.callbacks ? { callbacks: { type: 'boolean' as const } } : {}),
      ...(sizes.full.speed !== undefined ? { speed: { type: 'string' as const } } : {}),
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const size = quick ? sizes.quick : sizes.full;
  const servers = values.servers ? Number(values.servers) : size.servers;
  if (!Number.isInteger(servers) || servers < 1) throw new Error(`--servers must be a whole number (got "${values.servers}").`);
  const raw = (values as { accounts?: string }).accounts;
  const accounts = raw === undefined ? 1 : Number(raw);
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`--accounts must be a whole number (got "${raw}").`);
  const rawSpeed = (values as { speed?: string }).speed;
  const speed = rawSpeed === undefined ? size.speed : Number(rawSpeed);
  if (speed !== undefined && !(speed >= 1)) throw new Error(`--speed must be a number of 1 or more (got "${rawSpeed}").`);
  const callbacks = (values as { callbacks?: boolean }).callbacks ?? false;
  return { quick, servers, accounts, speed, callbacks } as BenchArgs & Pick<Size, 'speed'>;
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
