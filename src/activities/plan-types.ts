/**
 * The plan activity's contract (workflow-safe types): resolving a campaign's server selection into the
 * concrete servers, read-only. Kept apart from types.ts, whose activities touch one server each. Its input
 * lives in src/shared/plan-types.ts, because the plan workflow's input extends it.
 */
import type { ServerTarget } from '../shared/campaign-types';
import type { CheckedRights } from '../shared/credential-rights';
import type { CheckCredentialRightsInput, ListAccountsInput, ResolveServersInput } from '../shared/plan-types';

export interface ResolvedServers {
  servers: ServerTarget[];
  /** Listed servers the account does not have. */
  unknown: string[];
  /** For an unknown server, the account's server whose name is closest (a likely typo); absent: none close. */
  suggestions?: Record<string, string>;
  /** Servers removed by `exclude`. */
  excluded: string[];
  /** Servers refused because they are not on the allow-list. */
  notAllowed: string[];
  apiCalls: number;
}

export interface PlanActivities {
  resolveServers(input: ResolveServersInput): Promise<ResolvedServers>;
  /**
   * The OVH accounts the worker knows (all of them, or `restrict` once checked), in its file's order, and the
   * speed of the simulator's clock it follows when it rehearses (REIMAGE_SIMULATOR_SPEED).
   */
  listAccounts(input: ListAccountsInput): Promise<{ accounts: string[]; ovhClockSpeed?: number }>;
  /** Which calls a campaign needs the account's credential may not make (its worker's client). */
  checkCredentialRights(input: CheckCredentialRightsInput): Promise<CheckedRights>;
}
