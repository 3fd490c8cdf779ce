/**
 * In-test implementations of the activity contract with scripted behaviour per server, for the workflow
 * logic tests that need exact control of what each server does (failures on chosen servers, long waits).
 * They honour the contract's failure types; the reimage flow itself is also tested with the real activities.
 */
import { ApplicationFailure, type ApplicationFailureOptions } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { HookActivities, ReimageActivities } from '../../../src/activities/types';
import { FailureType } from '../../../src/shared/failure-types';

export interface ServerScript {
  preflight?: 'ok' | 'fail';
  deploy?: 'ok' | 'fail';
  boot?: 'ok' | 'fail';
  rollback?: 'ok' | 'fail';
  /** Real milliseconds waitForDeployment takes. */
  installDurationMs?: number;
  /** The first N deployments of the server fail (then `deploy` applies). */
  deployFailures?: number;
  /** The first N starts find the server's OVH account unreachable (AccountUnreachable, before any POST). */
  accountOutages?: number;
  /** Every start after the first deployment's is refused as locked (ServerLocked, proved untouched). */
  redeployLocked?: boolean;
}

export interface ScriptedActivities extends ReimageActivities, Omit<HookActivities, 'checkHookTargets'> {
  calls: Record<string, string[]>;
  installPosts: Map<string, number>;
}

function fail(message: string, type: FailureType, extra: Partial<ApplicationFailureOptions> = {}): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true, ...extra });
}

/** Builds activities where `scripts[serviceName]` (or `defaults`) decides each step. */
export function scriptedActivities(
  scripts: Record<string, ServerScript> = {},
  defaults: ServerScript = {},
  /** Replaces the real-time wait (e.g. env.sleep on the time-skipping server). */
  installHook?: (serviceName: string) => Promise<void>,
): ScriptedActivities {
  const calls: Record<string, string[]> = {};
  const installPosts = new Map<string, number>();
  const script = (sn: string): ServerScript => ({ ...defaults, ...scripts[sn] });
  const record = (sn: string, step: string) => (calls[sn] ??= []).push(step);
  return {
    calls,
    installPosts,
    async detectRoute({ serviceName }) {
      record(serviceName, 'detectRoute');
      return { route: 'reinstall', apiCalls: 1 };
    },
    async qualifyImage({ image }) {
      if (image.url.includes('bad')) fail(`The image at ${image.url} is not a disk image.`, FailureType.ImageRejected);
      return { sizeBytes: 1_000_000, format: 'qcow2', checksumVerified: true, partitionTable: 'n/a' };
    },
    async preflightServer({ serviceName }) {
      record(serviceName, 'preflight');
      const ok = script(serviceName).preflight !== 'fail';
      const failedChecks = ok
        ? []
        : [{ check: 'server_state' as const, message: 'The server state is "error", not "ok".' }];
      return { serviceName, ok, failedChecks, apiCalls: 4 };
    },
    async startDeployment({ serviceName, route }) {
      record(serviceName, 'start');
      const outages = calls[serviceName]?.filter((step) => step === 'start').length ?? 0;
      if (outages <= (script(serviceName).accountOutages ?? 0)) {
        fail('OVH account default answered no call for 60 s', FailureType.AccountUnreachable, {
          details: [{ account: 'default', sinceMs: Date.now() - 60_000 }],
        });
      }
      if (script(serviceName).redeployLocked && (installPosts.get(serviceName) ?? 0) > 0) {
        fail(`${serviceName} is locked by another OVH task or process.`, FailureType.ServerLocked, {
          details: [{ status: 400, untouched: true }],
        });
      }
      installPosts.set(serviceName, (installPosts.get(serviceName) ?? 0) + 1);
      return {
        serviceName,
        route,
        taskId: 1000 + installPosts.size,
        startedAt: new Date().toISOString(),
        adopted: false,
        apiCalls: 2,
      };
    },
    async waitForDeployment({ handle }) {
      record(handle.serviceName, 'wait');
      const s = script(handle.serviceName);
      if (installHook) await installHook(handle.serviceName);
      const end = Date.now() + (s.installDurationMs ?? 0);
      while (Date.now() < end) {
        Context.current().heartbeat({ status: 'doing', polls: 1, apiCalls: 1, lastPollAt: new Date().toISOString() });
        // The scripted install's duration itself (installDurationMs), heartbeating as the real poll loop does.
        await Context.current().sleep(Math.min(50, end - Date.now()));
      }
      const deployments = installPosts.get(handle.serviceName) ?? 0;
      if (s.deploy === 'fail' || deployments <= (s.deployFailures ?? 0))
        fail('Could not download image: 404 Not Found.', FailureType.DeployFailed);
      return { status: 'done', installDurationMs: s.installDurationMs ?? 0, polls: 3, apiCalls: 6 };
    },
    // Scripted installs end only through waitForDeployment: a single read finds them still running.
    async readDeployment({ handle }) {
      record(handle.serviceName, 'read');
      return { status: 'running', polls: 1, apiCalls: 1 };
    },
    async verifyBoot({ serviceName }) {
      record(serviceName, 'verify');
      if (script(serviceName).boot === 'fail')
        fail('The server did not answer on port 22 within the boot deadline.', FailureType.BootFailed);
      return { bootedFromDisk: true, probeAttempts: 1, apiCalls: 1 };
    },
    async callWebhookHook({ hook, payload }) {
      record(payload.server.serviceName, `hook ${hook}`);
      return { status: 200, tries: 1 };
    },
    async deliverNotification() {
      return { status: 200, tries: 1 };
    },
    async checkEnvReferences() {
      return { references: [] };
    },
    async rollbackToRescue({ serviceName }) {
      record(serviceName, 'rollback');
      if (script(serviceName).rollback === 'fail')
        fail('The rescue reboot task ended in error.', FailureType.RollbackFailed);
      return { inRescue: true, rescueBootId: 1, apiCalls: 3 };
    },
  };
}
