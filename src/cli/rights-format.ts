/** How `reimage plan` words the credential rights it checked: each missing call and how to grant it. */
import type { CredentialRights } from '../shared/credential-rights';

/** One line per missing call (with the rule or IAM action that grants it), and per unchecked account. */
export function rightsLines(rights: readonly CredentialRights[] | undefined): string[] {
  const lines: string[] = [];
  for (const account of rights ?? []) {
    for (const call of account.missing) {
      lines.push(
        `missing right in account ${account.account}: ${call.method} ${call.path} (to ${call.purpose}); grant the access rule "${call.rule}" to the consumer key, or the IAM action ${call.iamAction} to an OAuth2 service account`,
      );
    }
    if (account.unchecked) lines.push(`rights not checked in account ${account.account}: ${account.unchecked}`);
  }
  return lines;
}

/** The refusal when a credential lacks calls, or undefined when every checked credential has them all. */
export function missingRightsRefusal(rights: readonly CredentialRights[] | undefined): string | undefined {
  const lacking = (rights ?? []).filter((account) => account.missing.length > 0);
  if (lacking.length === 0) return undefined;
  const names = lacking.map((account) => `${account.account} (${account.missing.length} calls)`).join(', ');
  return `The OVH credential of ${names} may not make every call a campaign needs: OVH would refuse them with 403 NOT_GRANTED_CALL during the window. Create a consumer key with the access rules listed above (POST /auth/credential accessRules), set it for the account, and plan again.`;
}
