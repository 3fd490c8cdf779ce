/**
 * Which servers a campaign targets: a list of service names, or a selector resolved at plan time.
 * Domain vocabulary: imports nothing, workflow-safe. Matching lives in src/campaign/selector.ts.
 */

/** A selector as the campaign file writes it; every criterion given must match (AND). */
export interface ServerSelector {
  /** The server is in one of these datacenters (e.g. "rbx8", "gra3"); compared case-insensitively. */
  datacenters?: string[];
  /** Glob over the service name: `*` any characters, `?` one character, `[a-z]` / `[!0-9]` classes. */
  namePattern?: string;
  /** Every tag listed must be on the server with exactly this value. */
  iamTags?: Record<string, string>;
}

/** Which servers a campaign targets. */
export type ServerSelection = { kind: 'list'; serviceNames: string[] } | { kind: 'selector'; selector: ServerSelector };
