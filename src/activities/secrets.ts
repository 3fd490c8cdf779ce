/**
 * `${VAR}` references in image headers and config-drive fields, resolved on the worker from its own
 * environment, so the secret never travels through Temporal (only the reference does). Messages name the
 * field and the variable, never a value.
 */
import { FailureType } from '../shared/failure-types';
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { ImageSpec } from '../domain/image';
import { permanentFailure } from './failures';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

/** `text` with every `${VAR}` replaced from `env`; `field` names the spec path for the error message. */
function resolveReferences(text: string, env: Environment, field: string): string {
  return text.replace(REFERENCE, (_match, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw permanentFailure(
        FailureType.ConfigurationError,
        `${field} references \${${name}}, which is not set in the worker's environment; set ${name} on every worker (or remove the reference).`,
        { field, variable: name },
      );
    }
    return value;
  });
}

/** A secret written as `${VAR}` (or inline, with encrypted payloads), resolved from `env`; `field` names it. */
export function resolveSecret(text: string, env: Environment, field: string): string {
  return resolveReferences(text, env, field);
}

function resolveMap(record: Record<string, string> | undefined, env: Environment, field: string) {
  if (!record) return undefined;
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, resolveReferences(value, env, `${field}.${key}`)]),
  );
}

/** Image header values with references resolved. */
export function resolveImageHeaders(image: ImageSpec, env: Environment): Record<string, string> | undefined {
  return resolveMap(image.httpHeaders, env, 'image.httpHeaders');
}

/** Config-drive fields with references resolved (hostname is not a secret but may use one too). */
export function resolveConfigDrive(spec: ConfigDriveSpec | undefined, env: Environment): ConfigDriveSpec | undefined {
  if (!spec) return undefined;
  const resolve = (value: string | undefined, field: string) =>
    value === undefined ? undefined : resolveReferences(value, env, field);
  return {
    hostname: resolve(spec.hostname, 'configDrive.hostname'),
    sshKey: resolve(spec.sshKey, 'configDrive.sshKey'),
    userData: resolve(spec.userData, 'configDrive.userData'),
    metadata: resolveMap(spec.metadata, env, 'configDrive.metadata'),
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
