/**
 * What the simulator saw: a bounded request log (with bodies) and counters per route template,
 * consumer and status. Side-door calls are not recorded.
 */

export interface RequestLogEntry {
  seq: number;
  /** Real time of arrival, ISO-8601. */
  at: string;
  method: string;
  path: string;
  /** Route template, e.g. `GET /dedicated/server/{serviceName}`, or `unmatched`. */
  route: string;
  status: number;
  /** The consumer key, or `oauth2:<clientId>` for bearer tokens, or null when unauthenticated. */
  consumer: string | null;
  /** Raw request body (first 8 KiB). */
  body: string;
  durationMs: number;
}

export interface Counters {
  total: number;
  byRoute: Record<string, number>;
  byConsumer: Record<string, number>;
  byStatus: Record<string, number>;
}

const BODY_LOG_LIMIT = 8 * 1024;

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export class Traffic {
  private log: RequestLogEntry[] = [];
  private next = 0;
  private counters: Counters = { total: 0, byRoute: {}, byConsumer: {}, byStatus: {} };

  constructor(private readonly limit: number) {}

  /** Records one answered request. */
  record(entry: Omit<RequestLogEntry, 'seq'>): void {
    const full = { ...entry, seq: this.counters.total + 1, body: entry.body.slice(0, BODY_LOG_LIMIT) };
    if (this.log.length < this.limit) this.log.push(full);
    else this.log[this.next] = full;
    this.next = (this.next + 1) % this.limit;
    this.counters.total++;
    bump(this.counters.byRoute, entry.route);
    bump(this.counters.byConsumer, entry.consumer ?? 'anonymous');
    bump(this.counters.byStatus, String(entry.status));
  }

  /** The last `limit` requests, oldest first. */
  requests(limit = this.limit): RequestLogEntry[] {
    const ordered =
      this.log.length < this.limit ? this.log : [...this.log.slice(this.next), ...this.log.slice(0, this.next)];
    return ordered.slice(Math.max(0, ordered.length - limit));
  }

  /** A copy of the counters. */
  snapshot(): Counters {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.log = [];
    this.next = 0;
    this.counters = { total: 0, byRoute: {}, byConsumer: {}, byStatus: {} };
  }
}
