/**
 * listAccounts: the OVH accounts the workers know (the accounts file's, or `default` for the OVH_*
 * variables), checked against a campaign's `accounts:`. Names only: credentials never leave the worker.
 */
import { FailureType } from '../shared/failure-types';
import type { ListAccountsInput } from '../shared/plan-types';
import { permanentFailure } from './failures';

/** The accounts to search, in the worker's order; an unknown name is a ConfigurationError naming the fix. */
export function listAccounts(input: ListAccountsInput, known: readonly string[]): { accounts: string[] } {
  if (input.restrict === undefined) return { accounts: [...known] };
  const unknown = input.restrict.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `"${name}"`).join(', ');
    throw permanentFailure(
      FailureType.ConfigurationError,
      `The campaign's accounts list names ${names}, which the worker does not know (its OVH accounts: ${known.join(', ')}); fix the campaign's accounts, or add the account to the worker's accounts file.`,
      { unknown, known: [...known] },
    );
  }
  return { accounts: known.filter((name) => input.restrict?.includes(name)) };
}
