/**
 * verifyBoot: after OVH reports done, the server must boot from its disk (its bootId is a `harddisk` boot)
 * and, when a probe is configured, its new OS must answer it (an SSH greeting, a TCP connect, HTTP 2xx:
 * boot-probes.ts) before the deadline. Retries inside the activity; gives up with BootFailed.
 *
 * The install task's `done` is already proven by the last poll and is not read again. The harddisk boot IDs
 * come from preflight (input) and the worker's boot catalogue of the endpoint (stable-facts.ts), so one read
 * of the server proves the disk boot; a server that does not show one of those IDs makes the activity list
 * its own (once) before it concludes, so a stale or empty list can never fail a good install.
 */
import { FailureType } from '../shared/failure-types';
import type { OvhCaller } from '../ovh/client';
import { getServer, listBootIds } from '../ovh/dedicated-server';
import { activityWaiter, ovhSession, workflowDeadline, type ActivityDeps } from './deps';
import { permanentFailure, toActivityFailure } from './failures';
import { describeProbe, runProbe } from './boot-probes';
import type { BootProbe } from '../domain/deployment';
import type { BootVerification, VerifyBootInput } from './types';

/** Default pause between attempts. */
const DEFAULT_RETRY_INTERVAL_MS = 10_000;

/** The harddisk boot IDs: given and known of the endpoint, or (`fresh`) the server's own list, then recorded. */
async function harddiskBoots(
  api: OvhCaller,
  input: VerifyBootInput,
  deps: ActivityDeps,
  fresh: boolean,
): Promise<{ ids: number[]; read: boolean }> {
  const catalogue = deps.stableFacts;
  if (!fresh) {
    const known = [...(input.harddiskBootIds ?? []), ...(catalogue?.knownHarddiskBoots(deps.ovh.endpoint) ?? [])];
    return { ids: known, read: false };
  }
  const ids = await listBootIds(api, input.serviceName, 'harddisk');
  catalogue?.addHarddiskBoots(deps.ovh.endpoint, ids);
  return { ids, read: true };
}

/** The verifyBoot activity body. */
export async function verifyBoot(input: VerifyBootInput, deps: ActivityDeps): Promise<BootVerification> {
  const api = ovhSession(deps);
  const now = deps.clock ?? Date.now;
  const deadline = workflowDeadline(deps, input.deadlineAt);
  const interval = input.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
  let probeAttempts = 0;
  let bootedFromDisk = false;
  let bootId: number | undefined;
  let ip: string | undefined;
  let probeError: string | undefined;
  const waiter = activityWaiter(deps, () => ({ bootedFromDisk, probeAttempts }));
  try {
    let harddisk = await harddiskBoots(api, input, deps, false);
    for (;;) {
      if (!bootedFromDisk) {
        const server = await getServer(api, input.serviceName);
        bootId = server.bootId ?? undefined;
        ip = server.ip ?? undefined;
        if (bootId !== undefined && !harddisk.ids.includes(bootId) && !harddisk.read) {
          harddisk = await harddiskBoots(api, input, deps, true);
        }
        bootedFromDisk = bootId !== undefined && harddisk.ids.includes(bootId);
      }
      if (bootedFromDisk && input.probe) {
        probeAttempts += 1;
        probeError = await runProbe(input.probe, { ip, sshPort: deps.simulatorSshPort });
      }
      if (bootedFromDisk && (!input.probe || probeError === undefined)) {
        return { bootedFromDisk, probeOk: input.probe ? true : undefined, probeAttempts, apiCalls: api.calls };
      }
      if (now() + interval > deadline) break;
      await waiter.sleep(interval);
    }
  } catch (error) {
    throw toActivityFailure(error);
  }
  const message = bootedFromDisk
    ? `${input.serviceName} boots from its disk but its OS did not answer ${describeProbe(input.probe as BootProbe, { ip, sshPort: deps.simulatorSshPort })} by ${input.deadlineAt} (${probeAttempts} attempts, last: ${probeError}). Check efiBootloaderPath, the image's network setup and that the probed service starts at boot.`
    : `${input.serviceName} still boots ${bootId ?? 'no boot'} instead of its disk after the install; OVH did not switch it back. Check the server in the OVH control panel.`;
  throw permanentFailure(FailureType.BootFailed, message, {
    bootedFromDisk,
    bootId,
    probeAttempts,
    apiCalls: api.calls,
  });
}
