/**
 * One webhook delivery: a JSON POST, signed when a secret is set, retried with backoff until a 2xx answer
 * or the delivery's deadline. A 4xx answer refuses at once (the receiver said no: retrying cannot change
 * that). The delivery ID (X-Reimage-Delivery) is the caller's, the same for every try and every retry of
 * the activity, so a receiver can drop a repeat. The host must be on the worker's allow-list, checked here
 * at call time whatever the plan said.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Context, sleep as activitySleep } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { hostAllowed, hostRefusal } from '../campaign/hook-hosts';
import { FailureType } from '../shared/failure-types';
import { beat, type ActivityDeps } from './deps';
import { permanentFailure } from './failures';
import { campaignVariables, describeUrl, resolveSecret } from './secrets';

/** What to deliver, and where. */
export interface Delivery {
  /** Spec path of the URL, e.g. "hooks.beforeWipe.webhook.url", for messages. */
  path: string;
  url: string;
  /** The secret as written: a `${VAR}` reference (resolved here) or, with encrypted payloads, the value. */
  secret?: string;
  /** The X-Reimage-Event header. */
  event: string;
  deliveryId: string;
  body: string;
  /** Epoch ms after which no new try starts. */
  deadlineMs: number;
}

export interface DeliveryResult {
  status: number;
  tries: number;
}

/** One try answers at most this late (less when the deadline is nearer). */
const TRY_TIMEOUT_MS = 10_000;
/** Backoff between tries: 0.5 s, doubling, at most 8 s. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A try is worth starting only with this much time left. */
const MIN_TRY_MS = 100;
/** The part of a refusing answer's body quoted in the failure message. */
const QUOTED_BODY_CHARS = 200;

/** `sha256=<hex HMAC-SHA256 of body under secret>`: the X-Reimage-Signature header value. */
function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Answer {
  status: number;
  text: string;
}

function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> {
  const signal = Context.current().cancellationSignal;
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.request(url, { method: 'POST', headers, timeout: timeoutMs, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

function headersFor(delivery: Delivery, secret: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'reimage-hooks/1',
    'x-reimage-event': delivery.event,
    'x-reimage-delivery': delivery.deliveryId,
    ...(secret !== undefined ? { 'x-reimage-signature': signatureOf(delivery.body, secret) } : {}),
  };
}

/** Refuses a host that is not on the worker's allow-list (the plan checked it too; the worker may have changed). */
function assertAllowed(delivery: Delivery, allowed: readonly string[]): void {
  if (hostAllowed(delivery.url, allowed)) return;
  throw permanentFailure(FailureType.NotAllowed, hostRefusal({ path: delivery.path, url: delivery.url }, allowed));
}

/** Delivers `delivery`; throws HookFailed (non-retryable) on a 4xx, or when no 2xx came before the deadline. */
export async function deliver(
  delivery: Delivery,
  deps: Pick<ActivityDeps, 'env' | 'grant' | 'hookHosts' | 'clock' | 'sleep'>,
): Promise<DeliveryResult> {
  assertAllowed(delivery, deps.hookHosts ?? []);
  const secret =
    delivery.secret === undefined
      ? undefined
      : resolveSecret(delivery.secret, campaignVariables(deps), secretPath(delivery));
  const headers = headersFor(delivery, secret);
  const clock = deps.clock ?? Date.now;
  const target = `POST ${describeUrl(delivery.url)}`;
  let last = '';
  let backoff = FIRST_BACKOFF_MS;
  for (let tries = 1; ; tries += 1) {
    const timeoutMs = Math.max(1, Math.min(TRY_TIMEOUT_MS, delivery.deadlineMs - clock()));
    try {
      const answer = await post(delivery.url, headers, delivery.body, timeoutMs);
      if (answer.status >= 200 && answer.status < 300) return { status: answer.status, tries };
      last = `HTTP ${answer.status}`;
      if (answer.status >= 400 && answer.status < 500) {
        const quoted = answer.text.trim().slice(0, QUOTED_BODY_CHARS);
        throw permanentFailure(
          FailureType.HookFailed,
          `${target} was refused with HTTP ${answer.status}${quoted ? ` (${JSON.stringify(quoted)})` : ''}; a 4xx answer is not retried.`,
          { status: answer.status, deliveryId: delivery.deliveryId },
        );
      }
    } catch (error) {
      if (error instanceof ApplicationFailure || Context.current().cancellationSignal.aborted) throw error;
      last = (error as Error).message;
    }
    beat({ tries, last });
    // Another try is worth it only with MIN_TRY_MS left for it after the pause.
    const room = delivery.deadlineMs - clock() - MIN_TRY_MS;
    if (room <= 0) {
      throw permanentFailure(
        FailureType.HookFailed,
        `${target} gave no 2xx answer before its timeout (${tries} ${tries === 1 ? 'try' : 'tries'}, last: ${last}).`,
        { tries, deliveryId: delivery.deliveryId },
      );
    }
    await (deps.sleep ?? activitySleep)(Math.min(backoff, room));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

function secretPath(delivery: Delivery): string {
  return delivery.path.replace(/\.url$/, '.secret');
}
