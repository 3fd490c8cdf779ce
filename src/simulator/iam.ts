/**
 * The IAM action OVH checks for an OAuth2 call to the dedicated-server API, as the v1 schema names them
 * (`iamActions` of each operation; docs/ovh-api.md §2.3): `dedicatedServer:apiovh:<sub-path>/<verb>`.
 */
import { globPattern } from '../shared/glob';

const SERVER_PREFIX = /^\/dedicated\/server\/[^/]+/;

/** Actions of the writes a campaign makes, by method and the path below the server. */
const WRITE_ACTIONS: Record<string, string> = {
  'PUT ': 'dedicatedServer:apiovh:put',
  'POST /reinstall': 'dedicatedServer:apiovh:reinstall',
  'POST /reboot': 'dedicatedServer:apiovh:reboot',
  'POST /bringYourOwnImage': 'dedicatedServer:apiovh:bringYourOwnImage/create',
  'DELETE /bringYourOwnImage': 'dedicatedServer:apiovh:bringYourOwnImage/delete',
};

/** The IAM action of `method apiPath`; reads of a server's sub-resources need `<sub-path>/get`. */
export function iamActionOf(method: string, apiPath: string): string {
  const below = apiPath.replace(SERVER_PREFIX, '');
  if (below === apiPath) return 'dedicatedServer:apiovh:get';
  if (method === 'POST' && /^\/task\/\d+\/cancel$/.test(below)) return 'dedicatedServer:apiovh:task/cancel';
  const write = WRITE_ACTIONS[`${method} ${below}`];
  if (write) return write;
  const resource = below
    .split('/')
    .filter((part) => part !== '' && !/^\d+$/.test(part))
    .join('/');
  return resource === '' ? 'dedicatedServer:apiovh:get' : `dedicatedServer:apiovh:${resource}/get`;
}

/** Whether a policy granting `actions` (`*` wildcards) allows `action`. */
export function iamAllows(actions: readonly string[], action: string): boolean {
  return actions.some((granted) => globPattern(granted).test(action));
}
