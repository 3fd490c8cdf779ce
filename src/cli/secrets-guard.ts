/**
 * Refuses to put secrets into Temporal history in clear: a campaign whose SSH key, user data, metadata,
 * image header values or hook secrets are written inline (not `${VAR}` references resolved on the worker) starts only
 * when payloads are encrypted (REIMAGE_CODEC_KEYS). A header or metadata value is a reference only when it
 * is one, optionally after a scheme word ("Bearer ${TOKEN}"); anything else in it counts as inline.
 */
import { isReferenceValue, isWholeEnvReference } from '../campaign/env-references';
import type { CampaignSpec } from '../campaign/schema';
import { HOOK_NAMES } from '../domain/hooks';

/** Inline secrets would reach history unencrypted; the message names the fields and both fixes. */
class InlineSecretsError extends Error {
  override name = 'InlineSecretsError';
}

/** Spec paths whose values are inline secrets. */
function inlineSecretPaths(spec: CampaignSpec): string[] {
  const paths: string[] = [];
  for (const [name, value] of Object.entries(spec.image.httpHeaders ?? {})) {
    if (!isReferenceValue(value)) paths.push(`image.httpHeaders.${name}`);
  }
  const drive = spec.configDrive;
  if (drive?.sshKey && !isWholeEnvReference(drive.sshKey)) paths.push('configDrive.sshKey');
  if (drive?.userData && !isWholeEnvReference(drive.userData)) paths.push('configDrive.userData');
  for (const [key, value] of Object.entries(drive?.metadata ?? {})) {
    if (!isReferenceValue(value)) paths.push(`configDrive.metadata.${key}`);
  }
  for (const name of HOOK_NAMES) {
    const hook = spec.hooks?.[name];
    if (hook?.kind === 'webhook' && hook.secret && !isWholeEnvReference(hook.secret)) {
      paths.push(`hooks.${name}.webhook.secret`);
    }
  }
  for (const [index, target] of (spec.notify ?? []).entries()) {
    if (target.webhook.secret && !isWholeEnvReference(target.webhook.secret))
      paths.push(`notify[${index}].webhook.secret`);
  }
  return paths;
}

/** Throws InlineSecretsError when `spec` has inline secrets and payloads are not encrypted. */
export function assertSecretsProtected(spec: CampaignSpec, codecKeys: string | undefined): void {
  const paths = inlineSecretPaths(spec);
  if (paths.length === 0 || codecKeys) return;
  throw new InlineSecretsError(
    `${paths.join(', ')}: these values would be stored in Temporal history in clear. ` +
      'Set REIMAGE_CODEC_KEYS on the CLI and the worker to encrypt payloads (see README, "Secrets"), ' +
      'or write them as ${VAR} references that the worker resolves from its own environment.',
  );
}
