/**
 * The `hooks` and `notify` sections of the campaign file: the team's code that runs around each server's
 * wipe, boot and rollback (a webhook, or a Temporal workflow on the team's task queue), and the campaign
 * events sent to chat or incident tools. Hosts are checked against the worker's allow-list by the plan
 * (hook-hosts.ts), not here: the file does not know the worker's environment.
 */
import { z } from 'zod';
import { NOTIFY_EVENTS, NOTIFY_FORMATS } from '../domain/hooks';
import { webhookUrlProblem } from './hook-hosts';
import { check, duration } from '../input/fields';
import { secretString } from './schema-fields';
import { quote } from '../input/quote';

function workflowTypeProblem(text: string): string | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return undefined;
  return `must be a workflow type name (letters, digits, underscores) such as "drainNode" (got ${quote(text)})`;
}

function webhookFields(defaultTimeout: string) {
  return {
    url: z
      .string()
      .superRefine(check(webhookUrlProblem))
      .describe('URL the JSON body is POSTed to: https, or http to a loopback address only.'),
    secret: secretString(
      'HMAC-SHA256 key: each request carries X-Reimage-Signature: sha256=<hex HMAC of the body>. Write it as ' +
        'a ${NAME} reference resolved on the worker (or encrypt payloads with REIMAGE_CODEC_KEYS).',
    ).optional(),
    timeout: duration(
      'Time the whole delivery may take, retries included (5xx answers and timeouts are retried with backoff; a 4xx refuses at once).',
      { positive: true },
    ).default(defaultTimeout),
  };
}

const hookWebhookSchema = z.object(webhookFields('30s')).strict().describe('POST the hook payload; 2xx is success.');

const hookWorkflowSchema = z
  .object({
    type: z
      .string()
      .superRefine(check(workflowTypeProblem))
      .describe('Workflow type the team registers on its own worker, e.g. "drainNode".'),
    taskQueue: z.string().min(1).describe('Task queue the team\'s worker polls, e.g. "k8s-ops".'),
    timeout: duration('Time the workflow may run (its execution timeout).', { positive: true }).default('30m'),
  })
  .strict()
  .describe("Start this workflow as a child with the hook payload; its result or failure is the hook's.");

const hookSchema = z
  .object({ webhook: hookWebhookSchema.optional(), workflow: hookWorkflowSchema.optional() })
  .strict()
  .superRefine((hook, ctx) => {
    if (hook.webhook !== undefined && hook.workflow !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'has both webhook and workflow; a hook is one of them, keep one',
      });
    } else if (hook.webhook === undefined && hook.workflow === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must have a webhook or a workflow' });
    }
  });

/** The `hooks` section. */
export const hooksSchema = z
  .object({
    beforeWipe: hookSchema
      .optional()
      .describe(
        'After the preflight passed, before the install starts (drain). A failure leaves the server untouched: outcome hook_failed.',
      ),
    afterBoot: hookSchema
      .optional()
      .describe(
        'After the new OS is verified (put back in service). A failure gives hook_failed: the install stays, no rollback.',
      ),
    afterRollback: hookSchema
      .optional()
      .describe('After a rollback to rescue (open a ticket). A failure is recorded in the report, nothing else.'),
  })
  .strict()
  .describe("The team's code around each server's reimage: a webhook or a Temporal workflow per hook.");

/** The `notify` section. */
export const notifySchema = z
  .array(
    z
      .object({
        webhook: z
          .object({
            ...webhookFields('30s'),
            format: z
              .enum(NOTIFY_FORMATS)
              .default('generic')
              .describe('Body: "generic" (the JSON event) or "slack" (an incoming-webhook message with blocks).'),
          })
          .strict()
          .describe('Where the events are POSTed.'),
        events: z
          .array(z.enum(NOTIFY_EVENTS))
          .min(1, 'must list at least one event')
          .describe(`Events sent to this webhook: ${NOTIFY_EVENTS.join(', ')}.`),
      })
      .strict(),
  )
  .describe(
    'Campaign events sent to webhooks; a failed delivery never stops the campaign and is recorded in the report.',
  );
