/**
 * Bringing a server up in rescue, the rollback target of both routes: the rescue boot (preflight's, else
 * looked up: IDs differ by region, so never hard-coded), `PUT {bootId}`, `POST /reboot`, wait for the hardReboot task, then read
 * the server back. Idempotent: the reboot task is checkpointed (heartbeat), so a retried attempt follows
 * it instead of rebooting again; without a checkpoint a retry adopts a hardReboot task still running. Every
 * task read (the deployment task, a checkpointed or fresh reboot) polls through OVH's transient 404 on fresh
 * tasks within the task-read grace, as the deployment wait does.
 */
import type { OvhCaller } from '../client';
import { cancelTask, getServer, getTask, listBootIds, listPendingTasks, reboot, setBootId } from '../dedicated-server';
import { classify, isOvhError, OvhApiError, TASK_READ_GRACE_MS } from '../errors';
import { isPendingTaskStatus, type OvhTask } from '../schemas';
import { RescueUnreachableError, type RollbackOptions } from './types';

/**
 * Reads a task, polling on through transient failures until `untilMs`: 5xx and network errors, and the 404
 * OVH answers for a fresh task within the task-read grace (as the deployment wait does). Returns undefined
 * when OVH still answers 404 past the grace (it does not know the task); rethrows any other failure, and
 * the last one at `untilMs`.
 */
async function readTask(
  api: OvhCaller,
  sn: string,
  taskId: number,
  options: RollbackOptions,
  untilMs = options.deadlineMs,
): Promise<OvhTask | undefined> {
  const { waiter } = options;
  let failingSince: number | undefined;
  for (;;) {
    try {
      return await getTask(api, sn, taskId);
    } catch (error) {
      const now = waiter.now();
      failingSince ??= now;
      const verdict = classify(error, { isTaskRead: true, firstSeenAt: failingSince, now });
      if (!verdict.retryable && isOvhError(error, 404)) return undefined;
      if (!verdict.retryable || now + options.pollMs > untilMs) throw error;
    }
    waiter.heartbeat();
    await waiter.sleep(options.pollMs);
  }
}

/** A task the rollback must follow that OVH does not know: a person must look. */
function taskUnknown(sn: string, taskId: number): never {
  throw new RescueUnreachableError(
    `OVH still answers 404 for task ${taskId} of ${sn} after the ${TASK_READ_GRACE_MS / 60_000}-minute grace for fresh tasks, so the rollback cannot tell what runs on the server; check it in the OVH control panel.`,
  );
}

/** Polls a task until it leaves init/todo/doing or `untilMs` passes; returns its last state. */
async function waitForTaskEnd(
  api: OvhCaller,
  sn: string,
  taskId: number,
  options: RollbackOptions,
  untilMs = options.deadlineMs,
): Promise<OvhTask> {
  const { waiter } = options;
  for (;;) {
    const task = (await readTask(api, sn, taskId, options, untilMs)) ?? taskUnknown(sn, taskId);
    waiter.heartbeat();
    if (!isPendingTaskStatus(task.status) || waiter.now() + options.pollMs > untilMs) return task;
    await waiter.sleep(options.pollMs);
  }
}

/**
 * Makes sure the deployment task no longer runs: cancelled while it waits (init/todo), awaited while it
 * runs (OVH cannot stop a running installer) for at most half the time left, after which the rollback
 * reboots into rescue anyway, as a person would with a hung installer. Returns the ID when it was cancelled.
 */
export async function settleDeploymentTask(
  api: OvhCaller,
  sn: string,
  taskId: number,
  options: RollbackOptions,
): Promise<number | undefined> {
  let task = (await readTask(api, sn, taskId, options)) ?? taskUnknown(sn, taskId);
  if (task.status === 'init' || task.status === 'todo') {
    try {
      await cancelTask(api, sn, taskId);
    } catch (error) {
      // The task started running between the read and the cancel: OVH refuses (4xx); wait for it instead.
      if (!(error instanceof OvhApiError) || error.status === undefined || error.status >= 500) throw error;
    }
    task = (await readTask(api, sn, taskId, options)) ?? taskUnknown(sn, taskId);
    if (task.status === 'cancelled') return taskId;
  }
  if (task.status === 'doing') {
    const now = options.waiter.now();
    await waitForTaskEnd(api, sn, taskId, options, now + (options.deadlineMs - now) / 2);
  }
  return undefined;
}

