/**
 * What `reimage plan` says of a campaign's completion.callback: whether `reimage callback-server` answers
 * at that URL, tried from the machine the CLI runs on (the operator's; the fleet's network may differ, so
 * an answer that is missing is a warning, never a refusal). One GET, bounded in time; the receiver answers
 * it 405 with its own header, never 2xx.
 */
import { CALLBACK_SERVER_HEADER } from './callback-receiver';

/** How long the plan waits for the callback URL to answer: a listening receiver answers at once. */
export const CALLBACK_PROBE_TIMEOUT_MS = 3_000;

const LOST =
  "servers' callbacks would be lost and each server found by polling; run reimage callback-server where that URL points";

/** The code of a failed fetch (ECONNREFUSED, ENOTFOUND, a TLS error), or its message. */
function failureReason(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  return failure.cause?.code ?? failure.cause?.message ?? failure.message;
}

/** The plan's line on the callback URL `url`: a receiver answers there, or a warning saying what did. */
export async function callbackUrlLine(url: string, timeoutMs = CALLBACK_PROBE_TIMEOUT_MS): Promise<string> {
  const where = 'completion.callback (tried from this machine)';
  let answer: Response;
  try {
    answer = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await answer.body?.cancel();
  } catch (error) {
    return `${where}: nothing answered at ${url} (${failureReason(error, timeoutMs)}): ${LOST}`;
  }
  if (answer.status === 405 && answer.headers.get(CALLBACK_SERVER_HEADER) === '1') {
    return `${where}: reimage callback-server answers at ${url}`;
  }
  return `${where}: ${url} answered, but not as reimage callback-server (HTTP ${answer.status}): ${LOST}`;
}
