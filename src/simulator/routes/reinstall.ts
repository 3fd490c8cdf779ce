/**
 * `POST /dedicated/server/{sn}/reinstall`, validated in the order docs/ovh-api.md §6.4 gives: body shape,
 * OS in the catalog, OS compatible, customization names, image customizations, running task,
 * hostname, disk group. Messages follow OVH's OpenAPI error catalogue.
 */
import { z, type ZodType } from 'zod';
import {
  BYOI_OS,
  BYOLINUX_OS,
  CHECKSUM_TYPES,
  COMPATIBLE_TEMPLATES,
  customizationsFor,
  IMAGE_TYPES,
  INCOMPATIBLE_TEMPLATES,
  MANDATORY_IMAGE_CUSTOMIZATIONS,
} from '../catalog';
import { authError, badRequest, internalError, SimHttpError } from '../errors';
import type { ForbiddenCode } from '../faults';
import { compatibleTemplatesOf } from '../fleet';
import type { ServerRecord } from '../model';
import type { RouteContext, Router } from '../router';
import { describeProblem, parseBody } from '../validation';
import { taskResponse } from '../views';
import { assertNoRunningInstall, serverOf } from './common';

const storageSchema = z
  .object({
    diskGroupId: z.number().int().min(0).nullable().optional(),
    hardwareRaid: z.array(z.record(z.unknown())).optional(),
    partitioning: z.record(z.unknown()).optional(),
  })
  .strict();

const reinstallSchema = z
  .object({
    operatingSystem: z.string().min(1),
    customizations: z.record(z.unknown()).optional(),
    storage: z.array(storageSchema).optional(),
    properties: z.record(z.string()).optional(),
  })
  .strict();
type ReinstallBody = z.output<typeof reinstallSchema>;

const str = z.string().min(1);
const stringMap = z.record(z.string());
/** Type name (as OVH's schema prints it) and zod check of each customization. */
const CUSTOMIZATION_TYPES: Record<string, { type: string; schema: ZodType }> = {
  imageURL: { type: 'string', schema: z.string().url() },
  imageType: { type: 'dedicated.server.reinstall.customizations.ImageTypeEnum', schema: z.enum(IMAGE_TYPES) },
  imageCheckSum: { type: 'string', schema: str },
  imageCheckSumType: {
    type: 'dedicated.server.reinstall.customizations.ImageCheckSumTypeEnum',
    schema: z.enum(CHECKSUM_TYPES),
  },
  efiBootloaderPath: { type: 'string', schema: str },
  httpHeaders: { type: 'map[string]password', schema: stringMap },
  configDriveUserData: { type: 'text', schema: z.string() },
  configDriveMetadata: { type: 'map[string]string', schema: stringMap },
  hostname: { type: 'string', schema: z.string() },
  sshKey: { type: 'text', schema: z.string() },
  postInstallationScript: { type: 'text', schema: z.string() },
  postInstallationScriptExtension: {
    type: 'dedicated.server.reinstall.customizations.PostInstallationScriptExtensionEnum',
    schema: z.enum(['cmd', 'ps1']),
  },
  language: {
    type: 'dedicated.server.reinstall.customizations.LanguageEnum',
    schema: z.enum(['cs-cz', 'de-de', 'en-us', 'es-es', 'fr-fr', 'it-it', 'nl-nl', 'pl-pl', 'pt-pt']),
  },
  enableLacpBonding: { type: 'boolean', schema: z.boolean() },
};

function invalidFormat(name: string, msg: string): SimHttpError {
  const type = CUSTOMIZATION_TYPES[name]?.type ?? 'string';
  return badRequest(`Invalid customization format for ${name} of type ${type}: ${msg}`, 'CustomizationInvalidFormat');
}

function checkOperatingSystem(os: string, server: ServerRecord): void {
  if (!COMPATIBLE_TEMPLATES.includes(os) && !INCOMPATIBLE_TEMPLATES.includes(os)) {
    throw new SimHttpError(404, {
      class: 'Client::NotFound::OperatingSystem',
      message: `Operating system ${os} could not be found`,
    });
  }
  if (!compatibleTemplatesOf(server.spec).includes(os)) {
    throw new SimHttpError(409, {
      class: 'Client::Conflict::OperatingSystemIncompatible',
      message: `Operating system ${os} is not compatible for server ${server.spec.name}`,
    });
  }
}

/** The size above which the simulator refuses one customization; OVH publishes none (**assumed**, §6.4). */
const CUSTOMIZATION_MAX_BYTES = 48 * 1024;

function checkCustomizationSize(customizations: Record<string, unknown>): void {
  for (const value of Object.values(customizations)) {
    const length = Buffer.byteLength(JSON.stringify(value) ?? '');
    if (length <= CUSTOMIZATION_MAX_BYTES) continue;
    throw badRequest(
      `Customization is ${length} big, which is exceeding limit of ${CUSTOMIZATION_MAX_BYTES}`,
      'CustomizationSizeExceeded',
    );
  }
}

