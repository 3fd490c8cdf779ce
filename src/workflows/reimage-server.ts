/**
 * reimageServerWorkflow: reimages one OVH server. Runbook: preflight -> start -> wait -> verify boot -> done.
 *
 * Guarantees
 * - One at a time: the workflow ID is serverWorkflowId(serviceName), so two campaigns can never install the
 *   same server at once (the second start fails with WorkflowExecutionAlreadyStarted).
 * - A failed preflight never touches the server. Any failure after the start (OVH error, deadline, failed boot
 *   check, cancellation) rolls the server back to rescue inside a non-cancellable scope.
 * - Waiting is one heartbeating activity, never workflow timers; the read-only preflight runs as a local
 *   activity inside the first workflow task: an 11-minute install costs 36 events (bench/b5).
 * - A worker crash resumes the step in flight (waitForDeployment resumes from its heartbeat; startDeployment
 *   adopts the task a lost response created): one install POST per deployment.
 * - What preflight read is not read again: its install-task list is the first start's checkpoint, its boot
 *   IDs serve the boot check and the rollback (activity inputs only, the commands are unchanged).
 * - The result is a business outcome (never a workflow failure); when a campaign started it, the outcome is
 *   also signalled to the campaign's workflow ID, so it reaches whichever run of the campaign is current.
 */
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeploymentHandle } from '../activities/types';
import type { DeployRoute } from '../domain/routes';
import { serverFinishedSignal, serverProgressQuery } from '../shared/campaign-messages';
import { ServerPhase, type ReimageServerInput, type ServerResult } from '../shared/campaign-types';
import { ServerOutcome } from '../shared/failure-types';
import { campaignWorkflowId } from '../shared/workflow-ids';
import { LOCAL_READS_PATCH, serverActivities } from './server-activities';
import { classifyStepFailure, startRefused, type StepFailure } from './server-failures';
import { ServerRun } from './server-run';
import { bootProbeFor, configDriveFor } from './server-templates';

type Activities = ReturnType<typeof serverActivities>;

/** Outcomes after which a clean rollback may be followed by another deployment. */
const REDEPLOYABLE: ServerOutcome[] = [ServerOutcome.DeployFailed, ServerOutcome.TimedOut, ServerOutcome.BootFailed];

/** Reimages `input.serviceName` and returns its outcome. */
export async function reimageServerWorkflow(input: ReimageServerInput): Promise<ServerResult> {
  const run = new ServerRun(input);
  setHandler(serverProgressQuery, () => run.progress());
  const acts = serverActivities(input.settings.deadlines, input.settings.poll);
  // Workflows started by an older worker ran their reads as regular activities: they replay that way.
  if (!patched(LOCAL_READS_PATCH)) acts.reads = acts.readsAsActivities;
  const result = await reimage(run, acts).catch((err: unknown) => {
    const failure = classifyStepFailure(err, ServerOutcome.PreflightFailed);
    return run.finish(failure.outcome, failure);
  });
  // Prometheus counter reimage_servers_finished{outcome}; workflow metrics are not re-emitted on replay.
  metricMeter.createCounter('reimage_servers_finished', 'servers', 'Servers finished, by outcome').add(1, {
    outcome: result.outcome,
  });
  await CancellationScope.nonCancellable(() => reportToCampaign(input, result));
  return result;
}

async function reimage(run: ServerRun, acts: Activities): Promise<ServerResult> {
  const { input } = run;
  run.enter(ServerPhase.Preflight);
  const route = await resolveRoute(run, acts);
  const verdict = await acts.reads.preflightServer({
    campaignId: input.campaignId,
    serviceName: input.serviceName,
    route,
    image: input.settings.image,
    imageSizeBytes: input.imageSizeBytes,
    diskGroupId: input.settings.diskGroupId,
  });
  run.count(verdict);
  if (!verdict.ok) {
    const message = verdict.failedChecks.map((check) => `${check.check}: ${check.message}`).join(' ');
    return run.finish(ServerOutcome.PreflightFailed, { failureType: 'PreflightFailed', message });
  }
  const { rescueBootId, harddiskBootIds } = verdict.server ?? {};
  run.known = { taskCheckpoint: verdict.installTaskCheckpoint, rescueBootId, harddiskBootIds };
  for (;;) {
    const failure = await deployOnce(run, acts, route);
    if (!failure) return run.finish(ServerOutcome.Done);
    const again = REDEPLOYABLE.includes(failure.outcome) && run.deployments < run.maxDeployments;
    if (!again || CancellationScope.current().consideredCancelled) return run.finish(failure.outcome, failure);
  }
}

