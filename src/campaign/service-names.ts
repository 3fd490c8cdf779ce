/**
 * The shape of an OVH service name (a dedicated server's name, e.g. "ns3012345.ip-51-91-2.eu").
 * Checked before any name reaches a URL path of the OVH API. Workflow-safe.
 */
import { quote } from '../input/quote';

/** Longest service name accepted (OVH's own names are far shorter). */
const MAX_SERVICE_NAME_LENGTH = 255;

const EXAMPLE = 'OVH service names look like "ns3012345.ip-51-91-2.eu"';

/**
 * What is wrong with a service name, or undefined when its shape is valid: lowercase letters, digits, dots
 * and hyphens, starting and ending with a letter or digit, no "..", no "/", no whitespace, at most 255 characters.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return `must not be empty; ${EXAMPLE}`;
  if (name.length > MAX_SERVICE_NAME_LENGTH) {
    return `must be at most ${MAX_SERVICE_NAME_LENGTH} characters long (got ${name.length})`;
  }
  if (/\s/.test(name)) return `must not contain whitespace (got ${quote(name)}); ${EXAMPLE}`;
  if (name.includes('/')) return `must not contain "/" (got ${quote(name)}); ${EXAMPLE}`;
  if (name.includes('..')) return `must not contain ".." (got ${quote(name)}); ${EXAMPLE}`;
  if (/[A-Z]/.test(name)) {
    return `must be lowercase (got ${quote(name)}); OVH service names are lowercase: ${quote(name.toLowerCase())}`;
  }
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return `may contain only lowercase letters, digits, dots and hyphens (got ${quote(name)}); ${EXAMPLE}`;
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return `must start and end with a letter or a digit (got ${quote(name)}); ${EXAMPLE}`;
  }
  return undefined;
}
