/**
 * Waiting out an unreachable OVH account. An activity whose account answers nothing (account-health.ts on
 * the worker) fails with AccountUnreachable; the server then waits (a durable timer, `poll.accountRetryMs`)
 * and runs the same step again, as often as it takes, instead of failing: an outage of the account's API is
 * no failure of the server, and the failure budget never sees it. Every step is safe to run again: reads
 * are read-only, the start adopts the task its cut-short run may have created (it reports its checkpoint
 * with the outage), the wait and the boot check poll, and the rollback resumes from what OVH shows.
 * The campaign hears when the server starts waiting and when it stops (accountStatusSignal).
 * Workflow-safe. Histories recorded before it hold no AccountUnreachable failure, so they replay unchanged.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { accountStatusSignal } from '../shared/campaign-messages';
import { FailureType, type AccountOutageDetails } from '../shared/failure-types';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';
import { campaignWorkflowId } from '../shared/workflow-ids';
import type { ServerState } from './server-state';

/** How often a waiting server tries again unless the settings say otherwise. */
const DEFAULT_ACCOUNT_RETRY_MS = 60_000;

/** The outage an activity failure reports, if it is one. */
function accountOutageOf(err: unknown): AccountOutageDetails | undefined {
  let cause = err;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause instanceof Error) {
    cause = cause.cause;
  }
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureType.AccountUnreachable) return undefined;
  return (cause.details?.[0] as AccountOutageDetails | undefined) ?? { account: 'unknown', sinceMs: Date.now() };
}

/** Runs `step` until it ends otherwise than on an unreachable account; `step` gets the last outage. */
export async function untilAccountAnswers<T>(
  server: ServerState,
  step: (outage: AccountOutageDetails | undefined) => Promise<T>,
): Promise<T> {
  let outage: AccountOutageDetails | undefined;
  try {
    for (;;) {
      try {
        return await step(outage);
      } catch (err) {
        const next = accountOutageOf(err);
        if (!next) throw err;
        if (!outage) await reportAccount(server, next.sinceMs);
        outage = next;
        server.waiting = `account ${next.account} unreachable since ${new Date(next.sinceMs).toISOString()}`;
        await sleep(server.input.settings.poll.accountRetryMs ?? DEFAULT_ACCOUNT_RETRY_MS);
      }
    }
  } finally {
    if (outage) {
      server.waiting = undefined;
      // Also when the wait was cancelled: the campaign counts the servers waiting, not the outage.
      await CancellationScope.nonCancellable(() => reportAccount(server, undefined));
    }
  }
}

/** Tells the campaign that started this server that it waits for its account (`sinceMs`), or no longer. */
async function reportAccount(server: ServerState, sinceMs: number | undefined): Promise<void> {
  const { campaignId, serviceName, attempt, account } = server.input;
  if (!workflowInfo().parent) return;
  const report = {
    serviceName,
    attempt,
    account: account ?? DEFAULT_ACCOUNT,
    sinceMs,
  };
  try {
    await getExternalWorkflowHandle(campaignWorkflowId(campaignId)).signal(accountStatusSignal, report);
  } catch (err) {
    // The campaign is closed: nothing waits for the news.
    if (isCancellation(err)) throw err;
  }
}
