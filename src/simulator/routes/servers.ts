/**
 * Server routes: list (with the iamTags filter), detail, PUT, boots, reboot, hardware specifications,
 * service information, compatible templates, hardware RAID profile.
 */
import { z } from 'zod';
import { badRequest, SimHttpError } from '../errors';
import type { RouteContext, Router } from '../router';
import { parseBody } from '../validation';
import { compatibleTemplatesOf } from '../fleet';
import { bootsOf, bootView, hardwareSpecifications, serverDetail, serviceInfos, taskView } from '../views';
import { enumQuery, longParam, serverOf } from './common';

const BOOT_TYPES = ['harddisk', 'internal', 'ipxeCustomerScript', 'network', 'power', 'rescue'] as const;

const tagFilterSchema = z.record(
  z.array(
    z
      .object({ operator: z.enum(['EQ', 'NEQ', 'EXISTS', 'NEXISTS', 'LIKE', 'ILIKE']), value: z.string().optional() })
      .strict(),
  ),
);
type TagFilter = z.output<typeof tagFilterSchema>;

const putSchema = z
  .object({
    bootId: z.number().int().optional(),
    bootScript: z.string().nullable().optional(),
    efiBootloaderPath: z.string().nullable().optional(),
    monitoring: z.boolean().optional(),
    noIntervention: z.boolean().optional(),
    rescueMail: z.string().nullable().optional(),
    rescueSshKey: z.string().nullable().optional(),
    rootDevice: z.string().nullable().optional(),
    state: z.enum(['error', 'hacked', 'hackedBlocked', 'ok']).optional(),
  })
  .strict();

function parseTagFilter(raw: string): TagFilter {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badRequest('[iamTags] Given data is not a valid JSON map of tag filters');
  }
  const parsed = tagFilterSchema.safeParse(json);
  if (!parsed.success) throw badRequest('[iamTags] Given data is not a valid map of tag filters');
  return parsed.data;
}

function likeMatches(value: string, pattern: string, insensitive: boolean): boolean {
  const body = pattern
    .split('%')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, insensitive ? 'i' : '').test(value);
}

function tagsMatch(tags: Record<string, string>, filter: TagFilter): boolean {
  return Object.entries(filter).every(([key, conditions]) =>
    conditions.every(({ operator, value = '' }) => {
      const tag = tags[key];
      if (operator === 'EXISTS') return tag !== undefined;
      if (operator === 'NEXISTS') return tag === undefined;
      if (tag === undefined) return operator === 'NEQ';
      if (operator === 'EQ') return tag === value;
      if (operator === 'NEQ') return tag !== value;
      return likeMatches(tag, value, operator === 'ILIKE');
    }),
  );
}

function listServers(ctx: RouteContext): string[] {
  const raw = ctx.query.get('iamTags');
  if (raw === null) return ctx.state.names;
  const filter = parseTagFilter(raw);
  return ctx.state.names.filter((name) => tagsMatch(ctx.state.server(name)?.spec.iamTags ?? {}, filter));
}

function updateServer(ctx: RouteContext): null {
  const server = serverOf(ctx);
  const body = parseBody(putSchema, ctx.body, 'update', { state: 'dedicated.server.StateEnum' });
  if (body.bootId !== undefined && !bootView(server, body.bootId)) {
    throw badRequest(`Boot ${body.bootId} is not available for server ${server.spec.name}`);
  }
  for (const [key, value] of Object.entries(body)) if (value !== undefined) Object.assign(server, { [key]: value });
  return null;
}

function listBoots(ctx: RouteContext): number[] {
  const server = serverOf(ctx);
  const type = enumQuery(ctx, 'bootType', BOOT_TYPES, 'dedicated.server.BootTypeEnum');
  return bootsOf(server)
    .filter((b) => type === undefined || b.bootType === type)
    .map((b) => b.bootId);
}

function getBoot(ctx: RouteContext): unknown {
  const server = serverOf(ctx);
  const bootId = longParam('bootId', ctx.params.bootId);
  const boot = bootView(server, bootId);
  if (!boot)
    throw new SimHttpError(404, {
      class: 'Client::NotFound',
      message: `The requested object (bootId = ${bootId}) does not exist`,
    });
  return boot;
}

function hardwareRaidProfile(ctx: RouteContext): unknown {
  const server = serverOf(ctx);
  const groups = server.spec.diskGroups.filter((g) => g.raidController);
  if (groups.length === 0) {
    throw new SimHttpError(403, {
      class: 'Client::Forbidden',
      message: 'Hardware RAID is not supported by this server',
    });
  }
  const disks = groups.map((g) => ({
    capacity: { unit: 'GB', value: g.diskSizeGb },
    diskGroupId: g.diskGroupId,
    names: Array.from({ length: g.numberOfDisks }, (_, i) => `c0:d${i}`),
    speed: { unit: 'Gbps', value: 12 },
    type: g.diskType,
  }));
  return { controllers: [{ model: groups[0]?.raidController, type: 'MegaRaid', disks }] };
}

/** Registers the server routes under `/dedicated/server`. */
export function registerServerRoutes(router: Router, origin: number): void {
  const base = '/dedicated/server/{serviceName}';
  router.add('GET', '/dedicated/server', listServers);
  router.add('GET', base, (ctx) => serverDetail(serverOf(ctx)));
  router.add('PUT', base, updateServer);
  router.add('GET', `${base}/boot`, listBoots);
  router.add('GET', `${base}/boot/{bootId}`, getBoot);
  router.add('POST', `${base}/reboot`, (ctx) => taskView(ctx.state.reboot(serverOf(ctx)), ctx.state.clock.now()));
  router.add('GET', `${base}/specifications/hardware`, (ctx) => hardwareSpecifications(serverOf(ctx)));
  router.add('GET', `${base}/serviceInfos`, (ctx) => serviceInfos(serverOf(ctx), origin));
  router.add('GET', `${base}/install/compatibleTemplates`, (ctx) => ({
    ovh: compatibleTemplatesOf(serverOf(ctx).spec),
  }));
  router.add('GET', `${base}/install/hardwareRaidProfile`, hardwareRaidProfile);
}
