/** Campaign settings for tests: small deadlines, one wave, no window, unless a test says otherwise. */
import type { CampaignSettings } from '../../../src/shared/campaign-types';

export function testSettings(taskQueue: string, overrides: Partial<CampaignSettings> = {}): CampaignSettings {
  return {
    route: 'reinstall',
    image: { url: 'https://images.example.test/debian12.qcow2', type: 'qcow2' },
    deadlines: { installMs: 60_000, bootMs: 30_000, rollbackMs: 30_000 },
    poll: { minMs: 50, maxMs: 200 },
    redeployAfterRollback: 0,
    maxParallel: { count: 5 },
    waves: [],
    failureBudget: { count: 0 },
    bakeTimeMs: 0,
    approval: 'none',
    failurePolicy: 'finish',
    atClose: 'continue',
    qualifyImage: true,
    taskQueue,
    ...overrides,
  };
}
