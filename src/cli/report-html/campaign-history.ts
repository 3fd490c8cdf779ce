/**
 * What a campaign's Temporal history tells beyond its report: each server's result with its phase spans (the
 * payload of its finish signal), when each server workflow was started, and the operator's actions with
 * their times (signals, and the updates the campaign accepted). Read from every run of the campaign,
 * following continue-as-new back to the first, so the report itself stays small: every server's spans in
 * it would bring a 10,000-server result close to Temporal's 2 MiB payload limit.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import {
  approveNextWaveUpdate,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  releaseServerUpdate,
  retryServerUpdate,
  serverFinishedSignal,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../shared/campaign-messages';
import type { CampaignInput } from '../../shared/campaign-report-types';
import type { ServerResult } from '../../shared/campaign-types';
import { serverNameFromWorkflowId } from '../../shared/workflow-ids';

/** An operator's action on the campaign, as its history recorded it. */
export interface OperatorAction {
  atMs: number;
  kind: 'pause' | 'resume' | 'drain' | 'cancel' | 'approve' | 'set-concurrency' | 'skip' | 'release' | 'retry';
  /** The update's argument: the new concurrency, or the server skipped, released or retried. */
  detail?: string;
}

export interface CampaignHistory {
  /** The first run's input: the servers with their datacenter and rack, and the settings (windows, budget). */
  input?: CampaignInput;
  /** The latest result each server reported, by service name. */
  results: Map<string, ServerResult>;
  /** When the campaign last started each server's workflow, epoch ms, by service name. */
  childStarts: Map<string, number>;
  actions: OperatorAction[];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

const SIGNAL_ACTIONS: Record<string, OperatorAction['kind']> = {
  [pauseCampaignSignal.name]: 'pause',
  [resumeCampaignSignal.name]: 'resume',
  [drainCampaignSignal.name]: 'drain',
  [cancelCampaignSignal.name]: 'cancel',
};
const UPDATE_ACTIONS: Record<string, OperatorAction['kind']> = {
  [approveNextWaveUpdate.name]: 'approve',
  [setConcurrencyUpdate.name]: 'set-concurrency',
  [skipServerUpdate.name]: 'skip',
  [releaseServerUpdate.name]: 'release',
  [retryServerUpdate.name]: 'retry',
};

/** Reads every run of the campaign whose latest run `workflowId` names, oldest run first. */
export async function readCampaignHistory(client: Client, workflowId: string): Promise<CampaignHistory> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) break;
  }
  const decode = <T>(payloads: Payloads): Promise<T | undefined> =>
    payloads?.payloads?.length
      ? decodeFromPayloadsAtIndex<T>(client.workflow.options.loadedDataConverter, 0, payloads.payloads)
      : Promise.resolve(undefined);
  const history: CampaignHistory = { results: new Map(), childStarts: new Map(), actions: [] };
  const firstStart = runs[0]?.[0]?.workflowExecutionStartedEventAttributes;
  history.input = await decode<CampaignInput>(firstStart?.input);
  for (const event of runs.flat()) await readEvent(event, history, decode);
  return history;
}

async function readEvent(
  event: HistoryEvent,
  history: CampaignHistory,
  decode: <T>(payloads: Payloads) => Promise<T | undefined>,
): Promise<void> {
  const atMs = optionalTsToMs(event.eventTime) ?? 0;
  const signaled = event.workflowExecutionSignaledEventAttributes;
  if (signaled?.signalName === serverFinishedSignal.name) {
    const result = await decode<ServerResult>(signaled.input);
    const known = result && history.results.get(result.serviceName);
    if (result && (!known || known.attempt <= result.attempt)) history.results.set(result.serviceName, result);
    return;
  }
  const signalKind = signaled?.signalName ? SIGNAL_ACTIONS[signaled.signalName] : undefined;
  if (signalKind) history.actions.push({ atMs, kind: signalKind });
  const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
  const updateKind = request?.name ? UPDATE_ACTIONS[request.name] : undefined;
  if (updateKind) {
    const arg = await decode<unknown>(request?.args);
    history.actions.push({ atMs, kind: updateKind, detail: arg !== undefined ? String(arg) : undefined });
  }
  const childId = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
  const server = childId ? serverNameFromWorkflowId(childId) : undefined;
  if (server) history.childStarts.set(server, atMs);
}
