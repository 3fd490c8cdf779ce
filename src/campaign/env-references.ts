/**
 * `${NAME}` references to the worker's environment, used in image HTTP header values, the SSH key and
 * config-drive metadata. The campaign spec (and so every workflow history) carries only the reference; the
 * worker resolves it right before calling OVH, and only from the variables it grants (variable-grant.ts).
 * Workflow-safe.
 */
import { GRANT_FIX, reservedVariableRule } from './variable-grant';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Names of the variables `value` refers to, in order of appearance, without duplicates. */
export function listEnvReferences(value: string): string[] {
  return [...new Set(Array.from(value.matchAll(REFERENCE), (match) => match[1] as string))];
}

/** True when the whole value is one reference, e.g. "${USER_DATA}" (how user data may refer to a variable). */
export function isWholeEnvReference(value: string): boolean {
  return WHOLE_REFERENCE.test(value);
}

const SCHEMED_REFERENCE = /^(?:[A-Za-z][A-Za-z0-9-]* )?\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * True when `value` is one reference, optionally after a scheme word ("${IMAGE_TOKEN}", "Bearer ${TOKEN}"):
 * nothing else in it can be a secret. "Basic dXNlcjpw${EMPTY}" is not: its inline part may be one.
 */
export function isReferenceValue(value: string): boolean {
  return SCHEMED_REFERENCE.test(value);
}

/** What is wrong with the references in `value` (a "${" that does not form `${NAME}`), or undefined. */
export function envReferenceProblem(value: string): string | undefined {
  if (!value.replace(REFERENCE, '').includes('${')) return undefined;
  return 'has a malformed environment reference; write ${NAME} with letters, digits and underscores, e.g. ${IMAGE_TOKEN}';
}

/**
 * What is wrong with a reference in `value` to the worker's own configuration (OVH_*, TEMPORAL_*, REIMAGE_*
 * but REIMAGE_VAR_*), or undefined: the name alone shows the worker would refuse it.
 */
export function reservedReferenceProblem(value: string): string | undefined {
  for (const name of listEnvReferences(value)) {
    const rule = reservedVariableRule(name);
    if (rule !== undefined) return `refers to \${${name}}: ${rule}; ${GRANT_FIX}`;
  }
  return undefined;
}
