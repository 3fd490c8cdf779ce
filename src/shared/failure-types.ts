/**
 * Failure types: the `type` of every ApplicationFailure an activity throws, and the outcome of every
 * server. Workflows, the CLI and tests compare these constants, never string literals.
 * Workflow-safe: no imports.
 */

/** `ApplicationFailure.type` values thrown by activities. */
export const FailureType = {
  /** A read-only preflight check failed; the server was not touched. */
  PreflightFailed: 'PreflightFailed',
  /** The image itself is unusable (download, checksum, format, size): it would fail on every server. */
  ImageRejected: 'ImageRejected',
  /** OVH reported the deployment failed (task customerError/ovhError, BYOI status error). */
  DeployFailed: 'DeployFailed',
  /** A phase passed its deadline. */
  TimedOut: 'TimedOut',
  /** The install reported done but the server did not boot its new OS. */
  BootFailed: 'BootFailed',
  /** The rollback could not bring the server to rescue: a person must look. */
  RollbackFailed: 'RollbackFailed',
  /** Another workflow or OVH process already holds the server. */
  ServerLocked: 'ServerLocked',
  /** OVH answered with a permanent error (4xx other than the retryable ones). */
  OvhApiPermanent: 'OvhApiPermanent',
  /** OVH answered with a retryable error (429, 5xx, network); the activity will be retried. */
  OvhApiRetryable: 'OvhApiRetryable',
  /** The route asked for is not served by this OVH endpoint (e.g. the retired bringYourOwnImage route). */
  RouteUnavailable: 'RouteUnavailable',
  /** The request names a server or field the campaign does not allow. */
  NotAllowed: 'NotAllowed',
  /** Worker-side configuration is missing or invalid (credentials, env references). */
  ConfigurationError: 'ConfigurationError',
  /**
   * The server's OVH account has answered no call for a while (its API is down, not this server): the
   * server workflow waits and tries the step again; details are AccountOutageDetails.
   */
  AccountUnreachable: 'AccountUnreachable',
  /** A lifecycle hook refused (4xx), failed, or gave no success within its timeout. */
  HookFailed: 'HookFailed',
  /**
   * The server's workflow run closed (terminated, reset, timed out) without reporting: the server may be in
   * any state, a person must look. Recorded by the campaign, never thrown by an activity.
   */
  RunClosed: 'RunClosed',
  /**
   * OVH refused the call with 403 because the account's credential was not granted it (a consumer key's
   * rules, an OAuth2 service account's IAM policy): an account problem, so the campaign admits no more
   * servers of that account.
   */
  NotGranted: 'NotGranted',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** The business outcome recorded for one server. */
export const ServerOutcome = {
  Done: 'done',
  PreflightFailed: 'preflight_failed',
  ImageRejected: 'image_rejected',
  DeployFailed: 'deploy_failed',
  TimedOut: 'timed_out',
  BootFailed: 'boot_failed',
  Cancelled: 'cancelled',
  RollbackFailed: 'rollback_failed',
  Skipped: 'skipped',
  /** A beforeWipe hook failed (the server was not touched) or an afterBoot hook failed (installed, not back in service). */
  HookFailed: 'hook_failed',
  /**
   * The worker could not or would not build the install request (a `${VAR}` it lacks or does not grant, an
   * image host or server off its allow-lists): nothing was sent to OVH.
   */
  ConfigurationError: 'configuration_error',
  /** The server's workflow run closed without reporting (terminated, reset): its state is unknown. */
  RunClosed: 'run_closed',
  /** OVH refused a call the account's credential was not granted; the server was not touched. */
  NotGranted: 'not_granted',
} as const;
export type ServerOutcome = (typeof ServerOutcome)[keyof typeof ServerOutcome];

/** Outcomes that count against a campaign's failure budget (skips and preflight refusals do not wipe). */
export const BUDGET_OUTCOMES: readonly ServerOutcome[] = [
  ServerOutcome.ImageRejected,
  ServerOutcome.DeployFailed,
  ServerOutcome.TimedOut,
  ServerOutcome.BootFailed,
  ServerOutcome.RollbackFailed,
  ServerOutcome.HookFailed,
  ServerOutcome.ConfigurationError,
  ServerOutcome.RunClosed,
];

/** Details of an AccountUnreachable failure. */
export interface AccountOutageDetails {
  account: string;
  /** Epoch ms of the first unanswered call. */
  sinceMs: number;
  /** startDeployment only: the newest install task before its POST, when it got that far. */
  maxTaskIdBeforePost?: number;
}
