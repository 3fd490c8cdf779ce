/**
 * The shape of an OVH account's name in the worker's accounts file and in a campaign's `accounts:` list.
 * Workflow-safe: no imports but the quoting helper.
 */
import { quote } from './quote';

/** Names become task queue names (`<queue>-ovh-<name>`) and search attribute values. */
const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** What is wrong with an account name, or undefined. */
export function accountNameProblem(name: string): string | undefined {
  return ACCOUNT_NAME.test(name)
    ? undefined
    : `must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got ${quote(name)}); it is part of task queue names`;
}
