/**
 * `${VAR}` references in image headers, config-drive fields and hook secrets, resolved on the worker from
 * its own environment, so the secret never travels through Temporal (only the reference does). A campaign
 * reads only the variables the worker grants it (src/campaign/variable-grant.ts): each reference is checked
 * before it is resolved, and activities resolve everything before they send anything, so a refused one
 * stops the activity first (NotAllowed). Messages name the field, the variable and the rule, never a value.
 */
import { FailureType } from '../shared/failure-types';
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { ImageSpec } from '../domain/image';
import { GRANT_FIX, PREFIX_ONLY_GRANT, variableRefusal, type VariableGrant } from '../campaign/variable-grant';
import { closestMatch } from '../input/suggest';
import { permanentFailure } from './failures';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where references are looked up, and which of them the worker grants to campaigns. */
export interface CampaignVariables {
  env: Environment;
  grant: VariableGrant;
}

/** The variables of `deps`: its environment and grant (without one, only REIMAGE_VAR_* variables). */
export function campaignVariables(deps: { env?: Environment; grant?: VariableGrant }): CampaignVariables {
  return { env: deps.env ?? {}, grant: deps.grant ?? PREFIX_ONLY_GRANT };
}

/**
 * The variable the campaign most likely meant by `name`: one within two edits that the worker grants and has
 * set. Only granted names are offered, so a suggestion reveals nothing a campaign could not read anyway.
 */
function grantedNear(name: string, vars: CampaignVariables): string | undefined {
  const granted = Object.keys(vars.env).filter(
    (candidate) => vars.env[candidate] !== undefined && variableRefusal(candidate, vars.grant) === undefined,
  );
  return closestMatch(name, granted.sort(), 2);
}

/** Throws NotAllowed when `text` refers to a variable the worker does not grant; `field` names the spec path. */
function refuseUngranted(text: string, vars: CampaignVariables, field: string): void {
  for (const [, name] of text.matchAll(REFERENCE)) {
    const rule = variableRefusal(name as string, vars.grant);
    if (rule === undefined) continue;
    const near = grantedNear(name as string, vars);
    const fix = near === undefined ? GRANT_FIX : `did you mean \${${near}}, which it grants? Otherwise ${GRANT_FIX}`;
    throw permanentFailure(
      FailureType.NotAllowed,
      `${field} refers to \${${name}}, which this worker does not give to campaigns: ${rule}; ${fix}.`,
      { field, variable: name },
    );
  }
}

/** `text` with every `${VAR}` replaced from `vars.env`; `field` names the spec path for the error message. */
function resolveReferences(text: string, vars: CampaignVariables, field: string): string {
  refuseUngranted(text, vars, field);
  return text.replace(REFERENCE, (_match, name: string) => {
    const value = vars.env[name];
    if (value === undefined) {
      const near = grantedNear(name, vars);
      const fix = near === undefined ? '' : `did you mean \${${near}}? Otherwise `;
      throw permanentFailure(
        FailureType.ConfigurationError,
        `${field} references \${${name}}, which is not set in the worker's environment; ${fix}set ${name} on every worker (or remove the reference).`,
        { field, variable: name },
      );
    }
    return value;
  });
}

/** A secret written as `${VAR}` (or inline, with encrypted payloads), resolved from `vars`; `field` names it. */
export function resolveSecret(text: string, vars: CampaignVariables, field: string): string {
  return resolveReferences(text, vars, field);
}

function resolveMap(record: Record<string, string> | undefined, vars: CampaignVariables, field: string) {
  if (!record) return undefined;
  const entries = Object.entries(record);
  for (const [key, value] of entries) refuseUngranted(value, vars, `${field}.${key}`);
  return Object.fromEntries(entries.map(([key, value]) => [key, resolveReferences(value, vars, `${field}.${key}`)]));
}

/** Image header values with references resolved. */
export function resolveImageHeaders(image: ImageSpec, vars: CampaignVariables): Record<string, string> | undefined {
  return resolveMap(image.httpHeaders, vars, 'image.httpHeaders');
}

/** Config-drive fields with references resolved (hostname is not a secret but may use one too). */
export function resolveConfigDrive(
  spec: ConfigDriveSpec | undefined,
  vars: CampaignVariables,
): ConfigDriveSpec | undefined {
  if (!spec) return undefined;
  const resolve = (value: string | undefined, field: string) =>
    value === undefined ? undefined : resolveReferences(value, vars, field);
  return {
    hostname: resolve(spec.hostname, 'configDrive.hostname'),
    sshKey: resolve(spec.sshKey, 'configDrive.sshKey'),
    userData: resolve(spec.userData, 'configDrive.userData'),
    metadata: resolveMap(spec.metadata, vars, 'configDrive.metadata'),
  };
}

/** The URL without query string and credentials (signed URLs carry secrets there), for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}