async function rescueBootIdOf(api: OvhCaller, sn: string): Promise<number> {
  const ids = await listBootIds(api, sn, 'rescue');
  const first = ids[0];
  if (first === undefined) {
    throw new RescueUnreachableError(
      `OVH lists no rescue boot for ${sn}, so it cannot be put in rescue; open a ticket with OVH.`,
    );
  }
  return first;
}

/** The reboot an earlier attempt started: still running (follow it), done (nothing to do), or none. */
async function earlierReboot(
  api: OvhCaller,
  sn: string,
  options: RollbackOptions,
): Promise<{ task?: OvhTask; finished: boolean }> {
  const previous = options.checkpoint.rebootTaskId;
  if (previous !== undefined) {
    // A fresh reboot task may answer 404 for minutes: only one OVH does not know past the grace is gone.
    const task = await readTask(api, sn, previous, options);
    if (task && isPendingTaskStatus(task.status)) return { task, finished: false };
    if (task?.status === 'done') return { task, finished: true };
    return { finished: false };
  }
  if (options.attempt <= 1) return { finished: false };
  // A retry without checkpoint: the lost POST /reboot may have created a task that still runs.
  return { task: (await listPendingTasks(api, sn, 'hardReboot')).at(-1), finished: false };
}

/** Waits for the reboot task; anything but done means rescue was not reached. */
async function awaitReboot(api: OvhCaller, sn: string, task: OvhTask, options: RollbackOptions): Promise<void> {
  const ended = await waitForTaskEnd(api, sn, task.taskId, options);
  if (isPendingTaskStatus(ended.status)) {
    throw new RescueUnreachableError(
      `The reboot into rescue of ${sn} (task ${ended.taskId}) is still ${ended.status} at the rollback deadline; check the server in the OVH control panel.`,
    );
  }
  if (ended.status !== 'done') {
    throw new RescueUnreachableError(
      `The reboot into rescue of ${sn} ended as ${ended.status} (task ${ended.taskId}: ${ended.comment ?? 'no comment'}); check the server in the OVH control panel.`,
    );
  }
}

/**
 * Sets the server's boot to rescue unless it is already; returns the rescue boot ID used. A known ID that
 * OVH refuses (400: the server no longer offers it) is looked up again once.
 */
async function bootIntoRescue(api: OvhCaller, sn: string, known: number | undefined): Promise<number> {
  let rescueBootId = known ?? (await rescueBootIdOf(api, sn));
  const server = await getServer(api, sn);
  if (server.bootId === rescueBootId) return rescueBootId;
  try {
    await setBootId(api, sn, rescueBootId);
  } catch (error) {
    if (known === undefined || !isOvhError(error, 400)) throw error;
    rescueBootId = await rescueBootIdOf(api, sn);
    if (server.bootId !== rescueBootId) await setBootId(api, sn, rescueBootId);
  }
  return rescueBootId;
}

/** Rescue boot, reboot, wait, verify. Returns the rescue boot ID and the reboot task it waited for. */
export async function bringToRescue(
  api: OvhCaller,
  sn: string,
  options: RollbackOptions,
): Promise<{ rescueBootId: number; rebootTaskId?: number }> {
  const rescueBootId = await bootIntoRescue(api, sn, options.rescueBootId);
  const earlier = await earlierReboot(api, sn, options);
  let rebootTask = earlier.task;
  if (!earlier.finished) {
    rebootTask = rebootTask ?? (await reboot(api, sn));
    options.checkpoint.rebootTaskId = rebootTask.taskId;
    options.waiter.heartbeat();
    await awaitReboot(api, sn, rebootTask, options);
  }
  const after = await getServer(api, sn);
  if (after.bootId !== rescueBootId) {
    throw new RescueUnreachableError(
      `After the reboot, ${sn} boots ${after.bootId ?? 'nothing'} instead of the rescue boot ${rescueBootId}; someone changed it meanwhile, check the server.`,
    );
  }
  return { rescueBootId, rebootTaskId: rebootTask?.taskId };
}
