/** Task queue names shared by the worker, the CLI and tests. Workflow-safe. */
export const DEFAULT_TASK_QUEUE = 'reimage';
