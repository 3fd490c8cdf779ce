/**
 * Server selectors: which of the account's servers a campaign targets when it does not list them.
 * Resolution against the OVH API happens at plan time in the CLI; this module only answers "does this server
 * match". Workflow-safe: imports only the selector's type from src/domain.
 */
import type { ServerSelector } from '../domain/servers';

/** What the CLI knows about one server of the account when it resolves a selector. */
export interface SelectableServer {
  serviceName: string;
  datacenter?: string;
  iamTags?: Record<string, string>;
}

/** Index of the "]" closing the class opened at `open` (its first character is literal, even "]"), or -1. */
function classEnd(pattern: string, open: number): number {
  return pattern.indexOf(']', open + (pattern[open + 1] === '!' ? 3 : 2));
}

/** What is wrong with a glob, or undefined when it compiles. */
export function globProblem(pattern: string): string | undefined {
  for (let index = 0; index < pattern.length; index += 1) {
    if (pattern[index] !== '[') continue;
    const end = classEnd(pattern, index);
    if (end < 0) return `has an unclosed "[" at position ${index + 1}; close the character class with "]"`;
    index = end;
  }
  return undefined;
}

/** A regular expression matching the whole of a name against a glob (the glob must have no globProblem). */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const negated = pattern[index + 1] === '!';
      const end = classEnd(pattern, index);
      const body = pattern.slice(index + (negated ? 2 : 1), end).replace(/[\\^\]]/g, '\\$&');
      source += `[${negated ? '^' : ''}${body}]`;
      index = end;
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** True when the server satisfies every criterion of the selector (an empty selector matches nothing). */
export function matchesSelector(server: SelectableServer, selector: ServerSelector): boolean {
  const { datacenters, namePattern, iamTags } = selector;
  if (datacenters === undefined && namePattern === undefined && iamTags === undefined) return false;
  if (datacenters !== undefined) {
    const datacenter = server.datacenter?.toLowerCase();
    if (datacenter === undefined || !datacenters.some((wanted) => wanted.toLowerCase() === datacenter)) return false;
  }
  if (namePattern !== undefined && !globToRegExp(namePattern).test(server.serviceName)) return false;
  if (iamTags !== undefined) {
    const tags = server.iamTags ?? {};
    if (!Object.entries(iamTags).every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value)) {
      return false;
    }
  }
  return true;
}
