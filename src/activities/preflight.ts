/**
 * preflightServer: read-only. Reads what OVH knows about the server and returns a verdict naming every
 * failed check, never only the first. An unknown server is a failed check, not a crash.
 *
 * Six reads on `reinstall` (server, hardware, serviceInfos, compatibleTemplates, rescue boots, the
 * reinstallServer task list), plus one when the server has an earlier reinstallServer task (its newest is
 * read: only that one can still run). The harddisk boot IDs are left to verifyBoot, which needs them.
 */
import type { OvhCaller } from '../ovh/client';
import {
  getCompatibleTemplates,
  getHardware,
  getServer,
  getServiceInfos,
  latestTask,
  listBootIds,
} from '../ovh/dedicated-server';
import { isOvhError } from '../ovh/errors';
import { getByoiStatus } from '../ovh/routes/bring-your-own-image';
import { isPendingTaskStatus, toBytes, type OvhHardware } from '../ovh/schemas';
import { failedChecks, type PreflightReads } from './preflight-checks';
import type { DiskGroupFacts, PreflightInput, PreflightVerdict, ServerFacts } from './types';

const BOOT_MODES = ['legacy', 'uefi', 'uefi-legacy'] as const;

function diskGroupsOf(hardware: OvhHardware): DiskGroupFacts[] {
  return (hardware.diskGroups ?? []).map((group) => ({
    diskGroupId: group.diskGroupId,
    diskType: group.diskType ?? 'unknown',
    diskSizeBytes: group.diskSize ? (toBytes(group.diskSize, 1000) ?? 0) : 0,
    numberOfDisks: group.numberOfDisks ?? 0,
  }));
}

function factsOf(reads: PreflightReads): ServerFacts {
  const { server, hardware } = reads;
  const bootMode = (BOOT_MODES as readonly string[]).includes(hardware.bootMode ?? '')
    ? (hardware.bootMode as ServerFacts['bootMode'])
    : 'unknown';
  return {
    state: server.state,
    datacenter: server.datacenter,
    rack: server.rack,
    os: server.os,
    bootId: server.bootId ?? undefined,
    bootMode,
    memoryBytes: hardware.memorySize ? (toBytes(hardware.memorySize, 1024) ?? 0) : 0,
    diskGroups: diskGroupsOf(hardware),
    rescueBootId: reads.rescueBootIds[0],
  };
}

/** All reads after the server itself, in parallel (the rate budget still orders them). */
async function readEverything(
  api: OvhCaller,
  input: PreflightInput,
  server: PreflightReads['server'],
): Promise<PreflightReads> {
  const sn = input.serviceName;
  const legacy = input.route === 'bringYourOwnImage';
  const [hardware, serviceInfos, templates, rescueBootIds, newestInstall, byoi] = await Promise.all([
    getHardware(api, sn),
    getServiceInfos(api, sn),
    legacy ? Promise.resolve(undefined) : getCompatibleTemplates(api, sn),
    listBootIds(api, sn, 'rescue'),
    latestTask(api, sn, 'reinstallServer'),
    legacy ? getByoiStatus(api, sn) : Promise.resolve(undefined),
  ]);
  const pendingTasks = newestInstall && isPendingTaskStatus(newestInstall.status) ? [newestInstall] : [];
  return { server, hardware, serviceInfos, templates, rescueBootIds, pendingTasks, byoi: byoi ?? null };
}

/** Runs every check; `now` is the worker's clock. */
export async function runPreflight(
  api: OvhCaller & { calls: number },
  input: PreflightInput,
  now: number,
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
  const reads = await readEverything(api, input, server);
  const failed = failedChecks(input, reads, now);
  return {
    serviceName: input.serviceName,
    ok: failed.length === 0,
    failedChecks: failed,
    server: factsOf(reads),
    apiCalls: api.calls,
  };
}
