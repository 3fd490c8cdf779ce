/**
 * Which faults hit which install, request or task read: every decision is a hash of the seed and of what it
 * decides for (the fault configuration's grammar is in faults.ts), so a run is reproducible.
 */
import type { CallbackFault, FaultConfig, FaultTarget, ImageFault } from './faults';
import { CALLBACK_FAULTS, IMAGE_FAULTS } from './faults';
import { uniform } from './prng';

/** `name` hits every install of `name`; `name@N` only installs 0..N-1 (a fault that clears on a retry). */
function listedFor(entry: string, server: string, n: number): boolean {
  const at = entry.lastIndexOf('@');
  if (at < 0) return entry === server;
  return entry.slice(0, at) === server && n < Number(entry.slice(at + 1));
}

function hits(seed: string, target: FaultTarget | undefined, what: string, server: string, n: number): boolean {
  if (!target) return false;
  if (target.servers.some((entry) => listedFor(entry, server, n))) return true;
  return target.rate > 0 && uniform(seed, what, server, n) < target.rate;
}

/** Decides, deterministically, which faults hit a given install, request or task read. */
export class FaultPlan {
  /** Reads of each server's GET .../reinstall so far: `probe500=SERVER@N` fails the first N. */
  private readonly probeReads = new Map<string, number>();

  constructor(
    private readonly seed: string,
    public config: FaultConfig,
  ) {}

  /** The image fault of install number `installIndex` on `server` (fleet-file faults first), if any. */
  imageFault(server: string, serverFaults: readonly ImageFault[], installIndex: number): ImageFault | undefined {
    const own = serverFaults[0];
    if (own) return own;
    return IMAGE_FAULTS.find((fault) => hits(this.seed, this.config.image[fault], fault, server, installIndex));
  }

  /** How the callback of install number `installIndex` on `server` misbehaves, if it does. */
  callbackFault(server: string, installIndex: number): CallbackFault | undefined {
    return CALLBACK_FAULTS.find((fault) => hits(this.seed, this.config.callback[fault], fault, server, installIndex));
  }

  /** Whether install POST number `installIndex` answers 500 while still creating the task. */
  post500(server: string, installIndex: number): boolean {
    return hits(this.seed, this.config.post500, 'post500', server, installIndex);
  }

  /** Whether install POST number `installIndex` is refused: another OVH process holds the server. */
  disturbLocked(server: string, installIndex: number): boolean {
    return hits(this.seed, this.config.disturbLocked, 'disturbLocked', server, installIndex);
  }

  /** Whether install POST number `installIndex` is refused: OVH will not install on the disk group. */
  diskGroupRefused(server: string, installIndex: number): boolean {
    return hits(this.seed, this.config.diskGroupRefused, 'diskGroupRefused', server, installIndex);
  }

  /** Whether this read of GET .../reinstall (route auto's probe) on `server` answers 500; counts the read. */
  probe500(server: string): boolean {
    const index = this.probeReads.get(server) ?? 0;
    this.probeReads.set(server, index + 1);
    return hits(this.seed, this.config.probe500, 'probe500', server, index);
  }

  /** Whether the server's service has expired (or is suspended): every call on it answers 460. */
  expired(server: string): boolean {
    return hits(this.seed, this.config.expired, 'expired', server, 0);
  }

  /** What the duration drawn for an install started now is multiplied by (the install_factor fault). */
  installFactor(): number {
    return this.config.installFactor ?? 1;
  }

  /** Whether request number `sequence` is answered 429 by the http429 fault. */
  tooMany(sequence: number): boolean {
    return this.config.tooManyRate > 0 && uniform(this.seed, 'http429', sequence) < this.config.tooManyRate;
  }

  /** Whether request number `sequence` is dropped. */
  drop(sequence: number): boolean {
    return this.config.dropRate > 0 && uniform(this.seed, 'drop', sequence) < this.config.dropRate;
  }

  /** The failure status of read number `readIndex` (0-based) of a task, if any. */
  taskReadFailure(readIndex: number): 404 | 500 | undefined {
    if (readIndex < this.config.taskNotFoundReads) return 404;
    if (readIndex < this.config.taskNotFoundReads + this.config.taskServerErrorReads) return 500;
    return undefined;
  }
}
