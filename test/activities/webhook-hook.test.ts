/**
 * The webhook side of hooks and notifications, in MockActivityEnvironment against a real HTTPS receiver
 * signed by the test CA: signatures, delivery IDs across retries, 4xx refusals, timeouts, the allow-list at
 * call time, notification bodies (generic and Slack) and the plan's check of every webhook.
 */
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import type { CheckHookTargetsInput, NotificationInput, WebhookHookInput } from '../../src/activities/types';
import type { NotifyFormat } from '../../src/domain/hooks';
import { OvhClient } from '../../src/ovh/client';
import { startHookReceiver, type HookReceiver } from '../../testkit/hook-receiver';
import { testCa } from '../helpers/simulator';
import { waitFor } from '../helpers/wait-for';
import { inMs, mockEnv } from './helpers/harness';

const SECRET = 'hook-secret-from-worker-env';

let receiver: HookReceiver;
beforeAll(async () => {
  receiver = await startHookReceiver(testCa());
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.deliveries.length = 0;
  receiver.answer(() => 200);
});

/** The activities with the receiver's host allowed; no OVH call is made by them (the client is never used). */
function activities(extra: Partial<ActivityDeps> = {}) {
  const ovh = new OvhClient({ endpoint: 'https://127.0.0.1:9/1.0', appKey: 'k', appSecret: 's', consumerKey: 'c' });
  return createActivities({
    ovh,
    env: { HOOK_SECRET: SECRET },
    grant: { names: ['HOOK_SECRET'], withheld: [] },
    hookHosts: [receiver.host],
    ...extra,
  });
}

function hookInput(overrides: Partial<WebhookHookInput> = {}): WebhookHookInput {
  return {
    hook: 'beforeWipe',
    target: { url: receiver.url('/lb'), secret: '${HOOK_SECRET}', timeoutMs: 5000 },
    payload: {
      event: 'beforeWipe',
      deliveryId: 'spring/ns1.test.eu/1/beforeWipe',
      campaignId: 'spring',
      server: { serviceName: 'ns1.test.eu', datacenter: 'rbx8', rack: 'R12' },
      attempt: 1,
    },
    deadlineAt: inMs(5000),
    ...overrides,
  };
}

/** What the activity threw: type, message and whether Temporal may retry it. */
async function failureOf(run: Promise<unknown>) {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return { type: error.type, message: error.message, nonRetryable: error.nonRetryable };
}

describe('webhook hooks', () => {
  it('POSTs the payload signed with the HMAC-SHA256 of the secret resolved on the worker, under its delivery ID', async () => {
    const input = hookInput();
    const result = await mockEnv().run(activities().callWebhookHook, input);
    expect(result).toEqual({ status: 200, tries: 1 });
    const [delivery] = receiver.to('/lb');
    expect(JSON.parse(delivery!.body)).toEqual(input.payload);
    expect(delivery).toMatchObject({ event: 'beforeWipe', deliveryId: 'spring/ns1.test.eu/1/beforeWipe' });
    const expected = `sha256=${createHmac('sha256', SECRET).update(delivery!.body).digest('hex')}`;
    expect(delivery!.signature).toBe(expected);
  });

  it('retries 5xx answers with backoff under the same delivery ID and body until a 2xx', async () => {
    receiver.answer((_delivery, nth) => (nth < 2 ? 503 : 204));
    const result = await mockEnv().run(activities().callWebhookHook, hookInput());
    expect(result).toEqual({ status: 204, tries: 3 });
    const tries = receiver.to('/lb');
    expect(tries.map((d) => d.deliveryId)).toEqual(Array(3).fill('spring/ns1.test.eu/1/beforeWipe'));
    expect(new Set(tries.map((d) => `${d.body}|${d.signature}`)).size).toBe(1);
    // Backoff 0.5 s, then 1 s.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(450);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('refuses at once on a 4xx answer, quoting it, without retrying', async () => {
    receiver.answer(() => ({ status: 409, body: 'node is the last one in its pool' }));
    expect(await failureOf(mockEnv().run(activities().callWebhookHook, hookInput()))).toEqual({
      type: 'HookFailed',
      message: `POST ${receiver.url('/lb')} was refused with HTTP 409 ("node is the last one in its pool"); a 4xx answer is not retried.`,
      nonRetryable: true,
    });
    expect(receiver.to('/lb')).toHaveLength(1);
  });

  it('gives up when no 2xx came before the deadline, naming the last problem', async () => {
    receiver.answer(() => 'hang');
    const failure = await failureOf(mockEnv().run(activities().callWebhookHook, hookInput({ deadlineAt: inMs(800) })));
    expect(failure).toEqual({ type: 'HookFailed', message: expect.any(String), nonRetryable: true });
    expect(failure.message).toMatch(
      new RegExp(
        `^POST ${receiver.url('/lb')} gave no 2xx answer before its timeout \\(1 try, last: no answer within \\d+ ms\\)\\.$`,
      ),
    );
    expect(receiver.to('/lb')).toHaveLength(1);
    await waitFor(() => receiver.to('/lb')[0]!.abandoned, { what: 'the receiver to see the request abandoned' });
  });

  it('refuses a host that is not on the worker allow-list at call time, sending nothing', async () => {
    const acts = activities({ hookHosts: ['lb.example.com'] });
    expect(await failureOf(mockEnv().run(acts.callWebhookHook, hookInput()))).toEqual({
      type: 'NotAllowed',
      message: `hooks.beforeWipe.webhook.url: "${receiver.host}" is not on the worker's hook allow-list (REIMAGE_HOOK_HOSTS; it holds lb.example.com); add the host there or change the URL`,
      nonRetryable: true,
    });
    expect(receiver.deliveries).toEqual([]);
  });

  it('names the variable when the secret refers to one the worker does not have', async () => {
    const acts = activities({ env: {} });
    expect(await failureOf(mockEnv().run(acts.callWebhookHook, hookInput()))).toEqual({
      type: 'ConfigurationError',
      message:
        "hooks.beforeWipe.webhook.secret references ${HOOK_SECRET}, which is not set in the worker's environment; set HOOK_SECRET on every worker (or remove the reference).",
      nonRetryable: true,
    });
  });
});

