/**
 * startDeployment: idempotent. Before posting, the activity heartbeats the highest `reinstallServer` task
 * ID of the server (its checkpoint): the one the preflight that ran right before listed last
 * (`taskCheckpoint`, so the first try only posts), else the highest of its own list. A retry (after a lost answer, a timeout, or a
 * 500 that still created the task) lists them again: a task newer than the checkpoint was created by an
 * earlier try and is adopted instead of posting again, so a server never receives two install requests
 * for one attempt. Task IDs, not dates, decide, so a skewed clock cannot fool it; when the checkpoint is
 * missing (the heartbeat never reached Temporal), tasks started since the activity was first scheduled
 * (on OVH's clock) count as its own.
 *
 * Preflight's list stands for the activity's own: between it and the POST lie the rest of one workflow
 * task and this activity's dispatch (the workflow passes it to the first deployment only, right after that
 * preflight). An install someone else starts in that gap makes OVH refuse our POST (ServerLocked); only if
 * our POST were lost as well could a retry take that install for ours, the exposure the activity's own
 * list had between it and the POST.
 *
 * ServerLocked (non-retryable): OVH answers TaskAlreadyExists (400) or DisturbAlreadyExists (409) and no
 * task of ours exists: another process (a person, another tool, an older task) holds the server. The
 * workflow records it; retrying blindly would only hit the same lock.
 */
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { FailureType } from '../shared/failure-types';
import type { OvhSession } from '../ovh/client';
import { listTaskIds, readTasks } from '../ovh/dedicated-server';
import { isOvhError, OvhAccountUnreachableError, type OvhApiError } from '../ovh/errors';
import { OVA_REJECTION, routeFor, type DeployRequest } from '../ovh/routes';
import type { OvhTask } from '../ovh/schemas';
import { beat, ovhNow, ovhSession, ownTasksSince, type ActivityDeps } from './deps';
import {
  accountUnreachableFailure,
  isClientRefusal,
  markUntouched,
  permanentFailure,
  toActivityFailure,
} from './failures';
import { assertImageHostAllowed } from './image-origin';
import { configDriveWithCallback } from './phone-home';
import { campaignVariables, resolveConfigDrive, resolveImageHeaders } from './secrets';
import type { DeploymentHandle, StartDeploymentInput } from './types';

/** Rejections that need no OVH call. */
function checkRequest(input: StartDeploymentInput, allowedServers: readonly string[] | undefined): void {
  if (allowedServers && !allowedServers.includes(input.serviceName)) {
    throw permanentFailure(
      FailureType.NotAllowed,
      `${input.serviceName} is not on the worker's server allow-list (REIMAGE_ALLOWED_SERVERS); add it there or leave it out of the campaign.`,
    );
  }
  if (input.image.type === 'ova') throw permanentFailure(FailureType.ImageRejected, OVA_REJECTION);
  if (input.route === 'reinstall' && !input.image.efiBootloaderPath) {
    throw permanentFailure(
      FailureType.ImageRejected,
      `image.efiBootloaderPath is missing: OVH's byoi_64 template on /reinstall requires it (e.g. \\efi\\debian\\grubx64.efi); set it in the campaign.`,
    );
  }
}

function deployRequest(input: StartDeploymentInput, deps: ActivityDeps): DeployRequest {
  const vars = campaignVariables(deps);
  const { image } = input;
  // OVH downloads the image with these headers: the worker's allow-list applies as to its own download.
  assertImageHostAllowed(image.url, deps.imageHosts);
  return {
    serviceName: input.serviceName,
    image: {
      url: image.url,
      type: image.type === 'ova' ? 'raw' : image.type,
      checksum: image.checksum,
      httpHeaders: resolveImageHeaders(image, vars),
      efiBootloaderPath: image.efiBootloaderPath,
      description: image.description,
    },
    configDrive: configDriveWithCallback(
      resolveConfigDrive(input.configDrive, vars),
      input.completion,
      { ...callbackRunOf(), serviceName: input.serviceName, deployment: input.attempt },
      deps.callbackSecret,
    ),
    diskGroupId: input.diskGroupId,
  };
}

/** This activity's workflow run: the token names it, so that a later run's callback cannot use this one's. */
function callbackRunOf(): { workflowId: string; runId: string } {
  const run = activityInfo().workflowExecution;
  return { workflowId: run?.workflowId ?? '', runId: run?.runId ?? '' };
}

