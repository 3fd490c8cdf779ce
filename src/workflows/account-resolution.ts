/**
 * Merging what each OVH account answered to resolveServers into one plan: servers in the order the campaign
 * lists them (a selector's, account after account), a listed name unknown only when no account has it, and
 * a name found in several accounts set apart as ambiguous (the campaign does not start: the server's
 * workflow ID would be the same for two machines). Pure and deterministic.
 */
import type { ResolvedServers } from '../activities/types';
import type { ServerTarget } from '../shared/campaign-types';
import type { AmbiguousServer, ResolveServersInput } from '../shared/plan-types';

/** One account's answer. */
export interface AccountAnswer {
  account: string;
  resolved: ResolvedServers;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** The campaign's plan of servers across `answers` (in the accounts' order). */
export function mergeAccountAnswers(
  input: ResolveServersInput,
  answers: AccountAnswer[],
): ResolvedServers & { ambiguous: AmbiguousServer[] } {
  const owners = new Map<string, string[]>();
  for (const { account, resolved } of answers) {
    for (const server of resolved.servers)
      owners.set(server.serviceName, [...(owners.get(server.serviceName) ?? []), account]);
  }
  const ambiguous = [...owners]
    .filter(([, accounts]) => accounts.length > 1)
    .map(([serviceName, accounts]) => ({ serviceName, accounts }));
  const clash = new Set(ambiguous.map((entry) => entry.serviceName));
  let servers: ServerTarget[] = answers
    .flatMap(({ resolved }) => resolved.servers)
    .filter((s) => !clash.has(s.serviceName));
  const listed = input.selection.kind === 'list' ? input.selection.serviceNames : undefined;
  if (listed) {
    const order = new Map(listed.map((name, index) => [name, index]));
    servers = [...servers].sort((a, b) => (order.get(a.serviceName) ?? 0) - (order.get(b.serviceName) ?? 0));
  }
  const unknownEverywhere = answers.reduce<string[] | undefined>(
    (left, { resolved }) =>
      left === undefined ? resolved.unknown : left.filter((name) => resolved.unknown.includes(name)),
    undefined,
  );
  const unknown = unknownEverywhere ?? [];
  const suggestions = Object.fromEntries(
    unknown.flatMap((name) => {
      const close = answers.map(({ resolved }) => resolved.suggestions?.[name]).find((match) => match !== undefined);
      return close === undefined ? [] : [[name, close]];
    }),
  );
  return {
    servers,
    unknown,
    suggestions: Object.keys(suggestions).length > 0 ? suggestions : undefined,
    ambiguous,
    excluded: unique(answers.flatMap(({ resolved }) => resolved.excluded)),
    notAllowed: unique(answers.flatMap(({ resolved }) => resolved.notAllowed)),
    apiCalls: answers.reduce((sum, { resolved }) => sum + resolved.apiCalls, 0),
  };
}
