/**
 * The stable-facts cache: what preflight reads about a server that does not change during a campaign, kept
 * by the worker process for STABLE_FACTS_TTL_MS so that a server planned by `reimage plan` (whose preflight
 * activities run on the worker), preflighted by an earlier try or by an earlier campaign is not read
 * again. One cache per createActivities (the worker builds one), keyed by OVH endpoint and service name, at
 * most STABLE_FACTS_MAX_SERVERS servers (least recently used first out; an entry is about 1 KB).
 *
 * Stable, per server: the hardware specification (boot mode, memory, disk groups), the service infos and
 * the rescue boot IDs. Stable and shared by servers:
 * - the compatible templates, per commercial range (`commercialRange` of the server): OVH derives them from
 *   the offer's hardware, and preflight only asks whether `byoi_64` is among them;
 * - the harddisk boot IDs, per endpoint: a boot ID names one record of OVH's netboot catalogue (`1` is
 *   "Boot to disk" on every server, docs/ovh-api.md §5.6), so an ID listed as a harddisk boot of one server
 *   is a disk boot on any. Preflight does not list them: the boot check proves a disk boot with the IDs
 *   known so far and lists the server's own only when its boot ID is not among them.
 * Volatile, never cached and read right before the start: the server itself (state, current boot), the
 * install task list and its newest task, and the legacy deployment status.
 *
 * Why 6 hours is safe:
 * - hardware and compatible templates change only with a hardware intervention or upgrade by OVH, which runs
 *   as OVH work on the server (a state other than `ok`, tasks, a reinstall to follow): preflight's volatile
 *   reads catch it. OVH re-checks both at the POST anyway (409 OperatingSystemIncompatible, 404 DiskGroup:
 *   a refusal, nothing installed), and an image too big for the RAM or disk fails its install step, which
 *   the workflow rolls back to rescue. A range's templates wrongly taken for one of its servers therefore
 *   cost a refused POST, never a touched server;
 * - service infos: a cached answer is used only while its expiration is more than SERVICE_EXPIRY_MARGIN_MS
 *   past the window end (or now), because a service's status changes with its renewal, around that date;
 *   the expiry check itself always compares against the current window end;
 * - boot IDs belong to OVH's boot catalogue of the region, not to the campaign; the boot check and the
 *   rollback read the server back, and a boot ID they were given that OVH refuses or the server does not
 *   show makes them read the list again before concluding.
 * A failed check is never decided on cached facts: preflight then reads the stable facts again.
 */
import type { OvhCaller } from '../ovh/client';
import { getCompatibleTemplates, getHardware, getServiceInfos, listBootIds } from '../ovh/dedicated-server';
import type { OvhHardware } from '../ovh/schemas';

/** How long a stable fact is reused: a campaign's maintenance window, with `reimage plan` run before it. */
export const STABLE_FACTS_TTL_MS = 6 * 3600_000;
/** Servers kept: a large campaign's fleet, at about 1 KB each. */
const STABLE_FACTS_MAX_SERVERS = 5_000;
/** A service this close to its expiration (past the window end) is read fresh: renewals happen around it. */
const SERVICE_EXPIRY_MARGIN_MS = 7 * 24 * 3600_000;

export interface StableFacts {
  hardware: OvhHardware;
  serviceInfos: { status: string; expiration: string };
  templates: { ovh: string[] };
  rescueBootIds: number[];
}

type FactName = keyof StableFacts;

interface Entry {
  values: Partial<StableFacts>;
  readAt: Partial<Record<FactName, number>>;
}

export interface StableFactsCacheOptions {
  ttlMs?: number;
  maxServers?: number;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

/** Stable facts per (endpoint, service name), each with the time it was read. */
export class StableFactsCache {
  private readonly entries = new Map<string, Entry>();
  /** Reads under way, by "<key> <fact>": preflights of one range at once share one templates read. */
  private readonly reading = new Map<string, Promise<unknown>>();
  /** Per endpoint: every boot ID seen listed as a harddisk boot (a handful). */
  private readonly harddiskBoots = new Map<string, Set<number>>();
  private readonly ttlMs: number;
  private readonly maxServers: number;
  private readonly clock: () => number;

  constructor(options: StableFactsCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? STABLE_FACTS_TTL_MS;
    this.maxServers = options.maxServers ?? STABLE_FACTS_MAX_SERVERS;
    this.clock = options.clock ?? Date.now;
  }

