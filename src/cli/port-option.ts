import { UsageError } from './errors';

/** A `--port`-like option: a whole number from `lowest` (0 asks the system for a free port) to 65535. */
export function portOption(flag: string, value: string, lowest: 0 | 1): number {
  if (!/^\d+$/.test(value) || Number(value) < lowest || Number(value) > 65_535) {
    throw new UsageError(`${flag} must be a port number from ${lowest} to 65535 (got "${value}").`);
  }
  return Number(value);
}
