/**
 * Lifecycle hooks and notifications: the points of a server's reimage where a team's own code runs (drain
 * before the wipe, put back after the boot, open a ticket after a rollback), the campaign events people are
 * told about, and the JSON body both receive. Domain vocabulary: imports nothing, workflow-safe.
 */

/** Where a hook runs in a server's reimage, in order. */
export const HOOK_NAMES = ['beforeWipe', 'afterBoot', 'afterRollback'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Campaign events a notification may subscribe to. */
export const NOTIFY_EVENTS = [
  'campaign.started',
  'wave.finished',
  'campaign.awaiting_approval',
  'campaign.halted',
  'server.failed',
  'campaign.finished',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Bodies a notification is sent as: the generic JSON body, or a Slack incoming-webhook message. */
export const NOTIFY_FORMATS = ['generic', 'slack'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/** An HTTPS POST target (plain HTTP only to loopback addresses). */
export interface WebhookTarget {
  url: string;
  /** HMAC-SHA256 key of the X-Reimage-Signature header; a `${VAR}` reference resolved on the worker. */
  secret?: string;
  /** The whole delivery, retries included. */
  timeoutMs: number;
}

/** A hook: a webhook, or a workflow the team runs on its own task queue (started as a child workflow). */
export type HookSpec =
  | ({ kind: 'webhook' } & WebhookTarget)
  | { kind: 'workflow'; workflowType: string; taskQueue: string; timeoutMs: number };

export type HooksSpec = Partial<Record<HookName, HookSpec>>;

/** One notification target and the events it receives. */
export interface NotifySpec {
  webhook: WebhookTarget & { format: NotifyFormat };
  events: NotifyEvent[];
}

/** The server a hook is about. */
export interface HookServer {
  serviceName: string;
  datacenter?: string;
  rack?: string;
}

/** The JSON body of a webhook hook, and the input of a workflow hook. */
export interface HookPayload {
  event: HookName;
  /** Same value as the X-Reimage-Delivery header: one per hook and attempt, stable across retries. */
  deliveryId: string;
  campaignId: string;
  server: HookServer;
  /** The campaign's attempt for this server: 1, then +1 per operator retry. */
  attempt: number;
  /** afterRollback: the outcome that caused the rollback. */
  outcome?: string;
  /** afterRollback: why the server was rolled back. */
  message?: string;
}
