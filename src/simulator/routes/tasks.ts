/**
 * Task routes (list with filters, detail with the flaky-read faults, cancel) and `install/status`.
 */
import { KNOWN_TASK_FUNCTIONS, TASK_STATUS } from '../catalog';
import { badRequest, internalError, objectNotFound, SimHttpError } from '../errors';
import type { TaskRecord } from '../model';
import type { RouteContext, Router } from '../router';
import { installProgress, taskStatus } from '../timeline';
import { taskView } from '../views';
import { enumQuery, longParam, serverOf } from './common';

/** What OVH answers on install/status when no installer runs (observed, body without class). */
const NOT_INSTALLING_MESSAGE = 'Server is not being installed or reinstalled at the moment';

function listTasks(ctx: RouteContext): number[] {
  const server = serverOf(ctx);
  const fn = enumQuery(ctx, 'function', KNOWN_TASK_FUNCTIONS, 'dedicated.TaskFunctionEnum');
  const status = enumQuery(ctx, 'status', Object.values(TASK_STATUS), 'dedicated.TaskStatusEnum');
  const now = ctx.state.clock.now();
  return server.tasks
    .filter(
      (t) => (fn === undefined || t.function === fn) && (status === undefined || taskStatus(t, now).status === status),
    )
    .map((t) => t.taskId);
}

function findTask(ctx: RouteContext): { task: TaskRecord; now: number } {
  const server = serverOf(ctx);
  const taskId = longParam('taskId', ctx.params.taskId);
  const task = server.tasks.find((t) => t.taskId === taskId);
  if (!task) throw objectNotFound('taskId', taskId);
  return { task, now: ctx.state.clock.now() };
}

function getTask(ctx: RouteContext): unknown {
  const { task, now } = findTask(ctx);
  const failure = ctx.state.faults.taskReadFailure(task.reads++);
  if (failure === 404) throw objectNotFound('taskId', task.taskId);
  if (failure === 500) throw internalError('An internal error has occurred while retrieving the task', 'TaskRetrieve');
  return taskView(task, now);
}

function cancelTask(ctx: RouteContext): null {
  const { task, now } = findTask(ctx);
  const status = taskStatus(task, now).status;
  if (status !== TASK_STATUS.init && status !== TASK_STATUS.todo) {
    throw badRequest(
      `Task ${task.taskId} cannot be cancelled because its status is ${status}; only init and todo tasks can be`,
    );
  }
  const server = serverOf(ctx);
  ctx.state.cancel(server, task);
  return null;
}

function installStatus(ctx: RouteContext): unknown {
  const server = serverOf(ctx);
  const progress =
    server.deployment && server.running === 'installer'
      ? installProgress(server.deployment, ctx.state.clock.now())
      : undefined;
  if (!progress) throw new SimHttpError(404, { message: NOT_INSTALLING_MESSAGE });
  return progress;
}

/** Registers task and install-status routes. */
export function registerTaskRoutes(router: Router): void {
  const base = '/dedicated/server/{serviceName}';
  router.add('GET', `${base}/task`, listTasks);
  router.add('GET', `${base}/task/{taskId}`, getTask);
  router.add('POST', `${base}/task/{taskId}/cancel`, cancelTask);
  router.add('GET', `${base}/install/status`, installStatus);
}
