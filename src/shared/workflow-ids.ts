/**
 * Workflow IDs are business keys, built only here. A server's workflow ID does not name the campaign, so
 * Temporal's ID uniqueness guarantees one server is never reimaged by two workflows at once. Workflow-safe.
 */

/** The one workflow allowed to reimage `serviceName` at a time. */
export function serverWorkflowId(serviceName: string): string {
  return `reimage/${serviceName}`;
}

/** A campaign's workflow ID. */
export function campaignWorkflowId(campaignId: string): string {
  return `campaign/${campaignId}`;
}

/** Inverse of {@link campaignWorkflowId}; undefined when `workflowId` is not a campaign workflow ID. */
export function campaignIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith('campaign/') ? workflowId.slice('campaign/'.length) : undefined;
}

/** Inverse of {@link serverWorkflowId}; undefined when `workflowId` is not a server workflow ID. */
export function serverNameFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith('reimage/') ? workflowId.slice('reimage/'.length) : undefined;
}
