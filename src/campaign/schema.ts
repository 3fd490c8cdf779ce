/**
 * The campaign file's structure as a zod schema (the JSON Schema in schema/campaign.schema.json is generated
 * from it), and the types of the file (`CampaignFile`) and of its normalized form (`CampaignSpec`).
 * Cross-field checks live in rules.ts; normalization in normalize.ts.
 */
import { z } from 'zod';
import type { CompletionSpec } from '../domain/completion';
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { HooksSpec, NotifySpec } from '../domain/hooks';
import { SSH_PORT, type BootProbeSetting } from '../domain/deployment';
import type { ImageFormat, ImageSpec } from '../domain/image';
import type { ApprovalMode, FailurePolicy, WindowCloseAction } from '../domain/rollout';
import { ROUTE_CHOICES, type RouteChoice } from '../domain/routes';
import type { ServerSelection } from '../domain/servers';
import type { CountOrPercent, DeployDeadlines, PollSettings, WindowsSetting } from '../shared/campaign-types';
import { renderTemplate, SAMPLE_SERVICE_NAME, templateSyntaxProblem } from './hostname-template';
import { completionSchema } from './schema-completion';
import { hooksSchema, notifySchema } from './schema-hooks';
import { configDriveSchema, imageSchema } from './schema-image';
import { rolloutSchema, windowsSchema } from './schema-rollout';
import { check, duration } from '../input/fields';
import { serviceName } from './schema-fields';
import { accountNameProblem } from '../input/account-names';
import { globProblem } from './selector';
import { quote } from '../input/quote';

/** poll.maxInterval when the campaign file gives none. */
const DEFAULT_MAX_INTERVAL = '10m';
/** poll.maxInterval when the campaign file gives none and its servers call back. */
const CALLBACK_MAX_INTERVAL = '15m';

/** The campaign's poll.maxInterval, or its default. */
export function pollMaxInterval(file: { poll: { maxInterval?: string | undefined }; completion?: unknown }): string {
  return file.poll.maxInterval ?? (file.completion ? CALLBACK_MAX_INTERVAL : DEFAULT_MAX_INTERVAL);
}

function datacenterProblem(code: string): string | undefined {
  return /^[a-z]+[0-9]*$/.test(code)
    ? undefined
    : `must be an OVH datacenter code such as "rbx8" or "gra3" (got ${quote(code)})`;
}

const selectorSchema = z
  .object({
    datacenters: z
      .array(z.string().superRefine(check(datacenterProblem)))
      .min(1)
      .optional()
      .describe('Match servers in any of these OVH datacenters, e.g. ["rbx8", "gra3"].'),
    namePattern: z
      .string()
      .min(1)
      .superRefine(check(globProblem))
      .optional()
      .describe('Glob over service names: * (any characters), ? (one character), [a-z] and [!0-9] classes.'),
    iamTags: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe('Match servers carrying every one of these IAM tags with exactly these values.'),
  })
  .strict()
  .describe('Select servers at plan time: every criterion given must match.');

const bootProbeSchema = z
  .union(
    [
      z.literal('none'),
      z.discriminatedUnion('type', [
        z
          .object({
            type: z.literal('ssh').describe("Probe kind: the server's SSH server answers with its greeting."),
            port: z.number().int().min(1).max(65535).default(SSH_PORT).describe('SSH port on the address OVH reports.'),
            timeout: duration('Timeout of one attempt (connection and greeting).', { positive: true }).default('10s'),
          })
          .strict(),
        z
          .object({
            type: z.literal('tcp').describe('Probe kind: a TCP connection to the server.'),
            port: z.number().int().min(1).max(65535).describe('TCP port that must accept a connection, e.g. 22.'),
            timeout: duration('Timeout of one connection attempt.', { positive: true }).default('10s'),
          })
          .strict(),
        z
          .object({
            type: z.literal('http').describe('Probe kind: an HTTP GET that must answer 2xx.'),
            url: z
              .string()
              .superRefine(check(probeUrlProblem))
              .describe('URL template, e.g. "http://{serviceName}:8080/healthz"; a 2xx answer means booted.'),
            timeout: duration('Timeout of one request.', { positive: true }).default('10s'),
          })
          .strict(),
      ]),
    ],
    { errorMap: () => ({ message: 'must be "none" or an object with type "ssh", "tcp" or "http"' }) },
  )
  .default({ type: 'ssh', port: SSH_PORT, timeout: '10s' })
  .describe(
    'How to prove that the new OS is up after the install: its SSH greeting on the address OVH reports (the default), a TCP connect, an HTTP GET, or "none" (the boot is not verified; no afterBoot hook then).',
  );

function probeUrlProblem(text: string): string | undefined {
  const syntax = templateSyntaxProblem(text);
  if (syntax !== undefined) return syntax;
  if (!/\{(serviceName|shortName)\}/.test(text)) {
    return 'must contain {serviceName} or {shortName}, so that each server probes its own address';
  }
  try {
    const url = new URL(renderTemplate(text, SAMPLE_SERVICE_NAME));
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must start with http:// or https://';
  } catch {
    return 'must be an absolute http:// or https:// URL once {serviceName} is replaced';
  }
}

function repeatedAccountProblem(names: string[]): string | undefined {
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  return repeated === undefined ? undefined : `lists ${quote(repeated)} twice; name each account once`;
}