  /** Servers held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The fact `name` of a server: the cached value when it is younger than the TTL and `usable`, else the
   * answer of `read`, which is then kept. A read of the same fact already under way is awaited instead of
   * sent again (its answer counts as cached). `cached` says which.
   */
  async get<K extends FactName>(
    scope: string,
    serviceName: string,
    name: K,
    read: () => Promise<StableFacts[K]>,
    usable: (value: StableFacts[K]) => boolean = () => true,
  ): Promise<{ value: StableFacts[K]; cached: boolean }> {
    const key = `${scope} ${serviceName}`;
    const entry = this.touch(key);
    const readAt = entry?.readAt[name];
    const value = entry?.values[name];
    if (value !== undefined && readAt !== undefined && this.clock() - readAt < this.ttlMs && usable(value)) {
      return { value, cached: true };
    }
    const flight = `${key} ${name}`;
    const pending = this.reading.get(flight) as Promise<StableFacts[K]> | undefined;
    if (pending) {
      const shared = await pending;
      if (usable(shared)) return { value: shared, cached: true };
    }
    const reading = read();
    this.reading.set(flight, reading);
    try {
      const fresh = await reading;
      const current = this.touch(key) ?? this.insert(key);
      current.values[name] = fresh;
      current.readAt[name] = this.clock();
      return { value: fresh, cached: false };
    } finally {
      if (this.reading.get(flight) === reading) this.reading.delete(flight);
    }
  }

  /** The harddisk boot IDs of the endpoint `scope` seen so far (the same IDs on every server). */
  knownHarddiskBoots(scope: string): number[] {
    return [...(this.harddiskBoots.get(scope) ?? [])];
  }

  /** Records a server's harddisk boot IDs as the endpoint's. */
  addHarddiskBoots(scope: string, ids: readonly number[]): void {
    const known = this.harddiskBoots.get(scope) ?? new Set<number>();
    for (const id of ids) known.add(id);
    this.harddiskBoots.set(scope, known);
  }

  /** The entry, moved to the most recently used end. */
  private touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private insert(key: string): Entry {
    const entry: Entry = { values: {}, readAt: {} };
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxServers) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

/** What readStableFacts needs to know about the preflight it serves. */
export interface StableFactsQuery {
  scope: string;
  serviceName: string;
  /** The server's offer: its compatible templates are those of the range, when OVH names one. */
  commercialRange?: string | null;
  /** The legacy route does not go through templates: they are not read. */
  withTemplates: boolean;
  /** Epoch ms the service must outlive (the window end, or now). */
  mustLiveUntil: number;
  /** Read everything from OVH (and refresh the cache), e.g. to confirm a failed check. */
  fresh: boolean;
}

/** The stable facts of one server, from the cache where it may, in parallel (the rate budget orders them). */
export async function readStableFacts(
  api: OvhCaller,
  cache: StableFactsCache,
  query: StableFactsQuery,
): Promise<{ facts: Omit<StableFacts, 'templates'> & { templates?: StableFacts['templates'] }; cached: boolean }> {
  const { scope, serviceName: sn, fresh } = query;
  // Keys of the entries map are "<scope> <name>"; no service name contains a colon.
  const templatesKey = query.commercialRange ? `range:${query.commercialRange}` : sn;
  const usable = () => !fresh;
  const farFromExpiry = (info: StableFacts['serviceInfos']) =>
    !fresh && Date.parse(info.expiration) > query.mustLiveUntil + SERVICE_EXPIRY_MARGIN_MS;
  const [hardware, serviceInfos, templates, rescueBootIds] = await Promise.all([
    cache.get(scope, sn, 'hardware', () => getHardware(api, sn), usable),
    cache.get(scope, sn, 'serviceInfos', () => getServiceInfos(api, sn), farFromExpiry),
    query.withTemplates
      ? cache.get(scope, templatesKey, 'templates', () => getCompatibleTemplates(api, sn), usable)
      : Promise.resolve(undefined),
    cache.get(scope, sn, 'rescueBootIds', () => listBootIds(api, sn, 'rescue'), usable),
  ]);
  const all = [hardware, serviceInfos, templates, rescueBootIds];
  return {
    facts: {
      hardware: hardware.value,
      serviceInfos: serviceInfos.value,
      templates: templates?.value,
      rescueBootIds: rescueBootIds.value,
    },
    cached: all.some((fact) => fact?.cached),
  };
}
