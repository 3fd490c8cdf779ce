/**
 * What bounds a planned campaign's duration: its installs, in slots of maxParallel, or the OVH budget of
 * each account its servers are on (every account has its own key and rate limit; the slowest one ends
 * last). Pure.
 */
import { resolveCount } from '../campaign/rollout-math';
import { TYPICAL_INSTALL_MS } from '../domain/deployment';
import type { CampaignSpec } from '../campaign/schema';
import type { OvhConfig } from '../config';
import type { CampaignPlan } from '../shared/plan-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';

/**
 * OVH calls one server costs in a campaign (preflight, start, polls, boot check), measured against the
 * simulator (BENCHMARKS.md, B2): after a plan whose facts the worker still holds, and without.
 */
const CALLS_AFTER_PLAN = 7.6;
const CALLS_WITHOUT_PLAN = 10.7;
/**
 * The same when the servers call back (completion.callback): no poll before the install runs late and no
 * boot check (BENCHMARKS.md, callbacks). A server that does not call back costs what it would without.
 */
const CALLBACK_CALLS_AFTER_PLAN = 4.5;
const CALLBACK_CALLS_WITHOUT_PLAN = 7.6;

type RateLimit = OvhConfig['rateLimit'];

/** One account's share of the campaign and how long its budget needs for it. */
export interface AccountBudget {
  account: string;
  servers: number;
  rateLimitPerMinute: number;
  budgetBoundMs: number;
}

export interface Estimate {
  etaMs: number;
  bound: 'installs' | 'ovh-budget';
  installBoundMs: number;
  /** The longest of the accounts' budget bounds. */
  budgetBoundMs: number;
  callsPerServer: number;
  /** The rate limit of the account that bounds the budget. */
  rateLimitPerMinute: number;
  /** Per account, when the servers are on named accounts. */
  accounts?: AccountBudget[];
  advice: string;
}

const perMinuteOf = (rate: RateLimit) => (rate.requests * 60_000) / rate.perMs;

/** Servers per account, in the plan's order; servers without an account are on the default one. */
function serversPerAccount(plan: CampaignPlan): Map<string, number> {
  const counts = new Map<string, number>();
  for (const server of plan.servers) {
    const account = server.account ?? DEFAULT_ACCOUNT;
    counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  return counts;
}

/**
 * `rateOf(account)`: the rate limit of an account, from the accounts file when the CLI has it, else the
 * OVH_RATE_LIMIT every account is assumed to share.
 */
export function estimate(spec: CampaignSpec, plan: CampaignPlan, rateOf: (account: string) => RateLimit): Estimate {
  const servers = plan.servers.length;
  const parallel = resolveCount(spec.rollout.maxParallel, servers);
  // In real time, like the budget's bound: the worker's rate budget counts real minutes.
  const typicalInstallMs = Math.round(TYPICAL_INSTALL_MS / (plan.ovhClockSpeed ?? 1));
  const installBoundMs = parallel === 0 ? 0 : Math.ceil(servers / parallel) * typicalInstallMs;
  const planned = plan.sampled
    ? plan.sampled.reduce((sum, range) => sum + range.preflighted, 0) - plan.skipped.length
    : servers;
  const [afterPlan, withoutPlan] = spec.completion
    ? [CALLBACK_CALLS_AFTER_PLAN, CALLBACK_CALLS_WITHOUT_PLAN]
    : [CALLS_AFTER_PLAN, CALLS_WITHOUT_PLAN];
  const calls = Math.max(0, planned) * afterPlan + Math.max(0, servers - planned) * withoutPlan;
  const callsPerServer = servers === 0 ? 0 : Math.round((calls / servers) * 10) / 10;
  const budgets: AccountBudget[] = [...serversPerAccount(plan)].map(([account, count]) => {
    const rateLimitPerMinute = perMinuteOf(rateOf(account));
    const budgetBoundMs = Math.round(((count * callsPerServer) / rateLimitPerMinute) * 60_000);
    return { account, servers: count, rateLimitPerMinute, budgetBoundMs };
  });
  const slowest = budgets.reduce<AccountBudget | undefined>(
    (worst, budget) => (worst === undefined || budget.budgetBoundMs > worst.budgetBoundMs ? budget : worst),
    undefined,
  );
  const rateLimitPerMinute = slowest?.rateLimitPerMinute ?? perMinuteOf(rateOf(DEFAULT_ACCOUNT));
  const budgetBoundMs = slowest?.budgetBoundMs ?? 0;
  const perHourOf = (perMinute: number) => (callsPerServer === 0 ? 0 : Math.floor((perMinute * 60) / callsPerServer));
  const bound = budgetBoundMs > installBoundMs ? 'ovh-budget' : 'installs';
  const named = budgets.length > 1 || budgets.some((budget) => budget.account !== DEFAULT_ACCOUNT);
  const whose = named && slowest ? ` of account ${slowest.account} (${slowest.servers} servers at ` : ' (';
  const budgetText = `the OVH budget${whose}${rateLimitPerMinute} calls per minute, about ${callsPerServer} per server: about ${perHourOf(rateLimitPerMinute)} servers per hour) bounds it`;
  const allAccountsPerMinute = budgets.reduce((sum, budget) => sum + budget.rateLimitPerMinute, 0);
  const advice =
    bound === 'installs'
      ? `maxParallel (${parallel}) bounds it: a higher maxParallel would go faster, up to about ${perHourOf(allAccountsPerMinute)} servers per hour that the OVH budget${named ? 's of the accounts allow' : ' allows'}.`
      : `${budgetText}: a higher maxParallel would not help; a plan of every server shortly before the window (its reads are then not repeated), or the servers split across ${named ? 'more ' : ''}accounts with their own keys, would.`;
  return {
    etaMs: Math.max(installBoundMs, budgetBoundMs),
    bound,
    installBoundMs,
    budgetBoundMs,
    callsPerServer,
    rateLimitPerMinute,
    accounts: named ? budgets : undefined,
    advice,
  };
}
