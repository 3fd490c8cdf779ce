/**
 * JSON shapes the API answers with (docs/ovh-api.md §5, §6.3, §7.2), built from the records at a moment.
 */
import { BOOTS, type Boot } from './catalog';
import { formatDate, formatDay } from './clock';
import type { ServerRecord, TaskRecord } from './model';
import { taskStatus } from './timeline';

/** `dedicated.server.DedicatedWithIAM`. */
export function serverDetail(server: ServerRecord): Record<string, unknown> {
  const { spec } = server;
  return {
    name: spec.name,
    serverId: spec.serverId,
    ip: spec.ip,
    reverse: spec.name,
    os: server.os,
    state: server.state,
    powerState: server.running === 'off' ? 'poweroff' : 'poweron',
    monitoring: server.monitoring,
    noIntervention: server.noIntervention,
    professionalUse: false,
    newUpgradeSystem: true,
    bootId: server.bootId,
    bootScript: server.bootScript,
    efiBootloaderPath: server.efiBootloaderPath,
    rootDevice: server.rootDevice,
    datacenter: spec.datacenter,
    region: regionOf(spec.datacenter),
    availabilityZone: `${regionOf(spec.datacenter)}-a`,
    rack: spec.rack,
    commercialRange: spec.commercialRange.toLowerCase(),
    linkSpeed: 1000,
    supportLevel: 'pro',
    rescueMail: server.rescueMail,
    rescueSshKey: server.rescueSshKey,
    iam: {
      id: uuidFrom(spec.serverId),
      urn: `urn:v1:eu:resource:dedicatedServer:${spec.name}`,
      displayName: spec.name,
      tags: spec.iamTags,
      state: 'OK',
    },
  };
}

const REGIONS: Record<string, string> = {
  gra: 'eu-west-gra',
  rbx: 'eu-west-rbx',
  sbg: 'eu-west-sbg',
  bhs: 'ca-east-bhs',
  waw: 'eu-central-waw',
  lim: 'eu-west-lim',
  eri: 'eu-west-eri',
};

function regionOf(datacenter: string): string {
  return REGIONS[datacenter.replace(/\d+$/, '')] ?? 'eu-west-gra';
}

function uuidFrom(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5e1a0000-0000-4000-8000-${hex}`;
}

/** `dedicated.server.Task` at `now`. */
export function taskView(task: TaskRecord, now: number): Record<string, unknown> {
  const s = taskStatus(task, now);
  return {
    taskId: task.taskId,
    function: task.function,
    status: s.status,
    comment: task.comment,
    startDate: formatDate(task.startSim),
    doneDate: s.doneAt === null ? null : formatDate(s.doneAt),
    lastUpdate: formatDate(s.lastUpdate),
    needSchedule: false,
    note: null,
    plannedInterventionId: null,
    tags: null,
    ticketReference: null,
  };
}

/** `dedicated.server.task.Response` (what `POST /reinstall` answers). */
export function taskResponse(task: TaskRecord, now: number): Record<string, unknown> {
  const { taskId, function: fn, status, comment, startDate, doneDate } = taskView(task, now);
  return { taskId, function: fn, status, comment, startDate, doneDate };
}

/** `dedicated.server.HardwareSpecifications`. */
export function hardwareSpecifications(server: ServerRecord): Record<string, unknown> {
  const { spec } = server;
  return {
    bootMode: spec.bootMode,
    description: `${spec.commercialRange} server`,
    diskGroups: spec.diskGroups.map((g) => ({
      diskGroupId: g.diskGroupId,
      diskType: g.diskType,
      diskSize: { unit: 'GB', value: g.diskSizeGb },
      numberOfDisks: g.numberOfDisks,
      raidController: g.raidController,
      description: `${g.numberOfDisks} x ${g.diskSizeGb} GB ${g.diskType}`,
      defaultHardwareRaidType: g.raidController ? 'raid1' : null,
      defaultHardwareRaidSize: g.raidController ? { unit: 'GB', value: g.diskSizeGb } : null,
    })),
    memorySize: { unit: 'MB', value: spec.memoryMb },
    processorArchitecture: 'x86_64',
    processorName: 'AMD EPYC 4344P',
    coresPerProcessor: 8,
    threadsPerProcessor: 16,
    numberOfProcessors: 1,
    formFactor: '1u',
    motherboard: 'ASRockRack B665D4U-1L',
    expansionCards: null,
    usbKeys: null,
  };
}

/** `services.Service`: contracts started a year before the simulator, renewed automatically. */
export function serviceInfos(server: ServerRecord, origin: number): Record<string, unknown> {
  const year = 365 * 24 * 3600 * 1000;
  return {
    status: 'ok',
    creation: formatDay(origin - year),
    expiration: formatDay(origin + year),
    engagedUpTo: null,
    renew: { automatic: true, deleteAtExpiration: false, forced: false, manualPayment: false, period: 1 },
    renewalType: 'automaticV2016',
    serviceId: 50_000_000 + server.spec.serverId,
    domain: server.spec.name,
    contactAdmin: 'ab12345-ovh',
    contactBilling: 'ab12345-ovh',
    contactTech: 'ab12345-ovh',
    canDeleteAtExpiration: true,
    possibleRenewPeriod: [1, 3, 6, 12],
  };
}

/** The boots OVH offers a server: all of the catalog's, less rescue when the fleet says it has none. */
export function bootsOf(server: ServerRecord): readonly Boot[] {
  return server.spec.rescueBoot ? BOOTS : BOOTS.filter((b) => b.bootType !== 'rescue');
}

/** `dedicated.server.Netboot` for one of the server's boot IDs, or undefined. */
export function bootView(server: ServerRecord, bootId: number): Boot | undefined {
  return bootsOf(server).find((b) => b.bootId === bootId);
}
