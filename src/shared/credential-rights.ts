/**
 * What the plan found about the rights of one OVH account's credential: the calls a campaign needs that
 * the credential may not make. Workflow-safe: plain serializable data, shared by the plan activity,
 * planCampaignWorkflow and the CLI.
 */

/** One call a campaign needs, with what grants it. */
export interface RequiredCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template, e.g. `/dedicated/server/{serviceName}/reinstall`. */
  path: string;
  /** What the campaign does with it, e.g. "start the install". */
  purpose: string;
  /** The access rule that grants it to an application key (`*` matches anything). */
  rule: string;
  /** The IAM action that grants it to an OAuth2 service account. */
  iamAction: string;
}

export interface CredentialRights {
  account: string;
  /** How the account's worker authenticates. */
  mode: 'application-key' | 'oauth2';
  /** Calls the credential's rules do not allow (application keys only). */
  missing: RequiredCall[];
  /** What could not be checked, and why (OAuth2: OVH offers no read of a token's IAM rights). */
  unchecked?: string;
}

/** What the checkCredentialRights activity answers: the rights, and the OVH calls the check cost. */
export interface CheckedRights {
  rights: CredentialRights;
  apiCalls: number;
}
