/**
 * Route table: templates like `/dedicated/server/{serviceName}/task/{taskId}` matched segment by
 * segment, bucketed by segment count so a lookup compares a handful of strings.
 */
import type { Identity } from './auth';
import type { SimState } from './state';

/** What a handler gets. */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, or undefined when empty. */
  body: unknown;
  identity: Identity;
  state: SimState;
}

/** Returns the 200 body (`null` for void) or throws a SimHttpError. */
export type Handler = (ctx: RouteContext) => unknown;

interface Route {
  method: string;
  template: string;
  parts: string[];
  handler: Handler;
}

export type Match =
  { kind: 'found'; route: Route; params: Record<string, string> } | { kind: 'wrong-method' } | { kind: 'none' };

/** A path's segments, percent-decoded (a malformed escape is kept as is, so it simply matches nothing). */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((segment) => {
      if (!segment.includes('%')) return segment;
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

export class Router {
  private readonly bySize = new Map<number, Route[]>();

  add(method: string, template: string, handler: Handler): void {
    const parts = template.split('/').slice(1);
    const bucket = this.bySize.get(parts.length) ?? [];
    bucket.push({ method, template, parts, handler });
    this.bySize.set(parts.length, bucket);
  }

  /** Finds the route for a method and decoded path segments. */
  match(method: string, segments: string[]): Match {
    let pathKnown = false;
    for (const route of this.bySize.get(segments.length) ?? []) {
      const params = matchParts(route.parts, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      pathKnown = true;
    }
    return pathKnown ? { kind: 'wrong-method' } : { kind: 'none' };
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.charCodeAt(0) === 123 /* { */) {
      if (segment === '') return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
}
