/**
 * What a task, an install or the legacy BYOI status looks like at a given simulated moment: pure
 * functions of the records and the time, so reading never changes anything.
 */
import { TASK_STATUS, type TaskStatus } from './catalog';
import type { Deployment, TaskRecord } from './model';

const NEVER = Number.POSITIVE_INFINITY;
/** A reboot task stays in `init` this long before the machine is actually power-cycled. */
const REBOOT_INIT_MS = 5_000;
/** Index of the step a never-ending install hangs on. */
const HANG_STEP = 'Deploying OS on disks';

/** When the installer takes the machine over. */
export function installerStart(d: Deployment): number {
  return d.startSim + d.initMs;
}

/** When the install ends, successfully or not; never for `never_ends`. */
export function deploymentEnd(d: Deployment): number {
  if (d.failure) return d.startSim + d.failure.atMs;
  if (d.fault === 'never_ends') return NEVER;
  return installerStart(d) + d.stepMs.reduce((a, b) => a + b, 0);
}

/** The step running at `now` (between installer start and end) and when it started. */
function currentStep(d: Deployment, now: number): { index: number; startedAt: number } {
  let at = installerStart(d);
  const hang = d.fault === 'never_ends' ? d.steps.indexOf(HANG_STEP) : -1;
  for (let index = 0; index < d.steps.length; index++) {
    const next = at + (d.stepMs[index] ?? 0);
    if (now < next || index === hang || index === d.steps.length - 1) return { index, startedAt: at };
    at = next;
  }
  return { index: d.steps.length - 1, startedAt: at };
}

export interface StatusView {
  status: TaskStatus;
  lastUpdate: number;
  doneAt: number | null;
}

/** Status of an install task at `now`. */
export function deploymentStatus(d: Deployment, now: number): StatusView {
  if (d.stoppedAt !== undefined && d.stoppedAt <= now) {
    return { status: TASK_STATUS.cancelled, lastUpdate: d.stoppedAt, doneAt: d.stoppedAt };
  }
  if (now < installerStart(d)) return { status: TASK_STATUS.init, lastUpdate: d.startSim, doneAt: null };
  const end = deploymentEnd(d);
  if (now < end) return { status: TASK_STATUS.doing, lastUpdate: currentStep(d, now).startedAt, doneAt: null };
  return { status: d.failure ? d.failure.taskStatus : TASK_STATUS.done, lastUpdate: end, doneAt: end };
}

/** Status of any task at `now`. */
export function taskStatus(task: TaskRecord, now: number): StatusView {
  if (task.cancelledAt !== undefined) {
    return { status: TASK_STATUS.cancelled, lastUpdate: task.cancelledAt, doneAt: task.cancelledAt };
  }
  if (task.deployment) return deploymentStatus(task.deployment, now);
  const end = task.startSim + (task.rebootMs ?? 0);
  if (now < task.startSim + REBOOT_INIT_MS)
    return { status: TASK_STATUS.init, lastUpdate: task.startSim, doneAt: null };
  if (now < end) return { status: TASK_STATUS.doing, lastUpdate: task.startSim + REBOOT_INIT_MS, doneAt: null };
  return { status: TASK_STATUS.done, lastUpdate: end, doneAt: end };
}

export interface InstallProgress {
  elapsedTime: number;
  progress: Array<{ comment: string; status: string; error: string }>;
}

/** `GET /install/status` at `now`: undefined when nothing is installing (before the installer, after a success). */
export function installProgress(d: Deployment, now: number): InstallProgress | undefined {
  if (d.stoppedAt !== undefined || now < installerStart(d)) return undefined;
  const end = deploymentEnd(d);
  if (!d.failure && now >= end) return undefined;
  const failedAt = d.failure && now >= end ? d.failure.stepIndex : -1;
  const running = failedAt >= 0 ? failedAt : currentStep(d, now).index;
  const progress = d.steps.map((comment, index) => {
    if (index === failedAt) return { comment, status: 'error', error: d.failure?.message ?? '' };
    const status = index < running ? 'done' : index === running && failedAt < 0 ? 'doing' : 'todo';
    return { comment, status, error: '' };
  });
  return { elapsedTime: Math.floor((now - installerStart(d)) / 1000), progress };
}

export interface ByoiStatus {
  checksum: string | null;
  message: string;
  servername: string;
  status: 'doing' | 'done' | 'error';
}

/** Message the legacy route shows once the image is deployed (invented: only failure texts are documented). */
const BYOI_DONE_MESSAGE = 'Image deployed successfully';

/** Legacy `GET /bringYourOwnImage` at `now`: doing/starting, doing/<step>, then done or error. */
export function byoiStatus(d: Deployment, checksum: string | null, servername: string, now: number): ByoiStatus {
  const base = { checksum, servername };
  if (now < installerStart(d)) return { ...base, status: 'doing', message: 'starting' };
  const end = deploymentEnd(d);
  if (now < end) return { ...base, status: 'doing', message: d.steps[currentStep(d, now).index] ?? 'starting' };
  if (d.failure) return { ...base, status: 'error', message: d.failure.legacyMessage };
  return { ...base, status: 'done', message: BYOI_DONE_MESSAGE };
}
