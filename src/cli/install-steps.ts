/**
 * The install step (i of N) of servers that are installing. The server workflow cannot read heartbeats, so
 * the CLI reads them: the pending waitForDeployment activity's heartbeat details hold a DeploymentProgress.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { DeploymentProgress } from '../domain/deployment';
import { serverWorkflowId } from '../shared/workflow-ids';

/** The last heartbeat of `serviceName`'s install, or undefined when it is not installing. */
export async function installProgress(client: Client, serviceName: string): Promise<DeploymentProgress | undefined> {
  try {
    const description = await client.workflow.getHandle(serverWorkflowId(serviceName)).describe();
    const pending = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'waitForDeployment');
    const payloads = pending?.heartbeatDetails?.payloads;
    if (!payloads?.length) return undefined;
    return await decodeFromPayloadsAtIndex<DeploymentProgress>(
      client.workflow.options.loadedDataConverter,
      0,
      payloads,
    );
  } catch {
    return undefined;
  }
}
