/** Every workflow the worker registers, as named re-exports (the bundler's entry point). */
export { workerHealthWorkflow } from './worker-health';