function checkCustomizations(os: string, customizations: Record<string, unknown>): void {
  checkCustomizationSize(customizations);
  const allowed = customizationsFor(os);
  for (const name of Object.keys(customizations)) {
    if (!allowed.includes(name)) {
      throw badRequest(`Customization ${name} doesn't exist for operating system ${os}`, 'CustomizationName');
    }
  }
  for (const [name, value] of Object.entries(customizations)) {
    const check = CUSTOMIZATION_TYPES[name];
    const problem = check ? describeProblem(check.schema, value) : undefined;
    if (problem) throw invalidFormat(name, problem);
  }
  if (os !== BYOI_OS && os !== BYOLINUX_OS) return;
  for (const name of MANDATORY_IMAGE_CUSTOMIZATIONS) {
    if (customizations[name] === undefined)
      throw invalidFormat(name, `the customization is mandatory for operating system ${os}`);
  }
  if (os === BYOLINUX_OS && customizations.imageType !== 'qcow2') {
    throw invalidFormat('imageType', `${BYOLINUX_OS} accepts only qcow2 images`);
  }
  if ((customizations.imageCheckSum === undefined) !== (customizations.imageCheckSumType === undefined)) {
    throw badRequest('Please provide checkSum AND checkSumType or none of them', 'CustomizationInvalidFormat');
  }
}

function checkHostname(hostname: unknown): void {
  if (typeof hostname !== 'string') return;
  if (hostname.length > 255) {
    throw badRequest(
      `Hostname is ${hostname.length} characters long, above the limit of 255 (RFC 1035 section 2.3.4)`,
      'HostnameSizeExceeded',
    );
  }
  const label = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (!hostname.split('.').every((part) => label.test(part))) {
    throw badRequest(
      `Hostname ${hostname} is not valid: each label must have at most 63 characters, letters, digits or hyphens, start with a letter and not end with a hyphen (RFC 1035 section 2.3.1)`,
      'HostnameInvalidFormat',
    );
  }
}

/** The disk group to install on (the first one when unset or 0). */
export function resolveDiskGroup(server: ServerRecord, requested: number | null | undefined): number {
  const first = server.spec.diskGroups[0]?.diskGroupId ?? 1;
  if (!requested) return first;
  if (!server.spec.diskGroups.some((g) => g.diskGroupId === requested)) {
    throw new SimHttpError(404, {
      class: 'Client::NotFound::DiskGroup',
      message: `Disk group ${requested} could not be found on server ${server.spec.name}`,
    });
  }
  return requested;
}

function checkStorage(body: ReinstallBody, server: ServerRecord): number {
  const storage = body.storage ?? [];
  if (storage.length > 1) {
    throw new SimHttpError(501, {
      class: 'Server::NotImplemented::DiskGroupMultipleConfigs',
      message: `Multiple (${storage.length}) disk groups customization not implemented`,
    });
  }
  return resolveDiskGroup(server, storage[0]?.diskGroupId);
}

/** The POST refusals injected as faults; each creates nothing. */
function checkFaults(ctx: RouteContext, server: ServerRecord, diskGroupId: number): void {
  const { name } = server.spec;
  if (ctx.state.faults.disturbLocked(name, server.installPosts)) {
    throw new SimHttpError(409, {
      class: 'Client::Conflict::DisturbAlreadyExists',
      message: `Server resource ${name} is already locked by another process, blocking any new OS reinstallation`,
    });
  }
  if (ctx.state.faults.diskGroupRefused(name, server.installPosts)) {
    // OVH's template names the group `{{.diskGroupName}}`; its form is assumed (docs/ovh-api.md §6.4).
    throw badRequest(`Disk group ${diskGroupId} is not installable on server ${name}`, 'DiskGroup');
  }
}

/** OVH's messages for the 403 codes of the post403 fault (only NOT_GRANTED_CALL's is seen; the others assumed). */
const FORBIDDEN_MESSAGES: Record<ForbiddenCode, string> = {
  NOT_GRANTED_CALL: 'This call has not been granted',
  NOT_CREDENTIAL: 'This credential does not exist',
  FORBIDDEN: 'This call is forbidden',
};

function reinstall(ctx: RouteContext): unknown {
  const code = ctx.state.faults.config.post403;
  if (code) throw authError(403, 'Client::Forbidden', code, FORBIDDEN_MESSAGES[code]);
  const server = serverOf(ctx);
  const body = parseBody(reinstallSchema, ctx.body, 'creation');
  const os = body.operatingSystem;
  const c = body.customizations ?? {};
  checkOperatingSystem(os, server);
  checkCustomizations(os, c);
  assertNoRunningInstall(ctx, server);
  checkHostname(c.hostname);
  const diskGroupId = checkStorage(body, server);
  checkFaults(ctx, server, diskGroupId);
  const asText = (v: unknown) => (typeof v === 'string' ? v : null);
  const image = {
    url: asText(c.imageURL),
    type: asText(c.imageType),
    checkSum: asText(c.imageCheckSum),
    checkSumType: asText(c.imageCheckSumType),
    efiBootloaderPath: asText(c.efiBootloaderPath),
    diskGroupId,
    userData: asText(c.configDriveUserData),
  };
  const { task, post500 } = ctx.state.install(server, 'reinstall', os, image);
  if (post500) {
    throw internalError(
      `An error has occurred while creating installation task on server ${server.spec.name}`,
      'TaskCreate',
    );
  }
  return taskResponse(task, ctx.state.clock.now());
}

/** Registers `POST /dedicated/server/{serviceName}/reinstall`. */
export function registerReinstallRoute(router: Router): void {
  router.add('POST', '/dedicated/server/{serviceName}/reinstall', reinstall);
}