/** Heartbeat details of startDeployment: the newest reinstallServer task before this activity posted. */
const checkpointSchema = z.object({ maxTaskIdBeforePost: z.number().int() });

/** How many of the newest tasks are read when there is no checkpoint. */
const RECENT_TASKS = 5;

/** A task an earlier try created: read, or only listed (a fresh task may answer 404 for a while). */
type OwnTask = Pick<OvhTask, 'taskId'> & Partial<Pick<OvhTask, 'startDate' | 'status'>>;

/**
 * The task an earlier try of this activity created, if any (never on the first try). A task newer
 * than the checkpoint is ours even while OVH answers 404 on it: it is adopted by its ID, never posted again.
 * Without a checkpoint, recent tasks are ours by date; a newest task that cannot be read yet makes the
 * attempt retry later (OvhApiRetryable) rather than guess.
 */
async function findOwnTask(
  api: OvhSession,
  input: StartDeploymentInput,
  deps: ActivityDeps,
  ids: number[],
): Promise<OwnTask | undefined> {
  const sn = input.serviceName;
  if (!mayHavePosted(input)) return undefined;
  const checkpoint = earlierCheckpoint(input);
  if (checkpoint !== undefined) {
    const newer = ids.filter((id) => id > checkpoint);
    if (newer.length === 0) return undefined;
    return (await readTasks(api, sn, newer)).at(-1) ?? { taskId: Math.max(...newer) };
  }
  const recentIds = [...ids].sort((a, b) => b - a).slice(0, RECENT_TASKS);
  const recent = await readTasks(api, sn, recentIds);
  // Old tasks may be purged (404) for good; only the newest one can be too fresh to read.
  const newest = recentIds[0];
  if (newest !== undefined && !recent.some((task) => task.taskId === newest)) {
    throw ApplicationFailure.create({
      type: FailureType.OvhApiRetryable,
      message: `The newest installation task of ${sn} (${newest}) cannot be read yet (OVH answers 404 on fresh tasks); this attempt retries instead of posting a second installation.`,
    });
  }
  const since = ownTasksSince(deps);
  return recent.filter((task) => Date.parse(task.startDate) >= since).at(-1);
}

/** Whether an earlier try, or an earlier run cut short by an account outage, may have posted. */
function mayHavePosted(input: StartDeploymentInput): boolean {
  return activityInfo().attempt > 1 || input.resumed === true;
}

/**
 * The checkpoint an earlier try heartbeated, else the input's (preflight's list, or the one an earlier
 * run reported with its outage): a heartbeat held back by the SDK's throttling never reaches a retry.
 */
function earlierCheckpoint(input: StartDeploymentInput): number | undefined {
  const previous = checkpointSchema.safeParse(activityInfo().heartbeatDetails);
  return previous.success ? previous.data.maxTaskIdBeforePost : input.taskCheckpoint;
}

/** The checkpoint to keep: the earlier try's (or run's), or the newest task ID now. */
function checkpointFor(input: StartDeploymentInput, ids: number[]): number {
  return earlierCheckpoint(input) ?? Math.max(0, ...ids);
}

/**
 * Before the POST: the task an earlier try created (to adopt), else the checkpoint to heartbeat. A
 * first try given preflight's checkpoint reads nothing; any other attempt lists the tasks.
 */
async function beforePost(
  input: StartDeploymentInput,
  api: OvhSession,
  deps: ActivityDeps,
): Promise<{ own?: OwnTask; checkpoint: number }> {
  if (!mayHavePosted(input) && input.taskCheckpoint !== undefined) return { checkpoint: input.taskCheckpoint };
  const ids = await listTaskIds(api, input.serviceName, { function: 'reinstallServer' });
  // A resumed run without a checkpoint never posted: it starts afresh.
  const own =
    input.resumed && input.taskCheckpoint === undefined ? undefined : await findOwnTask(api, input, deps, ids);
  return { own, checkpoint: checkpointFor(input, ids) };
}

function handleFor(
  input: StartDeploymentInput,
  api: OvhSession,
  deps: ActivityDeps,
  task: OwnTask | undefined,
  adopted: boolean,
): DeploymentHandle {
  return {
    serviceName: input.serviceName,
    route: input.route,
    taskId: task?.taskId,
    startedAt: task?.startDate ?? new Date(ovhNow(deps)).toISOString(),
    adopted,
    apiCalls: api.calls,
    ovhClockSpeed: deps.ovhClockSpeed,
  };
}

