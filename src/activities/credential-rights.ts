/**
 * checkCredentialRights: whether the account's credential may make every call a campaign needs. For an
 * application key, the consumer key's rules (`GET /auth/currentCredential`) are compared with the calls;
 * an OAuth2 service account's rights live in IAM policies OVH offers no read of, so that check is left
 * to the operator and the answer says so.
 */
import { SAMPLE_SERVICE_NAME } from '../campaign/hostname-template';
import type { OvhClient } from '../ovh/client';
import { isOvhError } from '../ovh/errors';
import { callsNotAllowed, requiredCalls } from '../ovh/required-calls';
import type { CheckedRights, CredentialRights } from '../shared/credential-rights';
import type { CheckCredentialRightsInput } from '../shared/plan-types';

const OAUTH2_UNCHECKED =
  'OVH offers no read of an OAuth2 service account\'s IAM rights: make sure its IAM policy grants the actions the README lists under "Rights the credential needs"';

/** The rights check of the account `ovh` signs for. */
export async function checkCredentialRights(ovh: OvhClient, input: CheckCredentialRightsInput): Promise<CheckedRights> {
  const account = ovh.account;
  const callsBefore = ovh.totalCalls;
  const checked = (rights: CredentialRights) => ({ rights, apiCalls: ovh.totalCalls - callsBefore });
  let rules;
  try {
    rules = await ovh.accessRules();
  } catch (error) {
    // A key whose own rules leave out /auth/currentCredential cannot show them.
    if (!isOvhError(error, 403)) throw error;
    const unchecked = `OVH refused to show the consumer key's rules (${error.message}); grant GET /auth/currentCredential to let the plan check them`;
    return checked({ account, mode: 'application-key', missing: [], unchecked });
  }
  if (!rules) return checked({ account, mode: 'oauth2', missing: [], unchecked: OAUTH2_UNCHECKED });
  const missing = callsNotAllowed(rules, requiredCalls(input.routes), input.serviceName ?? SAMPLE_SERVICE_NAME);
  return checked({ account, mode: 'application-key', missing });
}
