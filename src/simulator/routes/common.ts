/** Small helpers the route modules share. */
import { TASK_STATUS } from '../catalog';
import { badRequest, objectNotFound } from '../errors';
import type { ServerRecord, TaskRecord } from '../model';
import type { RouteContext } from '../router';
import { taskStatus } from '../timeline';

/** The server named in the path, settled to now, or the OVH 404. */
export function serverOf(ctx: RouteContext): ServerRecord {
  const name = ctx.params.serviceName ?? '';
  const server = ctx.state.server(name);
  if (!server) throw objectNotFound('serviceName', name);
  return server;
}

/** A path or query parameter that must be a long. */
export function longParam(name: string, value: string | undefined): number {
  if (value === undefined || !/^-?\d{1,15}$/.test(value)) {
    throw badRequest(`[${name}] Given data (${value ?? ''}) is not of type long`);
  }
  return Number(value);
}

/** A query parameter that must be one of `values` when present. */
export function enumQuery(
  ctx: RouteContext,
  name: string,
  values: readonly string[],
  enumName: string,
): string | undefined {
  const value = ctx.query.get(name);
  if (value === null) return undefined;
  if (!values.includes(value)) {
    throw badRequest(`[${name}] Given data (${value}) does not belong to the ${enumName} enumeration`);
  }
  return value;
}

/** The install task still in init/todo/doing on this server, if any. */
function runningInstall(ctx: RouteContext, server: ServerRecord): TaskRecord | undefined {
  const now = ctx.state.clock.now();
  return server.active.find((task) => {
    if (!task.deployment) return false;
    const status = taskStatus(task, now).status;
    return status === TASK_STATUS.init || status === TASK_STATUS.todo || status === TASK_STATUS.doing;
  });
}

/** 400 TaskAlreadyExists for a second install while one runs. */
export function assertNoRunningInstall(ctx: RouteContext, server: ServerRecord): void {
  const task = runningInstall(ctx, server);
  if (!task) return;
  const status = taskStatus(task, ctx.state.clock.now()).status;
  throw badRequest(
    `Task ${task.taskId} of type ${task.function} with status ${status} is already running on server ${server.spec.name}`,
    'TaskAlreadyExists',
  );
}