/** On a lock refusal: the task an earlier try of this activity created meanwhile, if that is the lock. */
async function lockedByOwnTask(
  api: OvhSession,
  input: StartDeploymentInput,
  deps: ActivityDeps,
): Promise<OwnTask | undefined> {
  if (!mayHavePosted(input)) return undefined;
  return findOwnTask(api, input, deps, await listTaskIds(api, input.serviceName, { function: 'reinstallServer' }));
}

function isLock(error: unknown): error is OvhApiError {
  return (
    isOvhError(error, 400, 'Client::BadRequest::TaskAlreadyExists') ||
    isOvhError(error, 409, 'Client::Conflict::DisturbAlreadyExists')
  );
}

/** The startDeployment activity body. */
export async function startDeployment(input: StartDeploymentInput, deps: ActivityDeps): Promise<DeploymentHandle> {
  // Whether a failure proves OVH created nothing: none may have been posted before, and this attempt's POST
  // was not sent, or OVH refused it (4xx). Only such a refusal lets the workflow skip the rollback.
  const post = { sent: false, answered: false };
  try {
    return await startOrAdopt(input, deps, post);
  } catch (error) {
    const refusedPost = post.sent && !post.answered && error instanceof ApplicationFailure && isClientRefusal(error);
    const untouched = !mayHavePosted(input) && (!post.sent || refusedPost);
    throw untouched ? markUntouched(error) : error;
  }
}

async function startOrAdopt(
  input: StartDeploymentInput,
  deps: ActivityDeps,
  post: { sent: boolean; answered: boolean },
): Promise<DeploymentHandle> {
  checkRequest(input, deps.allowedServers);
  const request = deployRequest(input, deps);
  const api = ovhSession(deps);
  const log = deps.logger?.child({
    campaignId: input.campaignId,
    serviceName: input.serviceName,
    attempt: input.attempt,
  });
  // What an outage reports: the checkpoint of an earlier try, else this one's once it has one.
  let checkpoint = earlierCheckpoint(input);
  try {
    const { own, checkpoint: maxTaskIdBeforePost } = await beforePost(input, api, deps);
    checkpoint = maxTaskIdBeforePost;
    if (own) {
      log?.info('Adopting the deployment an earlier attempt started.', { taskId: own.taskId, status: own.status });
      return handleFor(input, api, deps, own, true);
    }
    beat({ maxTaskIdBeforePost });
    post.sent = true;
    const started = await routeFor(input.route, api).start(request);
    post.answered = true;
    // The seed route answers void: its task is the one newer than the checkpoint.
    const task =
      started ??
      (
        await readTasks(
          api,
          input.serviceName,
          (await listTaskIds(api, input.serviceName, { function: 'reinstallServer' })).filter(
            (id) => id > maxTaskIdBeforePost,
          ),
        )
      ).at(-1);
    log?.info('Deployment started.', { route: input.route, taskId: task?.taskId });
    return handleFor(input, api, deps, task, false);
  } catch (error) {
    if (isLock(error)) return adoptOrRefuse(error, input, deps, api, log);
    // The account is down, perhaps after our POST went out: the workflow runs the start again once it is
    // back, with this checkpoint, so that it adopts the task the POST may have created.
    if (error instanceof OvhAccountUnreachableError) {
      throw accountUnreachableFailure(error, checkpoint !== undefined ? { maxTaskIdBeforePost: checkpoint } : {});
    }
    throw toActivityFailure(error);
  }
}

/**
 * On a lock refusal: adopts the task an earlier try created meanwhile (a retry whose earlier try
 * timed out while still running can lose the race to that attempt's POST), else refuses with ServerLocked.
 * A failed read here retries the activity (whose next attempt looks again before posting): never guess.
 */
async function adoptOrRefuse(
  error: OvhApiError,
  input: StartDeploymentInput,
  deps: ActivityDeps,
  api: OvhSession,
  log: ActivityDeps['logger'],
): Promise<DeploymentHandle> {
  const own = await lockedByOwnTask(api, input, deps).catch((readError: unknown) => {
    throw toActivityFailure(readError);
  });
  if (own) {
    log?.info('Adopting the deployment an earlier attempt started meanwhile.', { taskId: own.taskId });
    return handleFor(input, api, deps, own, true);
  }
  throw permanentFailure(
    FailureType.ServerLocked,
    `${input.serviceName} is locked by another OVH task or process: ${error.ovhMessage} Wait for it to end (or cancel it), then retry this server.`,
    error.toDetails(),
  );
}
