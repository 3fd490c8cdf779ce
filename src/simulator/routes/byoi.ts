/**
 * The seed's legacy route `POST/GET/DELETE /dedicated/server/{sn}/bringYourOwnImage` (docs/ovh-api.md §11):
 * flat body, `null` answers, a `reinstallServer` task, `ByoiStatus` while and after deploying.
 * DELETE clears the status, points bootId at rescue and reboots the server.
 */
import { z } from 'zod';
import { BYOI_OS, CHECKSUM_TYPES, IMAGE_TYPES, RESCUE_BOOT_ID } from '../catalog';
import { SimHttpError } from '../errors';
import type { RouteContext, Router } from '../router';
import { byoiStatus } from '../timeline';
import { parseBody } from '../validation';
import { assertNoRunningInstall, serverOf } from './common';
import { resolveDiskGroup } from './reinstall';

const keyValue = z.object({ key: z.string().nullable(), value: z.string().nullable() }).strict();

const byoiSchema = z
  .object({
    URL: z.string().min(1),
    type: z.enum(IMAGE_TYPES),
    checkSum: z.string().nullish(),
    checkSumType: z.enum(CHECKSUM_TYPES).nullish(),
    configdrive: z
      .object({
        enable: z.boolean().nullish(),
        hostname: z.string().nullish(),
        sshKey: z.string().nullish(),
        userData: z.string().nullish(),
        userMetadatas: z.array(keyValue).nullish(),
      })
      .strict()
      .nullish(),
    description: z.string().nullish(),
    diskGroupId: z.number().int().nullish(),
    httpHeader: z.array(keyValue).nullish(),
  })
  .strict();

const ENUM_NAMES = { type: 'dedicated.ImageTypesEnum', checkSumType: 'dedicated.CheckSumTypesEnum' };

function notDeployed(name: string): SimHttpError {
  return new SimHttpError(404, {
    class: 'Client::NotFound',
    message: `No image deployment exists on server ${name}`,
  });
}

function postByoi(ctx: RouteContext): null {
  const server = serverOf(ctx);
  const body = parseBody(byoiSchema, ctx.body, 'creation', ENUM_NAMES);
  assertNoRunningInstall(ctx, server);
  const diskGroupId = resolveDiskGroup(server, body.diskGroupId);
  const image = {
    url: body.URL,
    type: body.type,
    checkSum: body.checkSum ?? null,
    checkSumType: body.checkSumType ?? null,
    efiBootloaderPath: null,
    diskGroupId,
  };
  const { task } = ctx.state.install(server, 'byoi', BYOI_OS, image);
  server.byoi = { checksum: image.checkSum, deployment: task.deployment as NonNullable<typeof task.deployment> };
  return null;
}

function getByoi(ctx: RouteContext): unknown {
  const server = serverOf(ctx);
  if (!server.byoi) throw notDeployed(server.spec.name);
  return byoiStatus(server.byoi.deployment, server.byoi.checksum, server.spec.name, ctx.state.clock.now());
}

function deleteByoi(ctx: RouteContext): null {
  const server = serverOf(ctx);
  if (!server.byoi) throw notDeployed(server.spec.name);
  ctx.state.abortDeployment(server);
  server.byoi = undefined;
  server.bootId = RESCUE_BOOT_ID;
  ctx.state.reboot(server);
  return null;
}

/** Registers the legacy BYOI routes (only when the `legacyByoi` option is on). */
export function registerByoiRoutes(router: Router): void {
  const path = '/dedicated/server/{serviceName}/bringYourOwnImage';
  router.add('POST', path, postByoi);
  router.add('GET', path, getByoi);
  router.add('DELETE', path, deleteByoi);
}
