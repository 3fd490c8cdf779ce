/**
 * The current route: `POST /dedicated/server/{sn}/reinstall` with `operatingSystem: "byoi_64"` and the image
 * in `customizations` (dedicated.server.Reinstall; docs/ovh-api.md §6, field map in README.md). Progress comes
 * from the task; `install/status` is read only for the failing step's error (or the running step when
 * asked), which saves a call per poll.
 */
import type { DeploymentStep } from '../../domain/deployment';
import type { OvhCaller } from '../client';
import { getInstallStatus, getTask, serverPath } from '../dedicated-server';
import { taskSchema, type OvhInstallStatus, type OvhTask } from '../schemas';
import { bringToRescue, settleDeploymentTask } from './rescue';
import type { DeployRequest, DeploymentRoute, RouteHandle, RouteState, RouteStatus } from './types';

/** OVH's template for a customer image on `/reinstall`. */
export const BYOI_OPERATING_SYSTEM = 'byoi_64';

/** The `dedicated.server.Reinstall` body; only documented fields, and only those that are set. */
export function reinstallBody(request: DeployRequest): Record<string, unknown> {
  const { image, configDrive } = request;
  const customizations: Record<string, unknown> = {
    imageURL: image.url,
    imageType: image.type,
    imageCheckSum: image.checksum?.value,
    imageCheckSumType: image.checksum?.type,
    httpHeaders: image.httpHeaders && Object.keys(image.httpHeaders).length > 0 ? image.httpHeaders : undefined,
    efiBootloaderPath: image.efiBootloaderPath,
    hostname: configDrive?.hostname,
    sshKey: configDrive?.sshKey,
    configDriveUserData: configDrive?.userData,
    configDriveMetadata:
      configDrive?.metadata && Object.keys(configDrive.metadata).length > 0 ? configDrive.metadata : undefined,
  };
  const body: Record<string, unknown> = {
    operatingSystem: BYOI_OPERATING_SYSTEM,
    customizations: defined(customizations),
  };
  if (request.diskGroupId !== undefined) body.storage = [{ diskGroupId: request.diskGroupId }];
  return body;
}

function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** The running step (or the failed one, or the last done one) as "i of N". */
export function currentStep(status: OvhInstallStatus | null): { step?: DeploymentStep; error?: string } {
  const steps = status?.progress ?? [];
  if (steps.length === 0) return {};
  const failed = steps.findIndex((step) => step.status === 'error');
  const doing = steps.findIndex((step) => step.status === 'doing');
  const lastDone = steps.map((step) => step.status).lastIndexOf('done');
  const index = failed >= 0 ? failed : doing >= 0 ? doing : Math.max(lastDone, 0);
  const chosen = steps[index];
  if (!chosen) return {};
  const step = { index: index + 1, total: steps.length, name: chosen.comment };
  return { step, error: failed >= 0 ? chosen.error || undefined : undefined };
}

const TASK_STATES: Record<string, RouteState> = {
  init: 'pending',
  todo: 'pending',
  doing: 'running',
  done: 'done',
  cancelled: 'error',
  customerError: 'error',
  ovhError: 'error',
};

/** Maps a task to a route state; an unknown status is reported as an error naming it. */
function taskState(task: OvhTask): RouteState {
  return TASK_STATES[task.status] ?? 'error';
}

export function createReinstallRoute(api: OvhCaller): DeploymentRoute {
  return {
    name: 'reinstall',

    async start(request: DeployRequest): Promise<OvhTask> {
      return api.request({
        method: 'POST',
        path: serverPath(request.serviceName, '/reinstall'),
        route: '/dedicated/server/{serviceName}/reinstall',
        body: reinstallBody(request),
        schema: taskSchema,
      });
    },

    async status(handle: RouteHandle, options = {}): Promise<RouteStatus> {
      if (handle.taskId === undefined)
        throw new Error(`The reinstall of ${handle.serviceName} has no task ID to follow.`);
      const task = await getTask(api, handle.serviceName, handle.taskId);
      const state = taskState(task);
      if (state === 'pending') return { state, rawStatus: task.status };
      if (state === 'done') return { state, rawStatus: task.status, finishedAt: task.doneDate ?? undefined };
      // The task alone says the install runs; install/status costs a call, read only when the step matters.
      if (state === 'running' && !options.withStep) return { state, rawStatus: task.status };
      // install/status names the running step, and the failing step's error when the task failed.
      const { step, error } = currentStep(await getInstallStatus(api, handle.serviceName));
      const unknown =
        TASK_STATES[task.status] === undefined ? `OVH reported an unknown task status "${task.status}"` : undefined;
      return { state, rawStatus: task.status, step, message: error ?? unknown ?? task.comment ?? undefined };
    },

    async rollback(handle, options) {
      const cancelledTaskId =
        handle.taskId === undefined
          ? undefined
          : await settleDeploymentTask(api, handle.serviceName, handle.taskId, options);
      const rescue = await bringToRescue(api, handle.serviceName, options);
      return { ...rescue, cancelledTaskId };
    },
  };
}
