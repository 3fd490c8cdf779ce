/**
 * Merging each OVH account's answer into one plan (pure): list order kept across accounts, unknown only when
 * no account has the server, a name two accounts have set apart as ambiguous.
 */
import type { ResolvedServers } from '../../src/activities/types';
import type { ResolveServersInput } from '../../src/shared/plan-types';
import { mergeAccountAnswers } from '../../src/workflows/account-resolution';

function answer(account: string, found: string[], unknown: string[], apiCalls = 1) {
  const resolved: ResolvedServers = {
    servers: found.map((serviceName) => ({ serviceName, account })),
    unknown,
    excluded: [],
    notAllowed: [],
    apiCalls,
  };
  return { account, resolved };
}

describe('merging the accounts answers', () => {
  it('keeps the listed order across accounts and calls unknown only what no account has', () => {
    const input: ResolveServersInput = {
      selection: { kind: 'list', serviceNames: ['c', 'a', 'b', 'z'] },
      exclude: [],
      needPlacement: false,
    };
    const merged = mergeAccountAnswers(input, [
      answer('eu', ['a', 'b'], ['c', 'z']),
      answer('ca', ['c'], ['a', 'b', 'z'], 2),
    ]);
    expect(merged).toEqual({
      servers: [
        { serviceName: 'c', account: 'ca' },
        { serviceName: 'a', account: 'eu' },
        { serviceName: 'b', account: 'eu' },
      ],
      unknown: ['z'],
      ambiguous: [],
      excluded: [],
      notAllowed: [],
      apiCalls: 3,
    });
  });

  it('sets a name found in two accounts apart, naming both, and keeps a selector account by account', () => {
    const input: ResolveServersInput = {
      selection: { kind: 'selector', selector: { namePattern: 'ns*' } },
      exclude: [],
      needPlacement: false,
    };
    const merged = mergeAccountAnswers(input, [answer('eu', ['ns2', 'twin'], []), answer('ca', ['twin', 'ns1'], [])]);
    expect(merged.servers.map((s) => `${s.account}/${s.serviceName}`)).toEqual(['eu/ns2', 'ca/ns1']);
    expect(merged.ambiguous).toEqual([{ serviceName: 'twin', accounts: ['eu', 'ca'] }]);
  });
});
