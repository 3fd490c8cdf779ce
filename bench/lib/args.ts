/** Command-line flags shared by the benchmarks (`--quick`, `--servers N`) and their one-line JSON output. */
import os from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  servers: number;
}

/** Parses `--quick` and `--servers N`; sizes come from `sizes.quick` or `sizes.full`. */
export function benchArgs(sizes: { quick: { servers: number }; full: { servers: number } }): BenchArgs {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, servers: { type: 'string' } },
    strict: true,
  });
  const quick = values.quick ?? false;
  const servers = values.servers ? Number(values.servers) : (quick ? sizes.quick : sizes.full).servers;
  if (!Number.isInteger(servers) || servers < 1) throw new Error(`--servers must be a whole number (got "${values.servers}").`);
  return { quick, servers };
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
