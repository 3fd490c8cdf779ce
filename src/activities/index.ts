/**
 * createActivities(deps): the activities the worker registers. Each validates its input with zod, makes its
 * OVH calls through a counting session of the shared client, and reports `apiCalls` in its result.
 * The contract (inputs, results, failure types) is in ./types.ts.
 */
import { z } from 'zod';
import { detectDeployRoute } from '../ovh/routes';
import { keepAlive, ovhSession, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { checkHookTargetsInputSchema, notificationInputSchema, webhookHookInputSchema } from './hook-input-schemas';
import {
  checkCredentialRightsInputSchema,
  detectRouteInputSchema,
  parseInput,
  preflightInputSchema,
  qualifyImageInputSchema,
  rollbackInputSchema,
  startDeploymentInputSchema,
  verifyBootInputSchema,
  waitForDeploymentInputSchema,
} from './input-schemas';
import type { ListAccountsInput, ResolveServersInput } from '../shared/plan-types';
import { listAccounts } from './accounts';
import { checkCredentialRights } from './credential-rights';
import type { PlanActivities } from './types';
import { callWebhookHook, checkHookTargets, deliverNotification, type HookDeps } from './hooks';
import { runPreflight } from './preflight';
import { StableFactsCache } from './stable-facts';
import { qualifyImage, type ImageDeps } from './qualify-image';
import { resolveServers } from './resolve-servers';
import { rollbackToRescue } from './rollback';
import { startDeployment } from './start-deployment';
import type { CheckEnvReferencesInput, HookActivities, ReimageActivities } from './types';
import { verifyBoot } from './verify-boot';
import { checkEnvReferences } from './env-check';
import { campaignVariables } from './secrets';
import { readDeployment, waitForDeployment } from './wait-for-deployment';

export type { ActivityDeps } from './deps';
export { followSimulator } from './deps';
export type * from './types';

/** Input of resolveServers (shared/plan-types.ts), checked on entry like every other activity input. */
const resolveServersInputSchema: z.ZodType<ResolveServersInput> = z.object({
  selection: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('list'), serviceNames: z.array(z.string().min(1)) }),
    z.object({
      kind: z.literal('selector'),
      selector: z.object({
        datacenters: z.array(z.string()).optional(),
        namePattern: z.string().optional(),
        iamTags: z.record(z.string()).optional(),
      }),
    }),
  ]),
  exclude: z.array(z.string()),
  allowList: z.array(z.string()).optional(),
  needPlacement: z.boolean(),
  account: z.string().optional(),
});

/** The fields checkEnvReferences reads; the rest of the campaign's settings passes through unchecked. */
const checkEnvReferencesInputSchema: z.ZodType<CheckEnvReferencesInput> = z.object({
  image: z.object({ httpHeaders: z.record(z.string()).optional() }).passthrough(),
  configDrive: z
    .object({
      hostname: z.string().optional(),
      sshKey: z.string().optional(),
      userData: z.string().optional(),
      metadata: z.record(z.string()).optional(),
    })
    .passthrough()
    .optional(),
  hooks: z.record(z.object({ kind: z.string(), secret: z.string().optional() }).passthrough()).optional(),
  notify: z
    .array(z.object({ webhook: z.object({ secret: z.string().optional() }).passthrough() }).passthrough())
    .optional(),
  completion: z.object({ callback: z.string(), tries: z.number() }).optional(),
});

const listAccountsInputSchema: z.ZodType<ListAccountsInput> = z.object({
  restrict: z.array(z.string()).optional(),
});

/**
 * The activities, bound to the worker's OVH client and environment. They share one stable-facts cache
 * (`deps.stableFacts`, else a new one): what the plan's preflights read serves the campaign's.
 */
