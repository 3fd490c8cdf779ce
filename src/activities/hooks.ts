/**
 * The hook and notification activities: a webhook hook (the hook payload, POSTed once per hook and attempt),
 * a campaign notification (generic or Slack body), and the plan's check of every webhook (allow-list, and
 * with `probe` a signed `ping` event it must answer with a 2xx).
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { hostAllowed, hostRefusal, campaignWebhooks } from '../campaign/hook-hosts';
import { HOOK_NAMES } from '../domain/hooks';
import type { ActivityDeps } from './deps';
import { notificationBody } from './notification-body';
import { describeUrl } from './secrets';
import type { HookTargetCheck } from '../shared/plan-types';
import type { CheckHookTargetsInput, NotificationInput, WebhookHookInput, WebhookHookResult } from './types';
import { deliver } from './webhook';

/** What the hook activities need of the worker: no OVH client. */
export type HookDeps = Pick<
  ActivityDeps,
  'env' | 'grant' | 'hookHosts' | 'uiUrl' | 'clock' | 'sleep' | 'callbackSecret'
>;

/** How long the plan's ping may take, retries included. */
const PING_TIMEOUT_MS = 5_000;

/** POSTs a hook payload to its webhook. */
export function callWebhookHook(input: WebhookHookInput, deps: HookDeps): Promise<WebhookHookResult> {
  const { hook, target, payload } = input;
  return deliver(
    {
      path: `hooks.${hook}.webhook.url`,
      url: target.url,
      secret: target.secret,
      event: hook,
      deliveryId: payload.deliveryId,
      body: JSON.stringify(payload),
      deadlineMs: Date.parse(input.deadlineAt),
    },
    deps,
  );
}

/** The campaign's page in the Temporal Web UI (the calling workflow is the campaign). */
function campaignLink(uiUrl: string): string {
  const { workflowNamespace, workflowExecution } = activityInfo();
  const namespace = encodeURIComponent(workflowNamespace ?? 'default');
  return `${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowExecution?.workflowId ?? '')}`;
}

/** Sends a campaign event to one notify target. */
export function deliverNotification(input: NotificationInput, deps: HookDeps): Promise<WebhookHookResult> {
  const { target, index } = input;
  const event = deps.uiUrl ? { ...input.event, link: campaignLink(deps.uiUrl) } : input.event;
  return deliver(
    {
      path: `notify[${index}].webhook.url`,
      url: target.url,
      secret: target.secret,
      event: event.event,
      deliveryId: event.deliveryId,
      body: notificationBody(event, target.format),
      deadlineMs: Date.parse(input.deadlineAt),
    },
    deps,
  );
}

/** The secret of the webhook at `path`, as the campaign wrote it. */
function secretAt(input: CheckHookTargetsInput, path: string): string | undefined {
  for (const name of HOOK_NAMES) {
    const hook = input.hooks?.[name];
    if (hook?.kind === 'webhook' && path === `hooks.${name}.webhook.url`) return hook.secret;
  }
  const index = /^notify\[(\d+)\]/.exec(path)?.[1];
  return index === undefined ? undefined : input.notify?.[Number(index)]?.webhook.secret;
}

/** Checks every webhook of a campaign against the allow-list and, with `probe`, pings it. */
export async function checkHookTargets(input: CheckHookTargetsInput, deps: HookDeps): Promise<HookTargetCheck[]> {
  const allowed = deps.hookHosts ?? [];
  const checks: HookTargetCheck[] = [];
  for (const ref of campaignWebhooks(input.hooks, input.notify)) {
    const base = { path: ref.path, target: describeUrl(ref.url) };
    if (!hostAllowed(ref.url, allowed)) {
      checks.push({ ...base, allowed: false, message: hostRefusal(ref, allowed) });
      continue;
    }
    if (!input.probe) {
      checks.push({ ...base, allowed: true, message: 'on the allow-list' });
      continue;
    }
    const secret = secretAt(input, ref.path);
    try {
      const answer = await deliver(
        {
          path: ref.path,
          url: ref.url,
          secret,
          event: 'ping',
          deliveryId: `ping/${input.campaignId}/${ref.path}`,
          body: JSON.stringify({ event: 'ping', campaignId: input.campaignId }),
          deadlineMs: Date.now() + PING_TIMEOUT_MS,
        },
        deps,
      );
      checks.push({ ...base, allowed: true, answers: true, message: `answers a ping with HTTP ${answer.status}` });
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      checks.push({ ...base, allowed: true, answers: false, message: error.message });
    }
  }
  return checks;
}
