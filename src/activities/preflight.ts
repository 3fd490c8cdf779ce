/**
 * preflightServer: read-only. Reads what OVH knows about the server and returns a verdict naming every
 * failed check, never only the first. An unknown server is a failed check, not a crash.
 *
 * Reads, in this order: the server (state, current boot; an unknown server stops here), its stable facts
 * (hardware, serviceInfos, compatibleTemplates on `reinstall`, rescue boots: from the worker's cache when
 * an earlier preflight read them, the templates when a server of the same range did, see stable-facts.ts),
 * then the volatile install state last, right before the start: the reinstallServer task list, its newest
 * task when there is one (only that one can still run), and the legacy deployment status on
 * `bringYourOwnImage`. Six reads on `reinstall` when nothing is cached, five once a server of the same
 * range was read, two after `reimage plan`.
 *
 * The verdict carries the newest reinstallServer task ID it listed (`installTaskCheckpoint`), which the
 * start uses as its idempotency checkpoint instead of listing again, the rescue boot the rollback needs and
 * the harddisk boot IDs the worker knows of the endpoint (the boot check lists the server's own when its
 * boot ID is not among them). A failed check is never decided on cached facts: they are read again first.
 */
import type { OvhCaller } from '../ovh/client';
import { getServer, listTaskIds, readTasks } from '../ovh/dedicated-server';
import { isOvhError } from '../ovh/errors';
import { getByoiStatus } from '../ovh/routes/bring-your-own-image';
import { isPendingTaskStatus, toBytes, type OvhHardware } from '../ovh/schemas';
import { PreflightCheckName } from '../domain/preflight';
import { failedChecks, type PreflightReads } from './preflight-checks';
import { readStableFacts, type StableFacts, type StableFactsCache } from './stable-facts';
import type { DiskGroupFacts, PreflightInput, PreflightVerdict, ServerFacts } from './types';

const BOOT_MODES = ['legacy', 'uefi', 'uefi-legacy'] as const;

/** Checks decided by volatile reads alone; any other failure is confirmed on freshly read facts. */
const VOLATILE_CHECKS: string[] = [PreflightCheckName.ServerState, PreflightCheckName.NoInstallInFlight];

function diskGroupsOf(hardware: OvhHardware): DiskGroupFacts[] {
  return (hardware.diskGroups ?? []).map((group) => ({
    diskGroupId: group.diskGroupId,
    diskType: group.diskType ?? 'unknown',
    diskSizeBytes: group.diskSize ? (toBytes(group.diskSize, 1000) ?? 0) : 0,
    numberOfDisks: group.numberOfDisks ?? 0,
  }));
}

function factsOf(reads: PreflightReads, harddiskBootIds: number[]): ServerFacts {
  const { server, hardware } = reads;
  const bootMode = (BOOT_MODES as readonly string[]).includes(hardware.bootMode ?? '')
    ? (hardware.bootMode as ServerFacts['bootMode'])
    : 'unknown';
  return {
    state: server.state,
    datacenter: server.datacenter,
    rack: server.rack,
    os: server.os,
    commercialRange: server.commercialRange || undefined,
    bootId: server.bootId ?? undefined,
    bootMode,
    memoryBytes: hardware.memorySize ? (toBytes(hardware.memorySize, 1024) ?? 0) : 0,
    diskGroups: diskGroupsOf(hardware),
    rescueBootId: reads.rescueBootIds[0],
    harddiskBootIds,
  };
}

/**
 * The volatile install state: the reinstallServer task list (the start's checkpoint), its newest task, and
 * the legacy status. One list with the `function` filter only: OVH's `status` filter takes one value, so
 * filtering on the pending statuses would cost a list each.
 */
async function readInstallState(api: OvhCaller, input: PreflightInput) {
  const sn = input.serviceName;
  const [ids, byoi] = await Promise.all([
    listTaskIds(api, sn, { function: 'reinstallServer' }),
    input.route === 'bringYourOwnImage' ? getByoiStatus(api, sn) : Promise.resolve(null),
  ]);
  const checkpoint = Math.max(0, ...ids);
  // The newest install is the only one that can still run: OVH refuses a second (TaskAlreadyExists).
  const newest = ids.length > 0 ? (await readTasks(api, sn, [checkpoint])).at(0) : undefined;
  const pendingTasks = newest && isPendingTaskStatus(newest.status) ? [newest] : [];
  return { checkpoint, pendingTasks, byoi };
}

/** Runs every check; `now` is the worker's clock; stable facts come from `cache` (keyed by `scope`) when it may. */
export async function runPreflight(
  api: OvhCaller & { calls: number },
  input: PreflightInput,
  now: number,
  cache: StableFactsCache,
  scope: string,
): Promise<PreflightVerdict> {
  let server: PreflightReads['server'];
  try {
    server = await getServer(api, input.serviceName);
  } catch (error) {
    if (!isOvhError(error, 404)) throw error;
    const message = `${input.serviceName} is not a dedicated server of this OVH account (OVH: ${error.ovhMessage}); check the name in the campaign and the account behind the credentials.`;
    return {
      serviceName: input.serviceName,
      ok: false,
      failedChecks: [{ check: 'server_state', message }],
      apiCalls: api.calls,
    };
  }
  const query = {
    scope,
    serviceName: input.serviceName,
    commercialRange: server.commercialRange,
    withTemplates: input.route !== 'bringYourOwnImage',
    mustLiveUntil: input.windowEndsAt ? Math.max(Date.parse(input.windowEndsAt), now) : now,
    fresh: false,
  };
  let stable = await readStableFacts(api, cache, query);
  const install = await readInstallState(api, input);
  const readsOf = (facts: Omit<StableFacts, 'templates'> & Partial<Pick<StableFacts, 'templates'>>) => ({
    server,
    ...facts,
    pendingTasks: install.pendingTasks,
    byoi: install.byoi,
  });
  let reads: PreflightReads = readsOf(stable.facts);
  let failed = failedChecks(input, reads, now);
  if (stable.cached && failed.some((failure) => !VOLATILE_CHECKS.includes(failure.check))) {
    stable = await readStableFacts(api, cache, { ...query, fresh: true });
    reads = readsOf(stable.facts);
    failed = failedChecks(input, reads, now);
  }
  return {
    serviceName: input.serviceName,
    ok: failed.length === 0,
    failedChecks: failed,
    server: factsOf(reads, cache.knownHarddiskBoots(scope)),
    installTaskCheckpoint: install.checkpoint,
    apiCalls: api.calls,
  };
}
