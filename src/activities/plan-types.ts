/**
 * The plan activity's contract (workflow-safe types): resolving a campaign's server selection into the
 * concrete servers, read-only. Kept apart from types.ts, whose activities touch one server each.
 */
import type { ServerSelection } from '../domain/servers';
import type { ServerTarget } from '../shared/campaign-types';

export interface ResolveServersInput {
  selection: ServerSelection;
  exclude: string[];
  /** When set, servers outside it are refused (blast-radius guard). */
  allowList?: string[];
  /** Read datacenter and rack of every server (needed by maxPerRack / maxPerDatacenter). */
  needPlacement: boolean;
}

export interface ResolvedServers {
  servers: ServerTarget[];
  /** Listed servers the account does not have. */
  unknown: string[];
  /** Servers removed by `exclude`. */
  excluded: string[];
  /** Servers refused because they are not on the allow-list. */
  notAllowed: string[];
  apiCalls: number;
}

export interface PlanActivities {
  resolveServers(input: ResolveServersInput): Promise<ResolvedServers>;
}
