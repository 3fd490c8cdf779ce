/** zod schemas of the hook and notification activities' inputs, checked on entry like every other input. */
import { z } from 'zod';
import {
  HOOK_NAMES,
  NOTIFY_EVENTS,
  NOTIFY_FORMATS,
  type HookSpec,
  type HooksSpec,
  type NotifySpec,
} from '../domain/hooks';
import type { CampaignEvent } from '../shared/campaign-events';
import { CampaignEndState } from '../shared/campaign-types';
import { ServerOutcome } from '../shared/failure-types';
import { isoTime } from './input-schemas';
import type { CheckHookTargetsInput, NotificationInput, WebhookHookInput } from './types';

const webhookTarget = z.object({
  url: z.string().url(),
  secret: z.string().optional(),
  timeoutMs: z.number().int().positive(),
});

const hookSpec: z.ZodType<HookSpec> = z.discriminatedUnion('kind', [
  webhookTarget.extend({ kind: z.literal('webhook') }),
  z.object({
    kind: z.literal('workflow'),
    workflowType: z.string().min(1),
    taskQueue: z.string().min(1),
    timeoutMs: z.number().int().positive(),
  }),
]);

const notifyTarget = webhookTarget.extend({ format: z.enum(NOTIFY_FORMATS) });

const notifySpec: z.ZodType<NotifySpec> = z.object({
  webhook: notifyTarget,
  events: z.array(z.enum(NOTIFY_EVENTS)),
});

const hookServer = z.object({
  serviceName: z.string().min(1),
  datacenter: z.string().optional(),
  rack: z.string().optional(),
});

export const webhookHookInputSchema: z.ZodType<WebhookHookInput> = z.object({
  hook: z.enum(HOOK_NAMES),
  target: webhookTarget,
  payload: z.object({
    event: z.enum(HOOK_NAMES),
    deliveryId: z.string().min(1),
    campaignId: z.string(),
    server: hookServer,
    attempt: z.number().int().positive(),
    outcome: z.string().optional(),
    message: z.string().optional(),
  }),
  deadlineAt: isoTime,
});

const campaignEvent: z.ZodType<CampaignEvent> = z.object({
  event: z.enum(NOTIFY_EVENTS),
  deliveryId: z.string().min(1),
  campaignId: z.string(),
  at: isoTime,
  totals: z.object({
    servers: z.number().int(),
    finished: z.number().int(),
    running: z.number().int(),
    pending: z.number().int(),
    failures: z.number().int(),
    failureBudget: z.number().int(),
    byOutcome: z.record(z.nativeEnum(ServerOutcome), z.number().int()),
  }),
  wave: z.number().int().positive().optional(),
  state: z.nativeEnum(CampaignEndState).optional(),
  reason: z.string().optional(),
  server: hookServer.extend({ outcome: z.nativeEnum(ServerOutcome), message: z.string().optional() }).optional(),
  link: z.string().optional(),
});

export const notificationInputSchema: z.ZodType<NotificationInput> = z.object({
  index: z.number().int().nonnegative(),
  target: notifyTarget,
  event: campaignEvent,
  deadlineAt: isoTime,
});

export const checkHookTargetsInputSchema: z.ZodType<CheckHookTargetsInput> = z.object({
  campaignId: z.string(),
  hooks: z.object(Object.fromEntries(HOOK_NAMES.map((name) => [name, hookSpec.optional()]))).optional() as z.ZodType<
    HooksSpec | undefined
  >,
  notify: z.array(notifySpec).optional(),
  probe: z.boolean(),
});
