/**
 * The preflight checks as small named rules over what preflight read. Each rule returns a message when it
 * fails; messages say what is wrong, why it blocks the reinstall, and what to do.
 */
import type { OvhByoiStatus, OvhHardware, OvhServer, OvhTask } from '../ovh/schemas';
import { toBytes } from '../ovh/schemas';
import { BYOI_OPERATING_SYSTEM } from '../ovh/routes/reinstall';
import { PreflightCheckName, type PreflightFailure } from '../domain/preflight';
import type { PreflightInput } from './types';

export interface PreflightReads {
  server: OvhServer;
  hardware: OvhHardware;
  serviceInfos: { status: string; expiration: string };
  templates?: { ovh: string[] };
  rescueBootIds: number[];
  /** The pending reinstallServer task, if any (at most one: OVH refuses a second). */
  pendingTasks: OvhTask[];
  byoi: OvhByoiStatus | null;
}

/** OVH keeps 3 GiB of RAM for the installer, which holds the downloaded image in memory. */
const RAM_RESERVE_BYTES = 3 * 1024 ** 3;

/** Service states in which OVH still runs the server. */
const LIVE_SERVICE_STATES = ['ok', 'autorenewInProgress'];

type Rule = (input: PreflightInput, reads: PreflightReads, now: number) => string | undefined;

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

function targetDiskGroup(input: PreflightInput, hardware: OvhHardware) {
  const groups = hardware.diskGroups ?? [];
  return input.diskGroupId === undefined ? groups[0] : groups.find((group) => group.diskGroupId === input.diskGroupId);
}

const rules: Record<PreflightCheckName, Rule> = {
  server_state: (input, { server }) =>
    server.state === 'ok'
      ? undefined
      : `${input.serviceName} is in state "${server.state}" (not "ok"); OVH must clear the server before it can be reinstalled.`,

  service_expiry: (input, { serviceInfos }, now) => {
    if (!LIVE_SERVICE_STATES.includes(serviceInfos.status)) {
      return `The service of ${input.serviceName} is "${serviceInfos.status}"; renew or pay it before reimaging.`;
    }
    const windowEnd = input.windowEndsAt ? Date.parse(input.windowEndsAt) : now;
    const expiration = Date.parse(serviceInfos.expiration);
    return expiration > windowEnd
      ? undefined
      : `The service of ${input.serviceName} expires on ${serviceInfos.expiration}, before the maintenance window ends; renew it first.`;
  },

  no_install_in_flight: (input, { pendingTasks, byoi }) => {
    if (pendingTasks.length > 0) {
      const list = pendingTasks.map((task) => `${task.taskId} (${task.status})`).join(', ');
      return `${input.serviceName} already has an installation running: reinstallServer task ${list}; wait for it to end or cancel it.`;
    }
    return byoi?.status === 'doing'
      ? `${input.serviceName} already has a bringYourOwnImage deployment in progress; wait for it to end.`
      : undefined;
  },

  byoi_compatible: (input, { templates }) =>
    !templates || templates.ovh.includes(BYOI_OPERATING_SYSTEM)
      ? undefined
      : `${input.serviceName} does not offer the ${BYOI_OPERATING_SYSTEM} template (install/compatibleTemplates), so it cannot install a custom image.`,

  efi_bootloader: (input, { hardware }) => {
    if (input.route !== 'reinstall' || input.image.efiBootloaderPath) return undefined;
    const uefi = (hardware.bootMode ?? '').startsWith('uefi');
    return uefi
      ? `image.efiBootloaderPath is missing and ${input.serviceName} boots in ${hardware.bootMode} mode: set the path of the image's EFI loader (e.g. \\efi\\debian\\grubx64.efi).`
      : `image.efiBootloaderPath is missing: OVH's ${BYOI_OPERATING_SYSTEM} template requires it even on legacy-boot servers; set the path of the image's EFI loader.`;
  },

  disk_group: (input, { hardware }) => {
    const groups = hardware.diskGroups ?? [];
    if (groups.length === 0)
      return `OVH lists no disk group for ${input.serviceName}, so there is nowhere to write the image.`;
    if (targetDiskGroup(input, hardware)) return undefined;
    const known = groups.map((group) => group.diskGroupId).join(', ');
    return `diskGroupId ${input.diskGroupId} does not exist on ${input.serviceName} (it has ${known}); pick one of those.`;
  },

  image_fits_ram: (input, { hardware }) => {
    const memory = hardware.memorySize ? toBytes(hardware.memorySize, 1024) : undefined;
    if (input.imageSizeBytes === undefined || memory === undefined) return undefined;
    const limit = memory - RAM_RESERVE_BYTES;
    return input.imageSizeBytes < limit
      ? undefined
      : `The image (${gib(input.imageSizeBytes)}) does not fit in the RAM of ${input.serviceName} minus 3 GiB (${gib(limit)}); OVH holds the image in memory while writing it. Shrink the image or skip this server.`;
  },

  image_fits_disk: (input, { hardware }) => {
    const group = targetDiskGroup(input, hardware);
    const disk = group?.diskSize ? toBytes(group.diskSize, 1000) : undefined;
    if (input.imageSizeBytes === undefined || disk === undefined) return undefined;
    return input.imageSizeBytes < disk
      ? undefined
      : `The image (${gib(input.imageSizeBytes)}) is larger than the first disk of disk group ${group?.diskGroupId} on ${input.serviceName} (${gib(disk)}); BYOI writes to that one disk. Pick another disk group or a smaller image.`;
  },

  rescue_boot: (input, { rescueBootIds }) =>
    rescueBootIds.length > 0
      ? undefined
      : `OVH lists no rescue boot for ${input.serviceName}, so a failed reinstall could not be rolled back to rescue; ask OVH support.`,
};

/** Every failing check, in PreflightCheckName order. */
export function failedChecks(input: PreflightInput, reads: PreflightReads, now: number): PreflightFailure[] {
  const failures: PreflightFailure[] = [];
  for (const check of Object.values(PreflightCheckName)) {
    const message = rules[check](input, reads, now);
    if (message) failures.push({ check, message });
  }
  return failures;
}
