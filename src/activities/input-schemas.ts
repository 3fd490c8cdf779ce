/**
 * zod schemas of every activity input, checked on entry: a workflow bug or an old history event then fails
 * with a message naming the field instead of a confusing OVH error.
 */
import { z } from 'zod';
import type { ConfigDriveSpec } from '../domain/config-drive';
import { CHECKSUM_TYPES, DECLARED_IMAGE_TYPES, type ImageSpec } from '../domain/image';
import { DEPLOY_ROUTES } from '../domain/routes';
import { FailureType } from '../shared/failure-types';
import { permanentFailure } from './failures';
import type { CheckCredentialRightsInput } from '../shared/plan-types';
import type {
  DeploymentHandle,
  DetectRouteInput,
  PreflightInput,
  QualifyImageInput,
  RollbackInput,
  StartDeploymentInput,
  VerifyBootInput,
  WaitForDeploymentInput,
} from './types';

const route = z.enum(DEPLOY_ROUTES);
export const isoTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO-8601 time');
const stringMap = z.record(z.string());

const imageSpecSchema: z.ZodType<ImageSpec> = z.object({
  url: z.string().url(),
  type: z.enum(DECLARED_IMAGE_TYPES),
  checksum: z.object({ type: z.enum(CHECKSUM_TYPES), value: z.string().regex(/^[0-9a-fA-F]+$/) }).optional(),
  httpHeaders: stringMap.optional(),
  efiBootloaderPath: z.string().min(1).optional(),
  description: z.string().optional(),
  sizeCapBytes: z.number().int().positive().optional(),
});

const configDriveSchema: z.ZodType<ConfigDriveSpec> = z.object({
  hostname: z.string().optional(),
  sshKey: z.string().optional(),
  userData: z.string().optional(),
  metadata: stringMap.optional(),
});

const handleSchema: z.ZodType<DeploymentHandle> = z.object({
  serviceName: z.string().min(1),
  route,
  taskId: z.number().int().optional(),
  startedAt: isoTime,
  adopted: z.boolean(),
  apiCalls: z.number().int(),
  ovhClockSpeed: z.number().positive().optional(),
});

export const checkCredentialRightsInputSchema: z.ZodType<CheckCredentialRightsInput> = z.object({
  routes: z.array(z.enum(DEPLOY_ROUTES)),
  serviceName: z.string().min(1).optional(),
});

export const detectRouteInputSchema: z.ZodType<DetectRouteInput> = z.object({ serviceName: z.string().min(1) });

export const preflightInputSchema: z.ZodType<PreflightInput> = z.object({
  campaignId: z.string(),
  serviceName: z.string().min(1),
  route,
  image: imageSpecSchema,
  imageSizeBytes: z.number().int().nonnegative().optional(),
  diskGroupId: z.number().int().optional(),
  windowEndsAt: isoTime.optional(),
});

export const qualifyImageInputSchema: z.ZodType<QualifyImageInput> = z.object({
  image: imageSpecSchema,
  targetsUefi: z.boolean(),
  maxBytes: z.number().int().positive().optional(),
});

export const startDeploymentInputSchema: z.ZodType<StartDeploymentInput> = z.object({
  campaignId: z.string(),
  attempt: z.number().int().positive(),
  serviceName: z.string().min(1),
  route,
  image: imageSpecSchema,
  configDrive: configDriveSchema.optional(),
  completion: z.object({ callback: z.string().url(), tries: z.number().int().min(1) }).optional(),
  diskGroupId: z.number().int().optional(),
  taskCheckpoint: z.number().int().nonnegative().optional(),
  resumed: z.boolean().optional(),
});

export const waitForDeploymentInputSchema: z.ZodType<WaitForDeploymentInput> = z.object({
  handle: handleSchema,
  deadlineAt: isoTime,
  typicalInstallMs: z.number().int().positive().optional(),
  earlyInstallMs: z.number().int().positive().optional(),
  pollMinMs: z.number().int().positive().optional(),
  pollMaxMs: z.number().int().positive().optional(),
  stepEveryPolls: z.number().int().min(0).optional(),
  calledBack: z.boolean().optional(),
});

export const verifyBootInputSchema: z.ZodType<VerifyBootInput> = z.object({
  serviceName: z.string().min(1),
  probe: z
    .discriminatedUnion('type', [
      z.object({
        type: z.literal('ssh'),
        port: z.number().int().min(1).max(65535),
        timeoutMs: z.number().int().positive(),
      }),
      z.object({
        type: z.literal('tcp'),
        host: z.string().optional(),
        port: z.number().int().min(1).max(65535),
        timeoutMs: z.number().int().positive(),
      }),
      z.object({ type: z.literal('http'), url: z.string().url(), timeoutMs: z.number().int().positive() }),
    ])
    .optional(),
  deadlineAt: isoTime,
  retryIntervalMs: z.number().int().positive().optional(),
  harddiskBootIds: z.array(z.number().int()).optional(),
});

export const rollbackInputSchema: z.ZodType<RollbackInput> = z.object({
  serviceName: z.string().min(1),
  route,
  handle: handleSchema.optional(),
  deadlineAt: isoTime.optional(),
  pollMs: z.number().int().positive().optional(),
  rescueBootId: z.number().int().optional(),
});

/** Parses an activity input; a bad one is a non-retryable NotAllowed failure listing every bad field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, activity: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw permanentFailure(FailureType.NotAllowed, `${activity} received an invalid input: ${lines.join('; ')}.`);
}
