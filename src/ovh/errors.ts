/**
 * One error type for every failed OVH call, and one classify() that decides retryable versus permanent.
 * Messages name the method, the path and OVH's own words; they never contain request bodies.
 */

/** How a call failed: OVH answered with an error status, the network failed, our timer fired, the answer
 * was not what the schema promises, or the client could not fetch OVH's clock. */
export const OvhErrorKind = {
  Http: 'http',
  Network: 'network',
  Timeout: 'timeout',
  InvalidResponse: 'invalid-response',
  Auth: 'auth',
} as const;
export type OvhErrorKind = (typeof OvhErrorKind)[keyof typeof OvhErrorKind];

export interface OvhApiErrorInit {
  kind: OvhErrorKind;
  method: string;
  path: string;
  /** HTTP status; undefined when no answer came. */
  status?: number;
  /** OVH's error class (e.g. `Client::BadRequest::TaskAlreadyExists`), read from the raw body. */
  errorClass?: string;
  /** OVH's `errorCode` (older error bodies, e.g. `INVALID_SIGNATURE`). */
  errorCode?: string;
  /** OVH's own message, or a description of the network failure. */
  ovhMessage: string;
  /** `X-Ovh-QueryID`, read through node's http diagnostics channel; undefined when the answer carried none
   * (node-ovh itself hides response headers). */
  queryId?: string;
  /** From a 429's `Retry-After` header. */
  retryAfterMs?: number;
  /** OVH's `details` map, e.g. `unauthorizedActionsByIAM` on an IAM refusal; string values only. */
  details?: Record<string, string>;
}

/** A failed OVH API call. */
export class OvhApiError extends Error {
  override name = 'OvhApiError';
  readonly kind: OvhErrorKind;
  readonly status?: number;
  readonly errorClass?: string;
  readonly errorCode?: string;
  readonly ovhMessage: string;
  readonly queryId?: string;
  readonly method: string;
  readonly path: string;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, string>;

  constructor(init: OvhApiErrorInit) {
    super(describe(init));
    this.kind = init.kind;
    this.status = init.status;
    this.errorClass = init.errorClass;
    this.errorCode = init.errorCode;
    this.ovhMessage = init.ovhMessage;
    this.queryId = init.queryId;
    this.method = init.method;
    this.path = init.path;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }

  /** Plain data for ApplicationFailure details and logs (no request body, no credentials). */
  toDetails(): Record<string, unknown> {
    return {
      kind: this.kind,
      status: this.status,
      class: this.errorClass,
      errorCode: this.errorCode,
      message: this.ovhMessage,
      queryId: this.queryId,
      method: this.method,
      path: this.path,
      details: this.details,
    };
  }
}

function describe(init: OvhApiErrorInit): string {
  const call = `${init.method} ${init.path}`;
  const query = init.queryId ? ` (OVH query ID ${init.queryId})` : '';
  switch (init.kind) {
    case OvhErrorKind.Http: {
      const label = [init.status, init.errorClass ?? init.errorCode].filter(Boolean).join(' ');
      return `OVH answered ${label} to ${call}: ${init.ovhMessage}${query}`;
    }
    case OvhErrorKind.Timeout:
      return `OVH did not answer ${call} in time: ${init.ovhMessage}. The call may still have taken effect.`;
    case OvhErrorKind.InvalidResponse:
      return `OVH's answer to ${call} does not match the documented model: ${init.ovhMessage}${query}`;
    case OvhErrorKind.Auth:
      return `The OVH client could not authenticate ${call}: ${init.ovhMessage}`;
    default:
      return `The network failed during ${call}: ${init.ovhMessage}. The call may still have taken effect.`;
  }
}

/** True when `error` is an OvhApiError with this status (and class prefix, when given). */
export function isOvhError(error: unknown, status?: number, classPrefix?: string): error is OvhApiError {
  if (!(error instanceof OvhApiError)) return false;
  if (status !== undefined && error.status !== status) return false;
  return classPrefix === undefined || (error.errorClass ?? '').startsWith(classPrefix);
}

/** Terraform's grace period for the Dedicated Server API's transient 404s on task reads. */
export const TASK_READ_GRACE_MS = 5 * 60_000;

export interface ClassifyContext {
  /** The call reads a task (`GET .../task/{id}`), where OVH answers transient 404s. */
  isTaskRead?: boolean;
  /** Epoch ms of the first failure of this read in a row (for the 404 grace period). */
  firstSeenAt?: number;
  now?: number;
  graceMs?: number;
}

export interface Classification {
  retryable: boolean;
  /** One sentence naming the rule that decided. */
  reason: string;
  /** Wait before retrying (a 429's Retry-After). */
  retryAfterMs?: number;
}

/**
 * Retryable: 429, 5xx (except 501 Not Implemented), network errors, timeouts, and 404 on task reads for
 * `graceMs` after the first one. Permanent: other 4xx, 501, answers that break the schema.
 */
export function classify(error: unknown, context: ClassifyContext = {}): Classification {
  if (!(error instanceof OvhApiError))
    return { retryable: false, reason: 'The failure did not come from the OVH API.' };
  if (error.kind === OvhErrorKind.Network || error.kind === OvhErrorKind.Timeout) {
    return { retryable: true, reason: 'No answer came from OVH; the call can be repeated.' };
  }
  if (error.kind === OvhErrorKind.Auth) {
    if (error.status !== undefined && error.status >= 400 && error.status < 500) {
      return { retryable: false, reason: 'OVH refused the credentials.' };
    }
    return { retryable: true, reason: 'The client could not reach OVH to authenticate.' };
  }
  if (error.kind === OvhErrorKind.InvalidResponse || error.status === undefined) {
    return { retryable: false, reason: 'OVH answered something the documented model does not allow.' };
  }
  return classifyStatus(error.status, error.retryAfterMs, context);
}

function classifyStatus(status: number, retryAfterMs: number | undefined, context: ClassifyContext): Classification {
  if (status === 429) return { retryable: true, reason: 'OVH is rate limiting this account.', retryAfterMs };
  if (status === 501) return { retryable: false, reason: 'OVH does not implement this request.' };
  if (status >= 500) return { retryable: true, reason: `OVH had an internal error (${status}).` };
  if (status === 404 && context.isTaskRead) {
    const now = context.now ?? Date.now();
    const elapsed = now - (context.firstSeenAt ?? now);
    if (elapsed < (context.graceMs ?? TASK_READ_GRACE_MS)) {
      return { retryable: true, reason: 'OVH often answers 404 on a fresh task for a few minutes.' };
    }
    return { retryable: false, reason: 'The task stayed unknown to OVH past the grace period.' };
  }
  return { retryable: false, reason: `OVH refused the request (${status}); repeating it will not help.` };
}

/**
 * Every call to an OVH account failed without an answer (connection refused or reset, timeouts, 5xx) for
 * longer than the client tolerates: the account's API is down, not this server. Activities turn it into an
 * AccountUnreachable failure, on which the server workflow waits and tries again instead of failing.
 */
export class OvhAccountUnreachableError extends Error {
  override name = 'OvhAccountUnreachableError';

  constructor(
    readonly account: string,
    readonly endpoint: string,
    /** Epoch ms of the first failed call of the streak. */
    readonly sinceMs: number,
    readonly last: OvhApiError,
  ) {
    super(
      `OVH account ${account} (${endpoint}) has answered no call since ${new Date(sinceMs).toISOString()} (last: ${last.message})`,
    );
  }
}