function campaignNameProblem(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > 63) return `must be at most 63 characters long (got ${text.length})`;
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(text)) return undefined;
  return `must be lowercase letters, digits and hyphens, starting and ending with a letter or digit (got ${quote(text)}); it is part of workflow IDs`;
}

/** The campaign file. */
export const campaignFileSchema = z
  .object({
    name: z
      .string()
      .superRefine(check(campaignNameProblem))
      .describe('Campaign name, 1-63 lowercase letters, digits and hyphens; part of every workflow ID.'),
    description: z.string().max(1000).optional().describe('Free text shown in plans and reports.'),
    servers: z
      .union([z.array(serviceName).min(1, 'must list at least one server'), selectorSchema], {
        errorMap: () => ({ message: 'must be a list of service names or a selector object' }),
      })
      .describe('The servers to reimage: a list of OVH service names, or a selector resolved at plan time.'),
    exclude: z.array(serviceName).default([]).describe('Service names never to touch, even when listed or selected.'),
    allowList: z
      .array(serviceName)
      .min(1)
      .optional()
      .describe('When set, the only service names this campaign may touch; anything else is refused.'),
    accounts: z
      .array(z.string().superRefine(check(accountNameProblem)))
      .min(1)
      .superRefine(check(repeatedAccountProblem))
      .optional()
      .describe(
        "The OVH accounts of the worker's accounts file to search for the servers, e.g. [eu-prod, ca-prod]; default: all of them.",
      ),
    image: imageSchema,
    configDrive: configDriveSchema.optional(),
    completion: completionSchema.optional(),
    route: z
      .enum(ROUTE_CHOICES)
      .default('reinstall')
      .describe(
        'OVH API route: "reinstall" (POST /dedicated/server/{sn}/reinstall, current), "bringYourOwnImage" (retired ' +
          'legacy route), or "auto" (detect per server).',
      ),
    diskGroupId: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'The OVH disk group to install the image on, a diskGroupId of GET /dedicated/server/{sn}/specifications/hardware ' +
          "(BYOI writes to its first disk); default: OVH's, the first disk group. The plan refuses a server without it.",
      ),
    rollout: rolloutSchema,
    deadlines: z
      .object({
        install: duration('From the start of the deployment to OVH reporting it done.', { positive: true }).default(
          '60m',
        ),
        rollback: duration('From the start of a rollback to the server running rescue.', { positive: true }).default(
          '20m',
        ),
        boot: duration('From the end of the install to the boot probe answering.', { positive: true }).default('15m'),
        preflight: duration('Read-only checks of one server.', { positive: true }).default('5m'),
      })
      .strict()
      .default({})
      .describe('Per-phase deadlines of one server; a phase that overruns fails the server (and rolls it back).'),
    poll: z
      .object({
        minInterval: duration('Shortest pause between two polls of a deployment.', { positive: true }).default('15s'),
        maxInterval: duration(
          `Longest pause between two polls, the wait before the first poll included (the first poll of an 11-minute install comes after 9 min 37 s). Default ${DEFAULT_MAX_INTERVAL}, or ${CALLBACK_MAX_INTERVAL} with completion.callback (polling is then the fallback of servers that never call back, and a shorter pause mostly spends calls on installs about to call back).`,
          { positive: true },
        ).optional(),
        stepEvery: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe(
            'Also read the install step (step i of N in `reimage status` and the progress query) every N polls, one more OVH call each; 0: only when an install fails or overruns its deadline.',
          ),
      })
      .strict()
      .default({})
      .describe('How often deployments are polled: each poll costs OVH API calls (about 60 per minute per key).'),
    windows: windowsSchema.optional(),
    retry: z
      .object({
        redeployAfterRollback: z
          .number()
          .int()
          .min(0)
          .max(3)
          .default(0)
          .describe('Whole redeployments after a failure that rolled back cleanly (0-3; 0: never).'),
      })
      .strict()
      .default({})
      .describe('Automatic redeployment of a server that failed and was rolled back.'),
    bootProbe: bootProbeSchema,
    hooks: hooksSchema.optional(),
    notify: notifySchema.optional(),
  })
  .strict()
  .describe('A reimage campaign: which servers get which image, how fast, and when.');

/** The campaign file after zod: defaults applied, still as written otherwise (what rules.ts checks). */
export type ParsedCampaignFile = z.output<typeof campaignFileSchema>;

/** The normalized campaign: durations in milliseconds, checksums as {type, value}, counts and percentages
 * as `{count}` / `{percent}`, defaults applied, user data read from its file. Plain serializable data. */
export interface CampaignSpec {
  name: string;
  description?: string;
  servers: ServerSelection;
  exclude: string[];
  allowList?: string[];
  accounts?: string[];
  image: ImageSpec & { type: ImageFormat };
  configDrive?: ConfigDriveSpec;
  completion?: CompletionSpec;
  route: RouteChoice;
  diskGroupId?: number;
  rollout: {
    waves: CountOrPercent[];
    maxParallel: CountOrPercent;
    maxPerRack?: number;
    maxPerDatacenter?: number;
    failureBudget: CountOrPercent;
    bakeTimeMs: number;
    approval: ApprovalMode;
    failurePolicy: FailurePolicy;
  };
  deadlines: DeployDeadlines & { preflightMs: number };
  poll: PollSettings;
  windows?: WindowsSetting;
  atClose: WindowCloseAction;
  retry: { redeployAfterRollback: number };
  bootProbe: BootProbeSetting;
  hooks?: HooksSpec;
  notify?: NotifySpec[];
}
