/**
 * The campaign's waves: the one admitting now (its size, admissions, failures, bake and the notifications
 * raised for it) and when each wave admitted its first server. Deterministic; carried across continue-as-new.
 */
import type { CarriedState } from '../shared/campaign-report-types';

/**
 * Waves whose start time is kept: enough for any ramp a person reads on a timeline, and a bound on the carried
 * state when the last wave size repeats over a large fleet (waves of 1 over 10,000 servers).
 */
export const MAX_RECORDED_WAVES = 100;

type Wave = CarriedState['wave'];

/** The current wave and the recorded wave starts; they change only through the methods below. */
export class CampaignWaves {
  #current: Wave;
  readonly #starts: number[];

  constructor(carried?: Pick<CarriedState, 'wave' | 'waveStarts'>) {
    this.#current = carried?.wave ?? { index: 0, admitted: 0, failures: 0 };
    this.#starts = [...(carried?.waveStarts ?? [])];
  }

  /** The current wave, read-only. */
  get current(): Readonly<Wave> {
    return this.#current;
  }

  /** When each wave admitted its first server, epoch ms, wave 1 first. */
  get starts(): readonly number[] {
    return this.#starts;
  }

  /** A server joins the current wave; returns the wave's index. */
  admitOne(): number {
    if (this.#current.index === this.#starts.length && this.#current.index < MAX_RECORDED_WAVES) {
      this.#starts.push(Date.now());
    }
    this.#current.admitted += 1;
    return this.#current.index;
  }

  /** A server of wave `index` counted against the failure budget. */
  recordFailure(index: number | undefined): void {
    if (index === this.#current.index) this.#current.failures += 1;
  }

  /** The current wave's bake ends at the returned time; the first call starts it. */
  startBake(bakeTimeMs: number): number {
    this.#current.bakeUntilMs ??= Date.now() + bakeTimeMs;
    return this.#current.bakeUntilMs;
  }

  /** Marks notification `bit` raised for the current wave; false when it already was. */
  markRaised(bit: number): boolean {
    if (((this.#current.sent ?? 0) & bit) !== 0) return false;
    this.#current.sent = (this.#current.sent ?? 0) | bit;
    return true;
  }

  openNext(): void {
    this.#current = { index: this.#current.index + 1, admitted: 0, failures: 0 };
  }
}
