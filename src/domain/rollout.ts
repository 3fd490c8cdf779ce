/**
 * Rollout policies a campaign chooses: operator approval, what a spent failure budget does, and what a
 * closing maintenance window does. Domain vocabulary: imports nothing, workflow-safe; types and zod enums
 * derive from these definitions.
 */

/** When an operator must approve: never, before every wave, or once after the first wave (the canary). */
export const ApprovalMode = { None: 'none', BeforeEachWave: 'beforeEachWave', AfterCanary: 'afterCanary' } as const;
export type ApprovalMode = (typeof ApprovalMode)[keyof typeof ApprovalMode];
/** Every ApprovalMode, in declaration order (object key order is insertion order for string keys). */
export const APPROVAL_MODES = Object.values(ApprovalMode) as [ApprovalMode, ...ApprovalMode[]];

/** When the failure budget is exceeded: let servers in flight finish, or roll them back. */
export const FAILURE_POLICIES = ['finish', 'rollback'] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

/** Servers still installing when a maintenance window closes: let them finish, or roll them back. */
export const WINDOW_CLOSE_ACTIONS = ['continue', 'rollback'] as const;
export type WindowCloseAction = (typeof WINDOW_CLOSE_ACTIONS)[number];
