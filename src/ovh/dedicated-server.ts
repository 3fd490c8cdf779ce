/**
 * The Dedicated Server calls this project makes, one typed function each, with OVH's documented paths,
 * query names and answer schemas. Every function takes an OvhCaller (a counting session in activities).
 */
import type { OvhCaller } from './client';
import { isOvhError } from './errors';
import {
  compatibleTemplatesSchema,
  hardwareSchema,
  idListSchema,
  installStatusSchema,
  serverSchema,
  serviceInfosSchema,
  taskSchema,
  voidSchema,
  type OvhInstallStatus,
  type OvhTask,
} from './schemas';

const SERVER = '/dedicated/server/{serviceName}';

/** `/dedicated/server/<sn>` with the service name escaped. */
export function serverPath(serviceName: string, suffix = ''): string {
  return `/dedicated/server/${encodeURIComponent(serviceName)}${suffix}`;
}

export const getServer = (api: OvhCaller, sn: string) =>
  api.request({ method: 'GET', path: serverPath(sn), route: SERVER, schema: serverSchema });

export const getHardware = (api: OvhCaller, sn: string) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, '/specifications/hardware'),
    route: `${SERVER}/specifications/hardware`,
    schema: hardwareSchema,
  });

export const getServiceInfos = (api: OvhCaller, sn: string) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, '/serviceInfos'),
    route: `${SERVER}/serviceInfos`,
    schema: serviceInfosSchema,
  });

export const getCompatibleTemplates = (api: OvhCaller, sn: string) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, '/install/compatibleTemplates'),
    route: `${SERVER}/install/compatibleTemplates`,
    schema: compatibleTemplatesSchema,
  });

/** Boot IDs of one type (`rescue`, `harddisk`, ...): OVH's IDs differ by region, so they are looked up. */
export const listBootIds = (api: OvhCaller, sn: string, bootType: string) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, '/boot'),
    route: `${SERVER}/boot`,
    query: { bootType },
    schema: idListSchema,
  });

/** Task IDs, filtered by function and status (OVH's query names). */
export const listTaskIds = (api: OvhCaller, sn: string, filter: { function?: string; status?: string }) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, '/task'),
    route: `${SERVER}/task`,
    query: filter,
    schema: idListSchema,
  });

export const getTask = (api: OvhCaller, sn: string, taskId: number) =>
  api.request({
    method: 'GET',
    path: serverPath(sn, `/task/${taskId}`),
    route: `${SERVER}/task/{taskId}`,
    schema: taskSchema,
  });

export const cancelTask = (api: OvhCaller, sn: string, taskId: number) =>
  api.request({
    method: 'POST',
    path: serverPath(sn, `/task/${taskId}/cancel`),
    route: `${SERVER}/task/{taskId}/cancel`,
    schema: voidSchema,
  });

/** `PUT /dedicated/server/{sn}` with only `bootId`: takes effect at the next reboot. */
export const setBootId = (api: OvhCaller, sn: string, bootId: number) =>
  api.request({ method: 'PUT', path: serverPath(sn), route: SERVER, body: { bootId }, schema: voidSchema });

/** `POST /reboot` (no body): a `hardReboot` task. */
export const reboot = (api: OvhCaller, sn: string) =>
  api.request({ method: 'POST', path: serverPath(sn, '/reboot'), route: `${SERVER}/reboot`, schema: taskSchema });

/** The installer's progress, or null when OVH says no installation runs (404, before and after one). */
export async function getInstallStatus(api: OvhCaller, sn: string): Promise<OvhInstallStatus | null> {
  try {
    return await api.request({
      method: 'GET',
      path: serverPath(sn, '/install/status'),
      route: `${SERVER}/install/status`,
      schema: installStatusSchema,
    });
  } catch (error) {
    // 404 "not being installed" before the installer starts and after it ends. A 460 is no "not yet": the
    // service has expired or is suspended (docs/ovh-api.md §3.2), and the error says so.
    if (isOvhError(error, 404)) return null;
    throw error;
  }
}

/** Tasks of one function whose status is init, todo or doing, oldest first. */
export async function listPendingTasks(api: OvhCaller, sn: string, fn: string): Promise<OvhTask[]> {
  const ids = new Set<number>();
  for (const status of ['init', 'todo', 'doing']) {
    for (const id of await listTaskIds(api, sn, { function: fn, status })) ids.add(id);
  }
  return readTasks(api, sn, [...ids]);
}

/** The tasks with these IDs, oldest first; tasks purged meanwhile (404) are skipped. */
export async function readTasks(api: OvhCaller, sn: string, ids: number[]): Promise<OvhTask[]> {
  const tasks: OvhTask[] = [];
  for (const id of ids.sort((a, b) => a - b)) {
    try {
      tasks.push(await getTask(api, sn, id));
    } catch (error) {
      // A task listed a moment ago may already be purged.
      if (!isOvhError(error, 404)) throw error;
    }
  }
  return tasks;
}
