/**
 * Redaction of secrets before anything is logged or reported: OVH credentials, image HTTP header values,
 * SSH keys, config-drive user data and metadata, hook secrets, cookies. Keys are matched case-insensitively
 * at any depth.
 */

const SECRET_KEYS = new Set(
  [
    'appSecret',
    'applicationSecret',
    'consumerKey',
    'clientSecret',
    'authorization',
    'httpHeaders',
    'httpHeader',
    'sshKey',
    'rescueSshKey',
    'userData',
    'configDriveUserData',
    'configDriveMetadata',
    'metadata',
    'userMetadatas',
    'password',
    'token',
    'accessToken',
    'x-ovh-signature',
    'x-ovh-consumer',
    'secret',
    'proxy-authorization',
    'cookie',
    'set-cookie',
  ].map((key) => key.toLowerCase()),
);

export const REDACTED = '[redacted]';

/** Levels of nesting redact looks into; an object or list deeper than this is replaced whole. */
const MAX_DEPTH = 8;

/**
 * A deep copy of `value` in which every secret-bearing field is replaced by "[redacted]". Past MAX_DEPTH
 * levels, objects and lists are replaced whole, since their keys are not checked.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      SECRET_KEYS.has(key.toLowerCase()) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1),
    ]),
  );
}
