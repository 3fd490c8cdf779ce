/** Every workflow the worker registers, as named re-exports (the bundler's entry point). */
export { reimageServerWorkflow } from './reimage-server';
export { reimageCampaignWorkflow } from './reimage-campaign';
export { planCampaignWorkflow } from './plan-campaign';