describe('notifications', () => {
  const event: NotificationInput['event'] = {
    event: 'server.failed',
    deliveryId: 'spring/notify/7/0',
    campaignId: 'spring',
    at: '2025-06-03T20:15:00.000Z',
    totals: {
      servers: 40,
      finished: 12,
      running: 5,
      pending: 23,
      failures: 1,
      failureBudget: 4,
      byOutcome: { done: 11, deploy_failed: 1 },
    },
    server: { serviceName: 'ns1.test.eu', outcome: 'deploy_failed', message: 'Could not download image.' },
  };
  /** Sends `event` to receiver path `path` as notify[index], from a worker that knows the UI's URL. */
  function notify(index: number, path: string, format: NotifyFormat) {
    const target = { url: receiver.url(path), format, timeoutMs: 5000 };
    const acts = activities({ uiUrl: 'http://127.0.0.1:8233' });
    return mockEnv(info).run(acts.deliverNotification, { index, target, event, deadlineAt: inMs(5000) });
  }
  const info = { workflowNamespace: 'prod', workflowExecution: { workflowId: 'campaign/spring', runId: 'r1' } };

  it('sends the generic JSON event with a link to the campaign in the Temporal UI', async () => {
    await notify(0, '/events', 'generic');
    const [delivery] = receiver.to('/events');
    expect(delivery).toMatchObject({ event: 'server.failed', deliveryId: 'spring/notify/7/0', signature: undefined });
    expect(JSON.parse(delivery!.body)).toEqual({
      ...event,
      link: 'http://127.0.0.1:8233/namespaces/prod/workflows/campaign%2Fspring',
    });
  });

  it('sends a Slack message: text, then blocks with the campaign, the event, the counts, the server and the link', async () => {
    await notify(1, '/slack', 'slack');
    expect(JSON.parse(receiver.to('/slack')[0]!.body)).toEqual({
      text: 'reimage spring: Server ns1.test.eu failed: deploy_failed',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Server ns1.test.eu failed: deploy_failed' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Campaign*\nspring' },
            { type: 'mrkdwn', text: '*Event*\nserver.failed' },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '12/40 finished, 5 running, 23 pending; failures 1/4 budget; done 11, deploy_failed 1',
          },
        },
        { type: 'context', elements: [{ type: 'plain_text', text: 'Could not download image.' }] },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open in Temporal UI' },
              url: 'http://127.0.0.1:8233/namespaces/prod/workflows/campaign%2Fspring',
            },
          ],
        },
      ],
    });
  });
});

describe("the plan's check of every webhook", () => {
  it('pings allowed webhooks (signed), says which answer, and refuses the others by name without calling them', async () => {
    receiver.answer((delivery) => (delivery.path === '/gone' ? 404 : 200));
    const input: CheckHookTargetsInput = {
      campaignId: 'spring',
      probe: true,
      hooks: {
        beforeWipe: { kind: 'webhook', url: receiver.url('/lb'), secret: '${HOOK_SECRET}', timeoutMs: 30_000 },
        afterBoot: { kind: 'workflow', workflowType: 'undrainNode', taskQueue: 'k8s-ops', timeoutMs: 60_000 },
        afterRollback: { kind: 'webhook', url: receiver.url('/gone'), timeoutMs: 30_000 },
      },
      notify: [
        {
          webhook: { url: 'https://chat.example.com/x', format: 'slack', timeoutMs: 30_000 },
          events: ['campaign.finished'],
        },
      ],
    };
    const checks = await mockEnv().run(activities({ hookHosts: [receiver.host] }).checkHookTargets, input);
    expect(checks).toEqual([
      {
        path: 'hooks.beforeWipe.webhook.url',
        target: receiver.url('/lb'),
        allowed: true,
        answers: true,
        message: 'answers a ping with HTTP 200',
      },
      {
        path: 'hooks.afterRollback.webhook.url',
        target: receiver.url('/gone'),
        allowed: true,
        answers: false,
        message: `POST ${receiver.url('/gone')} was refused with HTTP 404; a 4xx answer is not retried.`,
      },
      {
        path: 'notify[0].webhook.url',
        target: 'https://chat.example.com/x',
        allowed: false,
        message: `notify[0].webhook.url: "chat.example.com" is not on the worker's hook allow-list (REIMAGE_HOOK_HOSTS; it holds ${receiver.host}); add the host there or change the URL`,
      },
    ]);
    const ping = receiver.to('/lb')[0]!;
    expect(ping).toMatchObject({ event: 'ping', deliveryId: 'ping/spring/hooks.beforeWipe.webhook.url' });
    expect(ping.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(ping.body).digest('hex')}`);
    expect(receiver.deliveries.map((d) => d.path)).toEqual(['/lb', '/gone']);
  });
});
