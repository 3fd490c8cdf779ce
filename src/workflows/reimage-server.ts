/**
 * reimageServerWorkflow: reimages one OVH server. Runbook: preflight -> beforeWipe hook -> start -> wait ->
 * verify boot -> afterBoot hook -> done (the hooks only when the campaign has them: server-hooks.ts); a
 * failure after the start rolls the server back to rescue, then runs the afterRollback hook.
 *
 * Waiting is one heartbeating activity, never workflow timers, and the read-only preflight a local activity
 * inside the first workflow task, so the history stays short whatever the install takes (BENCHMARKS.md, B5).
 * The wait polls around the install duration the campaign learned (its range's, else the campaign's), and
 * only the install deadline ends it. What preflight read is not read again: its install-task list is the
 * first start's checkpoint, its boot IDs serve the boot check and the rollback. The result carries the install
 * duration (installDurationMs, from OVH's task dates) and the server's commercial range for the campaign to learn
 * from.
 * With completion.callback, the server's callback ends the wait instead, confirmed by a read of the task and
 * proving the boot (server-callback.ts); its host keys go into the result.
 *
 * What it guarantees (one install per deployment, rollback to rescue, an outcome for every server, through
 * crashes, cancels, hooks and OVH outages): RELIABILITY.md, "The guarantees".
 */
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeploymentHandle } from '../activities/types';
import type { DeployRoute } from '../domain/routes';
import { serverFinishedSignal, serverProgressQuery, serverRunCheckSignal } from '../shared/campaign-messages';
import { ServerPhase, type ReimageServerInput, type ServerResult } from '../shared/campaign-types';
import { ServerOutcome } from '../shared/failure-types';
import { campaignWorkflowId } from '../shared/workflow-ids';
import { untilAccountAnswers } from './account-outage';
import { serverActivities } from './activity-options';
import { pollExpectation } from './install-durations';
import {
  classifyStepFailure,
  redeployRefused,
  startRefused,
  stillInstalling,
  type DeployFailure,
  type StepFailure,
} from './server-failures';
import { ServerState } from './server-state';
import { waitForEndOrCallback } from './server-callback';
import { runHook } from './server-hooks';
import { bootProbeFor, configDriveFor } from './server-templates';

type Activities = ReturnType<typeof serverActivities>;

/** Outcomes after which a clean rollback may be followed by another deployment. */
const REDEPLOYABLE: ServerOutcome[] = [ServerOutcome.DeployFailed, ServerOutcome.TimedOut, ServerOutcome.BootFailed];

/** Reimages `input.serviceName` and returns its outcome. */
export async function reimageServerWorkflow(input: ReimageServerInput): Promise<ServerResult> {
  const server = new ServerState(input);
  setHandler(serverProgressQuery, () => server.progress());
  // The campaign's check that this run is still open: delivered is the answer.
  setHandler(serverRunCheckSignal, () => undefined);
  server.callbacks.listen();
  const acts = serverActivities(input.settings.deadlines, input.settings.poll);
  const result = await reimage(server, acts).catch((err: unknown) => {
    const failure = classifyStepFailure(err, ServerOutcome.PreflightFailed);
    return server.finish(failure.outcome, failure);
  });
  // Prometheus counter reimage_servers_finished{outcome}; workflow metrics are not re-emitted on replay.
  metricMeter.createCounter('reimage_servers_finished', 'servers', 'Servers finished, by outcome').add(1, {
    outcome: result.outcome,
  });
  await CancellationScope.nonCancellable(() => reportToCampaign(input, result));
  return result;
}

