/**
 * Which worker environment variables a campaign's `${NAME}` references may read. A campaign file is untrusted
 * input and the worker holds every OVH credential, so a reference resolves only when the worker's operator
 * granted the variable: every `REIMAGE_VAR_*` variable, and those REIMAGE_CAMPAIGN_VARS lists. The worker's
 * own configuration (OVH_*, TEMPORAL_*, REIMAGE_* other than REIMAGE_VAR_*, the accounts file's credential
 * variables) is never granted. Workflow-safe: no imports.
 */

/** Variables with this prefix are granted to campaigns: naming a variable so is the operator's grant. */
const GRANTED_PREFIX = 'REIMAGE_VAR_';

/** Prefixes of the worker's own configuration, whose variables no campaign may read. */
const RESERVED_PREFIXES = ['OVH_', 'TEMPORAL_', 'REIMAGE_'] as const;

/** What the worker grants: names besides the REIMAGE_VAR_* ones, and names it withholds whatever the list says. */
export interface VariableGrant {
  /** Variables REIMAGE_CAMPAIGN_VARS lists. */
  names: readonly string[];
  /** The accounts file's credential variables (REIMAGE_OVH_ACCOUNTS). */
  withheld: readonly string[];
}

/** No variable but the REIMAGE_VAR_* ones: what a worker grants when its operator lists none. */
export const PREFIX_ONLY_GRANT: VariableGrant = Object.freeze({ names: [], withheld: [] });

/** The rule that reserves `name` for the worker's own configuration (its name alone shows it), or undefined. */
export function reservedVariableRule(name: string): string | undefined {
  if (name.startsWith(GRANTED_PREFIX)) return undefined;
  const prefix = RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix === undefined) return undefined;
  return `${prefix}* variables are the worker's own configuration, never given to a campaign`;
}

/** The rule that keeps `name` from a campaign under `grant`, or undefined when the campaign may read it. */
export function variableRefusal(name: string, grant: VariableGrant): string | undefined {
  const reserved = reservedVariableRule(name);
  if (reserved !== undefined) return reserved;
  if (grant.withheld.includes(name)) {
    return "the accounts file's credential variables (REIMAGE_OVH_ACCOUNTS) are never given to a campaign";
  }
  if (name.startsWith(GRANTED_PREFIX) || grant.names.includes(name)) return undefined;
  return `the worker gives a campaign only ${GRANTED_PREFIX}* variables and those REIMAGE_CAMPAIGN_VARS lists`;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What keeps `name` off REIMAGE_CAMPAIGN_VARS (not a variable name, or the worker's own), or undefined. */
export function grantListProblem(name: string): string | undefined {
  if (!VARIABLE_NAME.test(name)) {
    return `${JSON.stringify(name)} is not a variable name (letters, digits and underscores); list names, not values`;
  }
  const rule = reservedVariableRule(name);
  return rule === undefined ? undefined : `${name} cannot be granted to campaigns: ${rule}; remove it from the list`;
}

/** How to fix a refused reference: give the value to the worker under a granted name. */
export const GRANT_FIX = `set the value on the worker as ${GRANTED_PREFIX}<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that`;
