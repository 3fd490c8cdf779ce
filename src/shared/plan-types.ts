/**
 * Input and result of planCampaignWorkflow, the read-only dry run behind `reimage plan` and `reimage start`:
 * shared by the workflow, the resolveServers activity and the CLI. Workflow-safe: plain serializable data.
 */
import type { ImageQualification } from '../domain/image';
import type { PreflightFailure } from '../domain/preflight';
import type { ServerSelection } from '../domain/servers';
import type { CampaignSettings, ServerTarget } from './campaign-types';

/** Which servers to resolve: the input of the resolveServers activity, and the core of a plan's input. */
export interface ResolveServersInput {
  selection: ServerSelection;
  exclude: string[];
  /** When set, servers outside it are refused (blast-radius guard). */
  allowList?: string[];
  /** Read datacenter and rack of every server (needed by maxPerRack / maxPerDatacenter). */
  needPlacement: boolean;
}

export interface PlanInput extends ResolveServersInput {
  campaignId: string;
  settings: CampaignSettings;
  /** Also qualify the image and preflight every server (what `reimage plan` does); false: resolve only. */
  preflight: boolean;
}

export interface CampaignPlan {
  campaignId: string;
  /** Servers a campaign would reimage (preflight passed, or not run). */
  servers: ServerTarget[];
  /** Servers a campaign would skip, with every failed check. */
  skipped: { serviceName: string; failedChecks: PreflightFailure[] }[];
  unknown: string[];
  excluded: string[];
  notAllowed: string[];
  waves: number[];
  image?: ImageQualification;
  /** Read-only OVH calls this plan cost. */
  apiCalls: number;
}