async function reimage(server: ServerState, acts: Activities): Promise<ServerResult> {
  const { input } = server;
  server.enter(ServerPhase.Preflight);
  const route = await resolveRoute(server, acts);
  const verdict = await untilAccountAnswers(server, () =>
    acts.reads.preflightServer({
      campaignId: input.campaignId,
      serviceName: input.serviceName,
      route,
      image: input.settings.image,
      imageSizeBytes: input.imageSizeBytes,
      diskGroupId: input.settings.diskGroupId,
    }),
  );
  server.count(verdict);
  if (!verdict.ok) {
    const message = verdict.failedChecks.map((check) => `${check.check}: ${check.message}`).join(' ');
    return server.finish(ServerOutcome.PreflightFailed, { failureType: 'PreflightFailed', message });
  }
  const { rescueBootId, harddiskBootIds, commercialRange } = verdict.server ?? {};
  server.known = { taskCheckpoint: verdict.installTaskCheckpoint, rescueBootId, harddiskBootIds };
  server.commercialRange = commercialRange;
  const refused = await runHook(server, 'beforeWipe');
  if (refused) return server.finish(refused.outcome, { ...refused, message: `${refused.message} ${UNTOUCHED}` });
  let cause: DeployFailure | undefined;
  for (;;) {
    const failure = await deployOnce(server, acts, route);
    if (!failure) return backInService(server);
    // A redeploy OVH refused as locked (our own task, or another process's) ends with the failure that caused it.
    if (cause && failure.startFailed && failure.outcome === ServerOutcome.Skipped) {
      return server.finish(cause.outcome, redeployRefused(cause, failure));
    }
    const again = REDEPLOYABLE.includes(failure.outcome) && server.deployments < server.maxDeployments;
    if (!again || failure.taskPending || CancellationScope.current().consideredCancelled) {
      return server.finish(failure.outcome, failure.taskPending && again ? stillInstalling(failure) : failure);
    }
    cause = failure;
  }
}

const UNTOUCHED = 'The server was not touched.';
const NOT_BACK =
  'The new OS is installed and booted (no rollback), but the server is not back in service: put it back by hand.';

/** The afterBoot hook puts the reimaged server back in service; without one the server is done. */
async function backInService(server: ServerState): Promise<ServerResult> {
  try {
    const failure = await runHook(server, 'afterBoot');
    return failure
      ? server.finish(failure.outcome, { ...failure, message: `${failure.message} ${NOT_BACK}` })
      : server.finish(ServerOutcome.Done);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    return server.finish(ServerOutcome.Cancelled, {
      message: `The reimage was cancelled during the afterBoot hook. ${NOT_BACK}`,
      installKept: true,
    });
  }
}

async function resolveRoute(server: ServerState, acts: Activities): Promise<DeployRoute> {
  const { route } = server.input.settings;
  if (route !== 'auto') return route;
  const detected = await untilAccountAnswers(server, () =>
    acts.reads.detectRoute({ serviceName: server.input.serviceName }),
  );
  server.count(detected);
  return detected.route;
}

/** One deployment; undefined when the server booted its new OS, else the (rolled back) failure. */
async function deployOnce(
  server: ServerState,
  acts: Activities,
  route: DeployRoute,
): Promise<DeployFailure | undefined> {
  const { input } = server;
  let handle: DeploymentHandle | undefined;
  try {
    server.enter(ServerPhase.Starting);
    server.deployments += 1;
    if (input.settings.completion) server.callbacks.open(server.deployments);
    // Not cancellable: a cancel during the POST must still leave us the handle the rollback needs.
    handle = await CancellationScope.nonCancellable(() =>
      untilAccountAnswers(server, (outage) =>
        acts.start.startDeployment({
          campaignId: input.campaignId,
          attempt: server.deployments,
          serviceName: input.serviceName,
          route,
          image: input.settings.image,
          configDrive: configDriveFor(input.settings.configDrive, input.serviceName),
          completion: input.settings.completion,
          diskGroupId: input.settings.diskGroupId,
          // Preflight's task list, read right before, is the first deployment's checkpoint; after an outage,
          // the checkpoint of the run it cut short, whose POST may have gone out.
          ...(outage
            ? { taskCheckpoint: outage.maxTaskIdBeforePost, resumed: true }
            : { taskCheckpoint: server.deployments === 1 ? server.known.taskCheckpoint : undefined }),
        }),
      ),
    );
    server.count(handle);
    server.taskId = handle.taskId;
    await waitAndVerify(server, acts, handle);
    return undefined;
  } catch (err) {
    const failure = classifyStepFailure(err, ServerOutcome.DeployFailed);
    if (handle) return rollBack(server, acts, route, handle, failure);
    // Only a refusal the activity proves (nothing posted) skips the rollback.
    if (startRefused(failure) && failure.untouched) return { ...failure, startFailed: true };
    return { ...(await rollBack(server, acts, route, handle, failure)), startFailed: true };
  }
}

