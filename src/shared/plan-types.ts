/**
 * Input and result of planCampaignWorkflow, the read-only dry run behind `reimage plan` and `reimage start`:
 * shared by the workflow, the resolveServers activity and the CLI. Workflow-safe: plain serializable data.
 */
import type { ImageQualification } from '../domain/image';
import type { DeployRoute } from '../domain/routes';
import type { PreflightFailure } from '../domain/preflight';
import type { ServerSelection } from '../domain/servers';
import type { CampaignSettings, ServerTarget } from './campaign-types';
import type { CredentialRights } from './credential-rights';

/** Which servers to resolve: the input of the resolveServers activity, and the core of a plan's input. */
export interface ResolveServersInput {
  selection: ServerSelection;
  exclude: string[];
  /** When set, servers outside it are refused (blast-radius guard). */
  allowList?: string[];
  /**
   * Read each server's detail: datacenter and rack (needed by maxPerRack / maxPerDatacenter) and its
   * commercial range (needed to sample per hardware model).
   */
  needPlacement: boolean;
  /** The OVH account whose servers to resolve (the activity runs on its task queue); tags each server. */
  account?: string;
}

export interface PlanInput extends ResolveServersInput {
  campaignId: string;
  settings: CampaignSettings;
  /** Also qualify the image and preflight every server (what `reimage plan` does); false: resolve only. */
  preflight: boolean;
  /** Preflight only this many servers per commercial range (`reimage plan --sample N`); needs needPlacement. */
  samplePerRange?: number;
  /** The campaign's `accounts:`: only these OVH accounts of the worker are searched; absent, all of them. */
  accounts?: string[];
}

/** Where a plan stands (the planProgress query): `reimage plan` draws its progress bar from it. */
export interface PlanProgress {
  phase: 'resolving' | 'qualifying' | 'preflight' | 'done';
  /** Servers to preflight, and preflighted so far. */
  total: number;
  done: number;
  apiCalls: number;
}

/** A commercial range of a sampled plan: its servers, and how many were preflighted. */
export interface SampledRange {
  commercialRange: string;
  servers: number;
  preflighted: number;
}

/** Input of the checkCredentialRights activity (run on the account's task queue). */
export interface CheckCredentialRightsInput {
  /** The routes the campaign may deploy with. */
  routes: DeployRoute[];
  /** A server of the account, to match the rules against; a sample name when the account has none. */
  serviceName?: string;
}

/** Input of the listAccounts activity. */
export interface ListAccountsInput {
  /** The accounts a campaign restricts itself to; each must be one the worker knows. */
  restrict?: string[];
}

/** A server name found in more than one OVH account: the campaign cannot tell which one is meant. */
export interface AmbiguousServer {
  serviceName: string;
  accounts: string[];
}

export interface CampaignPlan {
  campaignId: string;
  /** Servers a campaign would reimage (preflight passed, or not run). */
  servers: ServerTarget[];
  /** Servers a campaign would skip, with every failed check. */
  skipped: { serviceName: string; failedChecks: PreflightFailure[] }[];
  unknown: string[];
  /** For an unknown server, a server of the worker's accounts whose name is close (a likely typo). */
  suggestions?: Record<string, string>;
  /** Servers found in several OVH accounts: a campaign naming them does not start. */
  ambiguous?: AmbiguousServer[];
  excluded: string[];
  notAllowed: string[];
  waves: number[];
  image?: ImageQualification;
  /** Read-only OVH calls this plan cost. */
  apiCalls: number;
  /** With samplePerRange: per commercial range, what was preflighted (the others are kept unchecked). */
  sampled?: SampledRange[];
  /** Every hook and notification target, checked (absent when the campaign has none). */
  hooks?: HookTargetCheck[];
  /** With route `auto`: what the probes decided, why, and for how many servers (plans with preflight). */
  routeDecisions?: { route: DeployRoute; reason: string; servers: number }[];
  /** Per OVH account, the calls its credential may not make (plans with preflight only). */
  rights?: CredentialRights[];
  /** The worker rehearses against a simulator whose clock runs this many times faster than real time. */
  ovhClockSpeed?: number;
}

/** What the plan found about one hook or notification target (a webhook, or a hook workflow's task queue). */
export interface HookTargetCheck {
  /** Spec path, e.g. "hooks.beforeWipe.webhook.url". */
  path: string;
  /** The URL without query string, or "<workflow type> on task queue <name>". */
  target: string;
  /** False when the webhook's host is not on the worker's REIMAGE_HOOK_HOSTS. */
  allowed: boolean;
  /** Whether a ping got a 2xx answer, or a worker polls the hook's task queue (plan only). */
  answers?: boolean;
  /** The refusal, the ping's answer, or its failure. */
  message: string;
}
