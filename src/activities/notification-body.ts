/**
 * The bodies a campaign event is sent as: the generic JSON event, or a Slack incoming-webhook message
 * (`text` for notifications and clients without blocks, `blocks` for the channel: campaign, event, counts,
 * the server concerned, and a button to the Temporal UI when the worker knows its URL).
 */
import type { NotifyFormat } from '../domain/hooks';
import type { CampaignEvent } from '../shared/campaign-events';

/** A one-line title of the event, e.g. "Wave 2 finished". */
function titleOf(event: CampaignEvent): string {
  switch (event.event) {
    case 'campaign.started':
      return 'Campaign started';
    case 'wave.finished':
      return `Wave ${event.wave ?? '?'} finished`;
    case 'campaign.awaiting_approval':
      return `Wave ${event.wave ?? '?'} awaits approval (reimage approve ${event.campaignId})`;
    case 'campaign.halted':
      return 'Campaign halted';
    case 'server.failed':
      return `Server ${event.server?.serviceName ?? '?'} failed: ${event.server?.outcome ?? '?'}`;
    case 'campaign.finished':
      return `Campaign finished: ${event.state ?? '?'}`;
  }
}

/** "12/40 finished, 5 running, 23 pending; failures 1/4 budget; done 11, deploy_failed 1". */
function countsLine(totals: CampaignEvent['totals']): string {
  const outcomes = Object.entries(totals.byOutcome).map(([outcome, count]) => `${outcome} ${count}`);
  return (
    `${totals.finished}/${totals.servers} finished, ${totals.running} running, ${totals.pending} pending; ` +
    `failures ${totals.failures}/${totals.failureBudget} budget${outcomes.length > 0 ? `; ${outcomes.join(', ')}` : ''}`
  );
}

function slackBody(event: CampaignEvent): Record<string, unknown> {
  const title = titleOf(event);
  const details = [event.server?.message, event.reason].filter((text): text is string => Boolean(text));
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Campaign*\n${event.campaignId}` },
        { type: 'mrkdwn', text: `*Event*\n${event.event}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: countsLine(event.totals) } },
    ...details.map((text) => ({ type: 'context', elements: [{ type: 'plain_text', text: text.slice(0, 2000) }] })),
  ];
  if (event.link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Temporal UI' }, url: event.link }],
    });
  }
  return { text: `reimage ${event.campaignId}: ${title}`, blocks };
}

/** The JSON body of `event` in `format`. */
export function notificationBody(event: CampaignEvent, format: NotifyFormat): string {
  return JSON.stringify(format === 'slack' ? slackBody(event) : event);
}