async function waitAndVerify(server: ServerState, acts: Activities, handle: DeploymentHandle): Promise<void> {
  const { settings, serviceName } = server.input;
  // A cancel that arrived during the (non-cancellable) POST is honoured here, before waiting.
  if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
  server.enter(ServerPhase.Installing);
  const waitInput = {
    handle,
    // The deadline alone ends the wait: an install that overruns the expectation is polled until then.
    deadlineAt: new Date(Date.parse(handle.startedAt) + settings.deadlines.installMs).toISOString(),
    pollMinMs: settings.poll.minMs,
    pollMaxMs: settings.poll.maxMs,
    stepEveryPolls: settings.poll.stepEvery || undefined,
    ...pollExpectation(server.input, server.commercialRange),
  };
  const waited = settings.completion
    ? await waitForEndOrCallback(server, acts, server.callbacks, waitInput)
    : await untilAccountAnswers(server, () => acts.wait.waitForDeployment(waitInput));
  server.count(waited);
  server.installDurationMs = waited.installDurationMs;
  // The server's callback proves that its new OS booted.
  server.hostKeys = server.callbacks.hostKeysOf(server.deployments);
  if (server.hostKeys) return;
  server.enter(ServerPhase.Verifying);
  const verified = await untilAccountAnswers(server, () =>
    acts.verify.verifyBoot({
      serviceName,
      probe: bootProbeFor(settings.bootProbe, serviceName),
      // From this run: time spent waiting for the account is not the boot's.
      deadlineAt: new Date(Date.now() + settings.deadlines.bootMs).toISOString(),
      // Boot checks poll like the install does (the activity's own default is 10 s).
      retryIntervalMs: settings.poll.minMs,
      harddiskBootIds: server.known.harddiskBootIds,
    }),
  );
  server.count(verified);
}

/** Brings the server back to rescue; a failed rollback turns the outcome into rollback_failed. */
async function rollBack(
  server: ServerState,
  acts: Activities,
  route: DeployRoute,
  handle: DeploymentHandle | undefined,
  failure: StepFailure,
): Promise<DeployFailure> {
  return CancellationScope.nonCancellable(async () => {
    server.enter(ServerPhase.RollingBack);
    try {
      const rolledBack = await untilAccountAnswers(server, () =>
        acts.rollback.rollbackToRescue({
          serviceName: server.input.serviceName,
          route,
          handle,
          deadlineAt: new Date(Date.now() + server.input.settings.deadlines.rollbackMs).toISOString(),
          pollMs: server.input.settings.poll.minMs,
          rescueBootId: server.known.rescueBootId,
        }),
      );
      server.count(rolledBack);
      const rolledBackFailure = await afterRollback(server, failure);
      return rolledBack.deploymentTaskPending ? { ...rolledBackFailure, taskPending: true } : rolledBackFailure;
    } catch (err) {
      const rollbackFailure = classifyStepFailure(err, ServerOutcome.RollbackFailed);
      return afterRollback(server, {
        outcome: ServerOutcome.RollbackFailed,
        failureType: 'RollbackFailed',
        message: `${failure.message} The rollback to rescue then failed: ${rollbackFailure.message}`,
      });
    }
  });
}

/** Runs the afterRollback hook (inside the rollback's non-cancellable scope); its failure is only recorded. */
async function afterRollback(server: ServerState, failure: StepFailure): Promise<StepFailure> {
  const hookFailed = await runHook(server, 'afterRollback', failure);
  return hookFailed ? { ...failure, message: `${failure.message} ${hookFailed.message}` } : failure;
}

/** Signals the campaign that started this workflow (children outlive their parent's continue-as-new). */
async function reportToCampaign(input: ReimageServerInput, result: ServerResult): Promise<void> {
  if (!workflowInfo().parent) return;
  try {
    await getExternalWorkflowHandle(campaignWorkflowId(input.campaignId)).signal(serverFinishedSignal, result);
  } catch (err) {
    // The campaign is closed (terminated, or its run ended): the result stays this workflow's own result.
    if (isCancellation(err)) throw err;
  }
}
