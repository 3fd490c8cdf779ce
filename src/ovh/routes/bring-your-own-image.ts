/**
 * The retired seed route: `POST/GET/DELETE /dedicated/server/{sn}/bringYourOwnImage` (flat body, `void`
 * answer, status `doing|done|error` with a message; docs/ovh-api.md §11). OVH's current schemas omit it;
 * it serves endpoints that still answer it. The POST creates a `reinstallServer` task, found by listing tasks.
 */
import type { OvhCaller } from '../client';
import { getInstallStatus, serverPath } from '../dedicated-server';
import { isOvhError } from '../errors';
import { byoiStatusSchema, voidSchema, type OvhByoiStatus } from '../schemas';
import { currentStep } from './reinstall';
import { bringToRescue, settleDeploymentTask } from './rescue';
import type { DeployRequest, DeploymentRoute, RouteHandle, RouteStatus } from './types';

const ROUTE = '/dedicated/server/{serviceName}/bringYourOwnImage';

/** The message OVH's manager treats as "deployment initialising" (install/status has no data yet). */
const STARTING_MESSAGE = 'starting';

const pairs = (record: Record<string, string> | undefined) =>
  record && Object.keys(record).length > 0 ? Object.entries(record).map(([key, value]) => ({ key, value })) : undefined;

/** The flat POST body, with the legacy names (`URL`, `checkSum`, `httpHeader`, `configdrive`). */
export function byoiBody(request: DeployRequest): Record<string, unknown> {
  const { image, configDrive } = request;
  const body: Record<string, unknown> = {
    URL: image.url,
    type: image.type,
    checkSum: image.checksum?.value,
    checkSumType: image.checksum?.type,
    description: image.description,
    diskGroupId: request.diskGroupId,
    httpHeader: pairs(image.httpHeaders),
  };
  if (configDrive) {
    body.configdrive = Object.fromEntries(
      Object.entries({
        enable: true,
        hostname: configDrive.hostname,
        sshKey: configDrive.sshKey,
        userData: configDrive.userData,
        userMetadatas: pairs(configDrive.metadata),
      }).filter(([, value]) => value !== undefined),
    );
  }
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** `GET .../bringYourOwnImage`, or null when no deployment exists (404). */
export async function getByoiStatus(api: OvhCaller, sn: string): Promise<OvhByoiStatus | null> {
  try {
    return await api.request({
      method: 'GET',
      path: serverPath(sn, '/bringYourOwnImage'),
      route: ROUTE,
      schema: byoiStatusSchema,
    });
  } catch (error) {
    if (isOvhError(error, 404) && !/invalid \(or empty\) URL/i.test(error.ovhMessage)) return null;
    throw error;
  }
}

export function createBringYourOwnImageRoute(api: OvhCaller): DeploymentRoute {
  return {
    name: 'bringYourOwnImage',

    async start(request: DeployRequest) {
      await api.request({
        method: 'POST',
        path: serverPath(request.serviceName, '/bringYourOwnImage'),
        route: ROUTE,
        body: byoiBody(request),
        schema: voidSchema,
      });
      return undefined;
    },

    async status(handle: RouteHandle, options = {}): Promise<RouteStatus> {
      const byoi = await getByoiStatus(api, handle.serviceName);
      if (!byoi || !byoi.status) return { state: 'pending', rawStatus: 'none' };
      if (byoi.status === 'done') return { state: 'done', rawStatus: 'done' };
      if (byoi.status === 'doing' && byoi.message === STARTING_MESSAGE) return { state: 'pending', rawStatus: 'doing' };
      if (byoi.status === 'doing' && !options.withStep) return { state: 'running', rawStatus: 'doing' };
      // install/status names the running step, or the failed one (the message comes from the BYOI status).
      const { step } = currentStep(await getInstallStatus(api, handle.serviceName));
      if (byoi.status === 'error')
        return { state: 'error', rawStatus: 'error', step, message: byoi.message ?? undefined };
      return { state: 'running', rawStatus: 'doing', step };
    },

    async rollback(handle, options) {
      const cancelledTaskId =
        handle.taskId === undefined
          ? undefined
          : await settleDeploymentTask(api, handle.serviceName, handle.taskId, options);
      try {
        // "Erases the deployment status and puts your server in rescue mode" (legacy guide).
        await api.request({
          method: 'DELETE',
          path: serverPath(handle.serviceName, '/bringYourOwnImage'),
          route: ROUTE,
          schema: voidSchema,
        });
      } catch (error) {
        if (!isOvhError(error, 404)) throw error;
      }
      const rescue = await bringToRescue(api, handle.serviceName, options);
      return { ...rescue, cancelledTaskId };
    },
  };
}
