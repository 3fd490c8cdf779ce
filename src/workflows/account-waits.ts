/**
 * The campaign's side of an unreachable OVH account (account-outage.ts is the server's): which running
 * servers wait for their account, since when, and which accounts no server may start on meanwhile.
 * Deterministic; carried across continue-as-new.
 */
import type { AccountOutage, CarriedState } from '../shared/campaign-report-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import type { ServerSlot } from './rollout-state';

/** Running servers waiting for their unreachable OVH account: server index -> unreachable since (epoch ms). */
export class AccountWaits {
  readonly #since: Map<number, number>;

  constructor(
    private readonly slots: readonly ServerSlot[],
    carried?: CarriedState['waiting'],
  ) {
    this.#since = new Map(carried ?? []);
  }

  get count(): number {
    return this.#since.size;
  }

  /** Since when server `index` waits for its account; undefined when it does not. */
  since(index: number): number | undefined {
    return this.#since.get(index);
  }

  /** Server `index` waits since `sinceMs`, or (undefined) no longer waits. */
  set(index: number, sinceMs: number | undefined): void {
    if (sinceMs !== undefined) this.#since.set(index, sinceMs);
    else this.#since.delete(index);
  }

  /** The accounts some servers wait for, in the order they became unreachable. */
  unreachableAccounts(): AccountOutage[] {
    const byAccount = new Map<string, AccountOutage>();
    for (const [index, sinceMs] of this.#since) {
      const account = this.slots[index]?.target.account ?? DEFAULT_ACCOUNT;
      const outage = byAccount.get(account) ?? { account, sinceMs, waiting: 0 };
      byAccount.set(account, { account, sinceMs: Math.min(outage.sinceMs, sinceMs), waiting: outage.waiting + 1 });
    }
    return [...byAccount.values()].sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** Servers of an account some servers wait for do not start: they would only wait too. */
  admissible(): (slot: ServerSlot) => boolean {
    if (this.#since.size === 0) return () => true;
    const down = new Set(this.unreachableAccounts().map((outage) => outage.account));
    return (slot) => !down.has(slot.target.account ?? DEFAULT_ACCOUNT);
  }

  encode(): Pick<CarriedState, 'waiting'> {
    return this.#since.size > 0 ? { waiting: [...this.#since] } : {};
  }
}
