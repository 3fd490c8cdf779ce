/**
 * The one-time token of a server's callback: an HMAC, under the worker's REIMAGE_CALLBACK_SECRET, of the
 * server workflow's ID and run ID and the deployment's number. Only the start activity (which writes it into
 * the user data it posts to OVH) and `reimage callback-server` (which recomputes it) ever hold it: it is not
 * in Temporal history, and nobody without the secret can derive it from the IDs that are.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The deployment a token stands for: one run of a server's workflow and one deployment of that run. */
export interface CallbackRun {
  workflowId: string;
  runId: string;
  /** The deployment's number in its run (1, then +1 per automatic redeploy). */
  deployment: number;
}

/** The token of `run` under `secret` (43 URL-safe characters). */
export function callbackToken(secret: string, run: CallbackRun): string {
  return createHmac('sha256', secret)
    .update(`reimage-callback\n${run.workflowId}\n${run.runId}\n${run.deployment}`)
    .digest('base64url');
}

/** The URL a server calls back: the campaign's base, then the server, its deployment and its token. */
export function callbackUrl(base: string, serviceName: string, deployment: number, token: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(serviceName)}/${deployment}/${token}`;
}

/** What a callback's path names (its last three segments), or undefined when it names nothing valid. */
export function parseCallbackPath(
  pathname: string,
): { serviceName: string; deployment: number; token: string } | undefined {
  const [name, deployment, token] = pathname.split('/').slice(-3);
  if (!name || !deployment || !token || !/^[1-9]\d{0,3}$/.test(deployment) || !/^[\w-]{43}$/.test(token)) {
    return undefined;
  }
  try {
    return { serviceName: decodeURIComponent(name), deployment: Number(deployment), token };
  } catch {
    return undefined;
  }
}

/** Whether two tokens are equal, in time independent of where they differ. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