export function createActivities(
  workerDeps: ActivityDeps,
): ReimageActivities & HookActivities & Omit<PlanActivities, 'listAccounts'> {
  const clock = workerDeps.clock ?? Date.now;
  const facts = workerDeps.stableFacts ?? new StableFactsCache({ clock });
  const deps: ActivityDeps = { ...workerDeps, stableFacts: facts };
  return {
    async resolveServers(raw) {
      const input = parseInput(resolveServersInputSchema, raw, 'resolveServers');
      const api = ovhSession(deps);
      return withFailureMapping(() => resolveServers(api, input, deps.allowedServers));
    },
    async checkCredentialRights(raw) {
      const input = parseInput(checkCredentialRightsInputSchema, raw, 'checkCredentialRights');
      return withFailureMapping(() => checkCredentialRights(deps.ovh, input));
    },
    async detectRoute(raw) {
      const input = parseInput(detectRouteInputSchema, raw, 'detectRoute');
      // Admission reads wait behind servers already under way when the rate budget is short.
      const api = ovhSession(deps, 'low');
      const decision = await withFailureMapping(() => detectDeployRoute(api, input.serviceName));
      return { ...decision, apiCalls: api.calls };
    },
    async preflightServer(raw) {
      const input = parseInput(preflightInputSchema, raw, 'preflightServer');
      const api = ovhSession(deps, 'low');
      return withFailureMapping(() => runPreflight(api, input, clock(), facts, deps.ovh.endpoint));
    },
    async qualifyImage(raw) {
      return keepAlive(() => qualifyImage(parseInput(qualifyImageInputSchema, raw, 'qualifyImage'), deps));
    },
    async startDeployment(raw) {
      return keepAlive(() => startDeployment(parseInput(startDeploymentInputSchema, raw, 'startDeployment'), deps));
    },
    async waitForDeployment(raw) {
      return keepAlive(() =>
        waitForDeployment(parseInput(waitForDeploymentInputSchema, raw, 'waitForDeployment'), deps),
      );
    },
    async readDeployment(raw) {
      const input = parseInput(waitForDeploymentInputSchema, raw, 'readDeployment');
      return withFailureMapping(() => readDeployment(input, deps));
    },
    async verifyBoot(raw) {
      return keepAlive(() => verifyBoot(parseInput(verifyBootInputSchema, raw, 'verifyBoot'), deps));
    },
    async rollbackToRescue(raw) {
      return keepAlive(() => rollbackToRescue(parseInput(rollbackInputSchema, raw, 'rollbackToRescue'), deps));
    },
    // Hooks call the team's own services: their deadlines (set on Temporal's clock) and retries run on real
    // time, whatever clock the OVH activities follow.
    ...hookActivities({ ...deps, clock: undefined, sleep: undefined }),
  };
}

/** The hook and notification activities: they call webhooks only, never OVH, so every task queue runs them. */
function hookActivities(deps: HookDeps): HookActivities {
  return {
    async callWebhookHook(raw) {
      return keepAlive(() => callWebhookHook(parseInput(webhookHookInputSchema, raw, 'callWebhookHook'), deps));
    },
    async deliverNotification(raw) {
      return keepAlive(() =>
        deliverNotification(parseInput(notificationInputSchema, raw, 'deliverNotification'), deps),
      );
    },
    async checkHookTargets(raw) {
      return keepAlive(() => checkHookTargets(parseInput(checkHookTargetsInputSchema, raw, 'checkHookTargets'), deps));
    },
    async checkEnvReferences(raw) {
      const input = parseInput(checkEnvReferencesInputSchema, raw, 'checkEnvReferences');
      return checkEnvReferences(input, campaignVariables(deps), Boolean(deps.callbackSecret));
    },
  };
}

/** What listAccounts answers from: every account name the worker knows, and the clock it follows. */
interface AccountListDeps {
  accountNames: readonly string[];
  /** The speed of the simulator the worker rehearses against (REIMAGE_SIMULATOR_SPEED); absent: real time. */
  ovhClockSpeed?: number;
}

/** listAccounts, bound to every account name the worker knows (its own and other workers'). */
export function accountActivities(deps: AccountListDeps): Pick<PlanActivities, 'listAccounts'> {
  const speed = deps.ovhClockSpeed !== undefined ? { ovhClockSpeed: deps.ovhClockSpeed } : {};
  return {
    async listAccounts(raw) {
      const input = parseInput(listAccountsInputSchema, raw, 'listAccounts');
      return { ...listAccounts(input, deps.accountNames), ...speed };
    },
  };
}

/** What the shared task queue runs on a worker without the default account: nothing that calls OVH. */
export function accountFreeActivities(
  deps: ImageDeps & HookDeps & AccountListDeps,
): Pick<ReimageActivities, 'qualifyImage'> & HookActivities & Pick<PlanActivities, 'listAccounts'> {
  return {
    async qualifyImage(raw) {
      return keepAlive(() => qualifyImage(parseInput(qualifyImageInputSchema, raw, 'qualifyImage'), deps));
    },
    ...hookActivities(deps),
    ...accountActivities(deps),
  };
}
