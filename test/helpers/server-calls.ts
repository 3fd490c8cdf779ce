/**
 * The OVH calls the simulator received for one server, read from its request log: what a test of API
 * economy counts, route by route, independently of the activities' own `apiCalls`.
 */
import type { Simulator } from '../../src/simulator';

/** The sequence number of the newest logged request: calls after it are `serverCalls(…, since)`. */
export function lastSeq(sim: Simulator): number {
  return sim.state.requests(1).at(0)?.seq ?? 0;
}

/** The route templates (`GET /dedicated/server/{serviceName}/task`, …) of the calls on `serviceName`, in order. */
export function serverCalls(sim: Simulator, serviceName: string, since = 0): string[] {
  const base = `/1.0/dedicated/server/${encodeURIComponent(serviceName)}`;
  return sim.state
    .requests()
    .filter((entry) => entry.seq > since)
    .filter((entry) => entry.path === base || entry.path.startsWith(`${base}/`) || entry.path.startsWith(`${base}?`))
    .map((entry) => entry.route);
}

/** How many calls each route received, routes in alphabetical order. */
export function perRoute(routes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const route of [...routes].sort()) counts[route] = (counts[route] ?? 0) + 1;
  return counts;
}
