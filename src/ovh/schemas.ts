/**
 * zod schemas of the OVH answers we read, limited to the fields we use (unknown fields are dropped).
 * Enums OVH may extend (task statuses, server states) are read as strings and compared to known values,
 * so a new value fails a check with a clear message instead of failing the parse.
 */
import { z } from 'zod';

const unitAndValue = z.object({ unit: z.string(), value: z.number() });

/** `GET /dedicated/server/{sn}` (dedicated.server.DedicatedWithIAM). */
export const serverSchema = z.object({
  name: z.string(),
  state: z.string(),
  datacenter: z.string(),
  rack: z.string(),
  os: z.string(),
  /** The offer (e.g. `advance-1`): servers of one range share their compatible templates. */
  commercialRange: z.string().nullish(),
  ip: z.string().nullish(),
  bootId: z.number().int().nullish(),
  efiBootloaderPath: z.string().nullish(),
});
export type OvhServer = z.infer<typeof serverSchema>;

/** `GET /dedicated/server/{sn}/specifications/hardware` (dedicated.server.HardwareSpecifications). */
export const hardwareSchema = z.object({
  bootMode: z.string().nullish(),
  memorySize: unitAndValue.nullish(),
  diskGroups: z
    .array(
      z.object({
        diskGroupId: z.number().int(),
        diskType: z.string().nullish(),
        diskSize: unitAndValue.nullish(),
        numberOfDisks: z.number().int().nullish(),
      }),
    )
    .nullish(),
});
export type OvhHardware = z.infer<typeof hardwareSchema>;

/** `GET /dedicated/server/{sn}/serviceInfos` (services.Service). */
export const serviceInfosSchema = z.object({
  status: z.string(),
  expiration: z.string(),
});

/** `GET /dedicated/server/{sn}/install/compatibleTemplates`. */
export const compatibleTemplatesSchema = z.object({ ovh: z.array(z.string()) });

/** `long[]` answers: boot IDs, task IDs. */
export const idListSchema = z.array(z.number().int());

/** `GET /dedicated/server/{sn}/task/{id}` (dedicated.server.Task) and the POST answers (task.Response). */
export const taskSchema = z.object({
  taskId: z.number().int(),
  function: z.string(),
  status: z.string(),
  comment: z.string().nullish(),
  startDate: z.string(),
  doneDate: z.string().nullish(),
});
export type OvhTask = z.infer<typeof taskSchema>;

/** `GET /dedicated/server/{sn}/install/status` (dedicated.server.InstallationProgressStatus). */
export const installStatusSchema = z.object({
  elapsedTime: z.number(),
  progress: z.array(z.object({ comment: z.string(), status: z.string(), error: z.string().nullish() })).nullish(),
});
export type OvhInstallStatus = z.infer<typeof installStatusSchema>;

/** Legacy `GET /dedicated/server/{sn}/bringYourOwnImage` (dedicated.server.ByoiStatus). */
export const byoiStatusSchema = z.object({
  checksum: z.string().nullish(),
  message: z.string().nullish(),
  servername: z.string().nullish(),
  status: z.enum(['doing', 'done', 'error']).nullish(),
});
export type OvhByoiStatus = z.infer<typeof byoiStatusSchema>;

/** Answers documented as `void` (OVH sends `null`); nothing in them is used. */
export const voidSchema = z.unknown();

/** Task statuses OVH documents as still running. */
const PENDING_TASK_STATUSES = ['init', 'todo', 'doing'] as const;

/** True when the task status means the task still runs. */
export function isPendingTaskStatus(status: string): boolean {
  return (PENDING_TASK_STATUSES as readonly string[]).includes(status);
}

/** Bytes for an OVH `{unit, value}`; memory units are binary (MB = MiB), disk units decimal (GB = 10^9). */
export function toBytes(size: { unit: string; value: number }, base: 1000 | 1024): number | undefined {
  const powers: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5, KIB: 1, MIB: 2, GIB: 3, TIB: 4 };
  const power = powers[size.unit.toUpperCase()];
  if (power === undefined) return undefined;
  const unitBase = size.unit.toUpperCase().includes('I') ? 1024 : base;
  return size.value * unitBase ** power;
}