async function resolveRoute(run: ServerRun, acts: Activities): Promise<DeployRoute> {
  const { route } = run.input.settings;
  if (route !== 'auto') return route;
  const detected = await acts.reads.detectRoute({ serviceName: run.input.serviceName });
  run.count(detected);
  return detected.route;
}

/** One deployment; undefined when the server booted its new OS, else the (rolled back) failure. */
async function deployOnce(run: ServerRun, acts: Activities, route: DeployRoute): Promise<StepFailure | undefined> {
  const { input } = run;
  let handle: DeploymentHandle | undefined;
  try {
    run.enter(ServerPhase.Starting);
    run.deployments += 1;
    // Not cancellable: a cancel during the POST must still leave us the handle the rollback needs.
    handle = await CancellationScope.nonCancellable(() =>
      acts.short.startDeployment({
        campaignId: input.campaignId,
        attempt: run.deployments,
        serviceName: input.serviceName,
        route,
        image: input.settings.image,
        configDrive: configDriveFor(input.settings.configDrive, input.serviceName),
        diskGroupId: input.settings.diskGroupId,
        // Preflight's task list, read right before, is the first deployment's checkpoint.
        taskCheckpoint: run.deployments === 1 ? run.known.taskCheckpoint : undefined,
      }),
    );
    run.count(handle);
    run.taskId = handle.taskId;
    await waitAndVerify(run, acts, handle);
    return undefined;
  } catch (err) {
    const failure = classifyStepFailure(err, ServerOutcome.DeployFailed);
    if (!handle && startRefused(failure)) return failure;
    return rollBack(run, acts, route, handle, failure);
  }
}

async function waitAndVerify(run: ServerRun, acts: Activities, handle: DeploymentHandle): Promise<void> {
  const { settings, serviceName } = run.input;
  // A cancel that arrived during the (non-cancellable) POST is honoured here, before waiting.
  if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
  run.enter(ServerPhase.Installing);
  const waited = await acts.wait.waitForDeployment({
    handle,
    deadlineAt: new Date(Date.parse(handle.startedAt) + settings.deadlines.installMs).toISOString(),
    pollMinMs: settings.poll.minMs,
    pollMaxMs: settings.poll.maxMs,
    ...(settings.poll.stepEvery ? { stepEveryPolls: settings.poll.stepEvery } : {}),
  });
  run.count(waited);
  run.enter(ServerPhase.Verifying);
  const verified = await acts.verify.verifyBoot({
    serviceName,
    probe: bootProbeFor(settings.bootProbe, serviceName),
    deadlineAt: new Date(Date.now() + settings.deadlines.bootMs).toISOString(),
    // Boot checks poll like the install does (the activity's own default is 10 s).
    retryIntervalMs: settings.poll.minMs,
    harddiskBootIds: run.known.harddiskBootIds,
  });
  run.count(verified);
}

/** Brings the server back to rescue; a failed rollback turns the outcome into rollback_failed. */
async function rollBack(
  run: ServerRun,
  acts: Activities,
  route: DeployRoute,
  handle: DeploymentHandle | undefined,
  failure: StepFailure,
): Promise<StepFailure> {
  return CancellationScope.nonCancellable(async () => {
    run.enter(ServerPhase.RollingBack);
    try {
      const rolledBack = await acts.rollback.rollbackToRescue({
        serviceName: run.input.serviceName,
        route,
        handle,
        deadlineAt: new Date(Date.now() + run.input.settings.deadlines.rollbackMs).toISOString(),
        pollMs: run.input.settings.poll.minMs,
        rescueBootId: run.known.rescueBootId,
      });
      run.count(rolledBack);
      return failure;
    } catch (err) {
      const rollbackFailure = classifyStepFailure(err, ServerOutcome.RollbackFailed);
      return {
        outcome: ServerOutcome.RollbackFailed,
        failureType: 'RollbackFailed',
        message: `${failure.message} The rollback to rescue then failed: ${rollbackFailure.message}`,
      };
    }
  });
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
