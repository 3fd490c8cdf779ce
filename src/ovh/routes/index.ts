/**
 * Route selection: a route by name, and `auto` detection.
 *
 * `auto` = `reinstall` unless only the legacy route exists. Production serves only `/reinstall` today, so
 * the first read settles it: `GET .../bringYourOwnImage` answering 404 "Got an invalid (or empty) URL"
 * means the legacy route is retired, hence `reinstall` (one call). When the legacy route answers (a status,
 * or 404 "no deployment"), `/reinstall` is probed with a GET, which OVH answers 405 "The call does not
 * answer to the GET HTTP method" when the path exists (no side effect): 405 keeps `reinstall`, 404 "invalid
 * URL" means only the legacy route exists, hence `bringYourOwnImage`.
 */
import type { DeployRoute } from '../../domain/routes';
import type { OvhCaller } from '../client';
import { createBringYourOwnImageRoute, getByoiStatus } from './bring-your-own-image';
import { createReinstallRoute } from './reinstall';
import type { DeploymentRoute } from './types';
import { isOvhError } from '../errors';
import { serverPath } from '../dedicated-server';
import { voidSchema } from '../schemas';

export type { DeploymentRoute, DeployRequest, RouteHandle, RouteStatus, RollbackOptions, Waiter } from './types';
export { RescueUnreachableError } from './types';

/** The route called `name`, making its calls through `api`. */
export function routeFor(name: DeployRoute, api: OvhCaller): DeploymentRoute {
  return name === 'reinstall' ? createReinstallRoute(api) : createBringYourOwnImageRoute(api);
}

/** What `auto` chose for one server, and the answer that decided it. */
export interface RouteDecision {
  route: DeployRoute;
  reason: string;
}

const BYOI_PROBE = 'GET .../bringYourOwnImage';
const REINSTALL_PROBE = 'GET .../reinstall';

/**
 * Resolves `auto` for one server (one read in production, two where the legacy route still answers). Only
 * OVH's "invalid URL" 404 on the reinstall probe picks the retired route: any other refusal (a 403 of the
 * credential's rights, a 5xx) is thrown, never read as an answer about the routes.
 */
export async function detectDeployRoute(api: OvhCaller, serviceName: string): Promise<RouteDecision> {
  try {
    await getByoiStatus(api, serviceName);
  } catch (error) {
    if (isRetiredRoute(error))
      return { route: 'reinstall', reason: `${BYOI_PROBE} answered 404 "invalid URL": retired` };
    throw error;
  }
  try {
    await api.request({
      method: 'GET',
      path: serverPath(serviceName, '/reinstall'),
      route: '/dedicated/server/{serviceName}/reinstall',
      schema: voidSchema,
    });
  } catch (error) {
    if (isRetiredRoute(error)) {
      return {
        route: 'bringYourOwnImage',
        reason: `${REINSTALL_PROBE} answered 404 "invalid URL": only the legacy route exists`,
      };
    }
    if (!isOvhError(error, 405)) throw error;
  }
  return {
    route: 'reinstall',
    reason: `${BYOI_PROBE} answered, and so did ${REINSTALL_PROBE} (405): both exist, reinstall preferred`,
  };
}

/** True when OVH answered that the route does not exist on this endpoint. */
export function isRetiredRoute(error: unknown): boolean {
  return isOvhError(error, 404) && /invalid \(or empty\) URL/i.test(error.ovhMessage);
}

/** Why `ova` can never be deployed: no route's schema accepts it. */
export const OVA_REJECTION =
  'image.type is "ova", which neither OVH route accepts: /reinstall takes imageType qcow2 or raw, and the retired bringYourOwnImage route took qcow2 or raw as well (its guide mentioned ova, its schema never did). Convert the image with "qemu-img convert -O qcow2" and declare type qcow2.';
