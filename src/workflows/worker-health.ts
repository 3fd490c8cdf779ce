/**
 * workerHealthWorkflow: proves that a worker polls the task queue and runs this project's workflow code.
 * The harness smoke test starts it; it touches no server and has no side effect.
 */
import { workflowInfo } from '@temporalio/workflow';

export interface WorkerHealth {
  ok: true;
  taskQueue: string;
  workflowType: string;
}

/** Completes at once with what the worker sees of itself. */
export async function workerHealthWorkflow(): Promise<WorkerHealth> {
  const info = workflowInfo();
  return { ok: true, taskQueue: info.taskQueue, workflowType: info.workflowType };
}
