/**
 * The campaign events notifications carry (the generic JSON body; the Slack format is built from it).
 * Workflow-safe: plain serializable data.
 */
import type { HookServer, NotifyEvent } from '../domain/hooks';
import type { CampaignTotals } from './campaign-report-types';
import type { CampaignEndState } from './campaign-types';
import type { ServerOutcome } from './failure-types';

export interface CampaignEvent {
  event: NotifyEvent;
  /** Same as the X-Reimage-Delivery header: one per event and target, stable across retries. */
  deliveryId: string;
  campaignId: string;
  /** ISO time the campaign workflow raised the event. */
  at: string;
  totals: Pick<
    CampaignTotals,
    'servers' | 'finished' | 'running' | 'pending' | 'failures' | 'failureBudget' | 'byOutcome'
  >;
  /** wave.finished, campaign.awaiting_approval: the wave concerned (1-based). */
  wave?: number;
  /** campaign.finished: how it ended. */
  state?: CampaignEndState;
  /** campaign.halted, campaign.finished: why it stopped, when it did. */
  reason?: string;
  /** server.failed: the server and its outcome. */
  server?: HookServer & { outcome: ServerOutcome; message?: string };
  /** The campaign in the Temporal Web UI, when the worker has REIMAGE_UI_URL. */
  link?: string;
}
