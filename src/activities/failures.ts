/**
 * Turning errors into the ApplicationFailures the workflows see. Every `type` is a FailureType constant;
 * details are plain data without secrets (OvhApiError.toDetails never holds a request body).
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType, type AccountOutageDetails } from '../shared/failure-types';
import { classify, OvhAccountUnreachableError, OvhApiError, type ClassifyContext } from '../ovh/errors';
import { isRetiredRoute, RescueUnreachableError } from '../ovh/routes';
import { OvhSettingsError } from '../ovh/settings';

/** A non-retryable failure of `type`. */
export function permanentFailure(
  type: FailureType,
  message: string,
  details?: Record<string, unknown>,
): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}

/**
 * `error` marked as proving that OVH created nothing (details `untouched: true`), so the workflow may skip
 * the rollback. Only non-retryable failures are marked (a retry may post), an account outage
 * never (the workflow runs the start again).
 */
export function markUntouched(error: unknown): unknown {
  if (!(error instanceof ApplicationFailure) || !error.nonRetryable) return error;
  if (error.type === FailureType.AccountUnreachable) return error;
  const details = error.details?.[0];
  return ApplicationFailure.create({
    type: error.type ?? undefined,
    message: error.message,
    nonRetryable: true,
    details: [{ ...(typeof details === 'object' && details !== null ? details : {}), untouched: true }],
  });
}

/** Whether a failure is OVH's 4xx answer (its details carry the status): OVH refused, it created nothing. */
export function isClientRefusal(failure: ApplicationFailure): boolean {
  const status = (failure.details?.[0] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A retryable OvhApiRetryable failure; after a 429 it carries OVH's Retry-After as `nextRetryDelay`. */
function retryableOvhFailure(error: OvhApiError, retryAfterMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.OvhApiRetryable,
    message: `${error.message} The activity will retry.`,
    nonRetryable: false,
    details: [error.toDetails()],
    nextRetryDelay: retryAfterMs,
  });
}

/** A non-retryable AccountUnreachable failure: the workflow waits for the account, then runs the step again. */
export function accountUnreachableFailure(
  error: OvhAccountUnreachableError,
  extra: Pick<AccountOutageDetails, 'maxTaskIdBeforePost'> = {},
): ApplicationFailure {
  const details: AccountOutageDetails = { account: error.account, sinceMs: error.sinceMs, ...extra };
  return permanentFailure(
    FailureType.AccountUnreachable,
    `${error.message}. The server waits for the account to answer again.`,
    { ...details, last: error.last.toDetails() },
  );
}

export interface FailureContext extends ClassifyContext {
  /** The failure type for permanent OVH errors (OvhApiPermanent unless the activity knows better). */
  permanentType?: FailureType;
}

/**
 * The failure for an error an activity did not handle itself: ApplicationFailures and cancellations pass
 * through; OVH errors are classified; settings problems are ConfigurationError; anything else is rethrown
 * (Temporal retries it as a plain error).
 */
export function toActivityFailure(error: unknown, context: FailureContext = {}): unknown {
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  if (error instanceof OvhAccountUnreachableError) return accountUnreachableFailure(error);
  if (error instanceof OvhSettingsError) return permanentFailure(FailureType.ConfigurationError, error.message);
  if (error instanceof RescueUnreachableError) return permanentFailure(FailureType.RollbackFailed, error.message);
  if (!(error instanceof OvhApiError)) return error;
  if (isNotGranted(error)) return notGrantedFailure(error);
  if (error.status === SERVICE_EXPIRED_STATUS) {
    return permanentFailure(
      context.permanentType ?? FailureType.OvhApiPermanent,
      `${error.message} OVH answers 460 when the server's service has expired or is suspended: renew it or settle the suspension in the OVH manager, then retry the server.`,
      error.toDetails(),
    );
  }
  const verdict = classify(error, context);
  if (verdict.retryable) return retryableOvhFailure(error, verdict.retryAfterMs);
  if (isRetiredRoute(error)) {
    return permanentFailure(
      FailureType.RouteUnavailable,
      `${error.message} This OVH endpoint does not serve the route; use route "reinstall" (or "auto").`,
      error.toDetails(),
    );
  }
  return permanentFailure(
    context.permanentType ?? FailureType.OvhApiPermanent,
    `${error.message} ${REFUSAL_HINTS[error.errorClass ?? ''] ?? verdict.reason}`,
    error.toDetails(),
  );
}

/** What to do about a permanent refusal whose OVH class says more than its status. */
const REFUSAL_HINTS: Record<string, string> = {
  'Client::BadRequest::DiskGroup':
    "OVH will not install an OS on that disk group, so nothing was installed and repeating the request will not help: set the campaign's diskGroupId to another disk group of the server (GET /dedicated/server/{serviceName}/specifications/hardware lists them), or leave the server out.",
  'Client::BadRequest::CustomizationSizeExceeded':
    'A customization of the request (the config drive user data or metadata, an HTTP header) is larger than OVH accepts, so nothing was installed: shrink it (reimage validate caps user data at 32 KiB and metadata at 8 KiB), or have cloud-init download the rest.',
};

/** OVH's status for a service that expired or is suspended (python-ovh's ResourceExpiredError). */
const SERVICE_EXPIRED_STATUS = 460;

/** OVH's `errorCode`s of a 403 that refuses the credential's rights (go-ovh, python-ovh; docs/ovh-api.md). */
const NOT_GRANTED_CODES = ['NOT_GRANTED_CALL', 'NOT_CREDENTIAL', 'FORBIDDEN'];

/** A 403 saying the credential may not make this call (rules or IAM), not that the server is refused. */
function isNotGranted(error: OvhApiError): boolean {
  if (error.status !== 403) return false;
  return NOT_GRANTED_CODES.includes(error.errorCode ?? '') || Boolean(error.details?.unauthorizedActionsByIAM);
}

/** The NotGranted failure, naming the missing IAM action (from OVH's details) or the access rule to grant. */
function notGrantedFailure(error: OvhApiError): ApplicationFailure {
  const action = error.details?.unauthorizedActionsByIAM;
  const rule = `${error.method} ${error.path.replace(/^\/dedicated\/server\/[^/]+/, '/dedicated/server/*').replace(/\/task\/\d+/, '/task/*')}`;
  const grant = action
    ? `the IAM policy of the OAuth2 service account lacks the action ${action}: add it to the policy`
    : `the consumer key's rules do not allow it: create a key with the access rule "${rule}"`;
  return permanentFailure(
    FailureType.NotGranted,
    `${error.message} The account's credential may not make this call: ${grant}. No server of this account can be reimaged until then.`,
    error.toDetails(),
  );
}

/** Runs `work`, converting whatever it throws with toActivityFailure. */
export async function withFailureMapping<T>(work: () => Promise<T>, context: FailureContext = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toActivityFailure(error, context);
  }
}
