/**
 * The OVH calls a campaign makes, per deployment route (the calls in src/ovh/dedicated-server.ts and
 * src/ovh/routes/), and which of them an application key's access rules allow, matched as OVH matches
 * them: the method exactly, the path against a pattern where `*` matches anything, slashes included.
 */
import type { DeployRoute } from '../domain/routes';
import type { RequiredCall } from '../shared/credential-rights';
import { globPattern } from '../shared/glob';
import type { AccessRule } from './current-credential';

const SERVER = '/dedicated/server/{serviceName}';
const IAM = 'dedicatedServer:apiovh';

function call(method: RequiredCall['method'], path: string, purpose: string, iam: string): RequiredCall {
  return { method, path, purpose, rule: `${method} ${path.replace(/\{[^}]+\}/g, '*')}`, iamAction: `${IAM}:${iam}` };
}

const READS: RequiredCall[] = [
  call('GET', '/dedicated/server', 'list the servers', 'get'),
  call('GET', SERVER, 'read each server', 'get'),
  call('GET', `${SERVER}/install/status`, "read the installer's progress", 'install/status/get'),
  call('GET', `${SERVER}/task/{taskId}`, 'follow the install and reboot tasks', 'task/get'),
  call('GET', `${SERVER}/boot`, 'find the rescue boot', 'boot/get'),
  call('GET', `${SERVER}/specifications/hardware`, 'preflight the disk groups', 'specifications/hardware/get'),
];
const ROLLBACK: RequiredCall[] = [
  call('PUT', SERVER, "set the server's bootId (rescue on rollback)", 'put'),
  call('POST', `${SERVER}/reboot`, 'reboot into rescue on rollback', 'reboot'),
  call('POST', `${SERVER}/task/{taskId}/cancel`, 'cancel a waiting install on rollback', 'task/cancel'),
];
const STARTS: Record<DeployRoute, RequiredCall[]> = {
  reinstall: [call('POST', `${SERVER}/reinstall`, 'start the install', 'reinstall')],
  bringYourOwnImage: [
    call('POST', `${SERVER}/bringYourOwnImage`, 'start the install', 'bringYourOwnImage/create'),
    call('DELETE', `${SERVER}/bringYourOwnImage`, 'stop a deployment on rollback', 'bringYourOwnImage/delete'),
  ],
};

/** Every call a campaign on `routes` makes, reads first. */
export function requiredCalls(routes: readonly DeployRoute[]): RequiredCall[] {
  return [...READS, ...routes.flatMap((r) => STARTS[r]), ...ROLLBACK];
}

/** Whether `rule` allows `method path` (OVH's `*` glob over the whole path). */
function allows(rule: AccessRule, method: string, path: string): boolean {
  if (rule.method !== method) return false;
  return globPattern(rule.path).test(path);
}

/** The calls no rule allows, checked on `serviceName` (a server of the account). */
export function callsNotAllowed(rules: readonly AccessRule[], calls: RequiredCall[], serviceName: string) {
  return calls.filter((needed) => {
    const path = needed.path.replace('{serviceName}', serviceName).replace('{taskId}', '1');
    return !rules.some((rule) => allows(rule, needed.method, path));
  });
}
