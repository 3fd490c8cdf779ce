/**
 * resolveServers: turns a campaign's server selection into the concrete list it will reimage, read-only.
 * An explicit list costs one call (`GET /dedicated/server`, to name the servers the account does not have);
 * a selector, a rack/datacenter cap or a sampled plan also reads each candidate's detail (datacenter, rack,
 * commercial range, IAM tags), after the name pattern has narrowed the candidates.
 * It runs on the task queue of one OVH account (`input.account`, whose client lists that account's
 * servers) and tags the servers it keeps with it.
 */
import { z } from 'zod';
import { globToRegExp, matchesSelector } from '../campaign/selector';
import { closestMatch } from '../input/suggest';
import type { OvhCaller } from '../ovh/client';
import { serverPath } from '../ovh/dedicated-server';
import type { ServerTarget } from '../shared/campaign-types';
import type { ResolveServersInput } from '../shared/plan-types';
import type { ResolvedServers } from './types';

const serverListSchema = z.array(z.string());
const serverDetailSchema = z.object({
  name: z.string(),
  datacenter: z.string(),
  rack: z.string(),
  commercialRange: z.string().nullish(),
  iam: z.object({ tags: z.record(z.string()).nullish() }).nullish(),
});

/**
 * Resolves the selection; `api` is a counting session. A server must be on the campaign's allowList and on
 * the worker's REIMAGE_ALLOWED_SERVERS (`allowedServers`), when each is set: the others are `notAllowed`.
 */
export async function resolveServers(
  api: OvhCaller & { calls: number },
  input: ResolveServersInput,
  allowedServers?: readonly string[],
): Promise<ResolvedServers> {
  const account = await api.request({
    method: 'GET',
    path: '/dedicated/server',
    route: '/dedicated/server',
    schema: serverListSchema,
  });
  const owned = new Set(account);
  let candidates: string[];
  let unknown: string[] = [];
  let suggestions: Record<string, string> = {};
  if (input.selection.kind === 'list') {
    candidates = input.selection.serviceNames.filter((name) => owned.has(name));
    unknown = input.selection.serviceNames.filter((name) => !owned.has(name));
    suggestions = closestServers(unknown, account);
  } else {
    const pattern = input.selection.selector.namePattern;
    const glob = pattern ? globToRegExp(pattern) : undefined;
    candidates = glob ? account.filter((name) => glob.test(name)) : [...account];
  }
  const excludeSet = new Set(input.exclude);
  const excluded = candidates.filter((name) => excludeSet.has(name));
  candidates = candidates.filter((name) => !excludeSet.has(name));
  const lists = [input.allowList, allowedServers].flatMap((list) => (list ? [new Set(list)] : []));
  const allowed = (name: string) => lists.every((list) => list.has(name));
  const notAllowed = candidates.filter((name) => !allowed(name));
  candidates = candidates.filter(allowed);

  const selector = input.selection.kind === 'selector' ? input.selection.selector : undefined;
  const tag = input.account !== undefined ? { account: input.account } : {};
  if (!input.needPlacement && !selector) {
    return {
      servers: candidates.map((serviceName) => ({ serviceName, ...tag })),
      unknown,
      suggestions: Object.keys(suggestions).length > 0 ? suggestions : undefined,
      excluded,
      notAllowed,
      apiCalls: api.calls,
    };
  }
  const servers: ServerTarget[] = [];
  for (const serviceName of candidates) {
    const detail = await api.request({
      method: 'GET',
      path: serverPath(serviceName),
      route: '/dedicated/server/{serviceName}',
      schema: serverDetailSchema,
    });
    const selectable = { serviceName, datacenter: detail.datacenter, iamTags: detail.iam?.tags ?? undefined };
    if (selector && !matchesSelector(selectable, selector)) continue;
    const range = detail.commercialRange ? { commercialRange: detail.commercialRange } : {};
    servers.push({ serviceName, ...tag, datacenter: detail.datacenter, rack: detail.rack, ...range });
  }
  const suggested = Object.keys(suggestions).length > 0 ? { suggestions } : {};
  return { servers, unknown, ...suggested, excluded, notAllowed, apiCalls: api.calls };
}

/**
 * Service names of one account share long prefixes, so a third of their length in edits would name
 * unrelated servers: two edits at most, a typo's worth.
 */
const SERVICE_NAME_TYPO_EDITS = 2;

/** Each unknown name's closest server of the account, when one is close enough to be a typo. */
function closestServers(unknown: string[], owned: readonly string[]): Record<string, string> {
  const pairs = unknown.map((name) => [name, closestMatch(name, owned, SERVICE_NAME_TYPO_EDITS)] as const);
  return Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined));
}
