/** Task queue names shared by the worker, the CLI and tests. Workflow-safe. */
export const DEFAULT_TASK_QUEUE = 'reimage';

/**
 * The OVH account of the OVH_* variables, and the one an accounts file may name so: its servers run on the
 * shared task queue itself, as every server did before accounts existed.
 */
export const DEFAULT_ACCOUNT = 'default';

/**
 * The task queue of an account's server workflows and OVH activities, below the shared queue `base` (which
 * runs campaigns, plans and the image qualification): `<base>-ovh-<account>`, or `base` itself for the
 * default account. A worker polls the queues of the accounts it holds, so one account's backlog or outage
 * never holds another's servers.
 */
export function accountTaskQueue(base: string, account: string | undefined): string {
  return account === undefined || account === DEFAULT_ACCOUNT ? base : `${base}-ovh-${account}`;
}
