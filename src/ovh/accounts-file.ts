/**
 * The OVH accounts file (REIMAGE_OVH_ACCOUNTS, YAML): every OVH account a worker may reach, each with its
 * endpoint, its credentials as `${VAR}` references to the worker's environment (never the secrets
 * themselves), its rate budget and an optional CA file. Parsed with zod; problems are reported one per line
 * as `accounts[1].credentials.consumerKey: ...`, the campaign file's style. Reading the file and resolving
 * the references is the caller's (config.ts): this module only parses.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { accountNameProblem } from '../input/account-names';
import { formatPath } from '../input/errors';
import { check, duration } from '../input/fields';
import { parseDuration } from '../input/units';
import { quote } from '../input/quote';
import { toCampaignIssues } from '../input/zod-issues';
import { NAMED_ENDPOINTS, type OvhSettings } from './settings';

const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** A count per s, min or h, as OVH_RATE_LIMIT takes it. */
export const RATE_LIMIT_PATTERN = /^(\d+)\/(s|sec|min|h)$/;
const PER_MS = { s: 1000, sec: 1000, min: 60_000, h: 3_600_000 } as const;

/** Requests per period, and how many may go back to back after an idle period. */
export interface AccountRateLimit {
  requests: number;
  perMs: number;
  burst?: number;
}

/** `60/min` into requests per milliseconds; undefined when the text does not match RATE_LIMIT_PATTERN. */
export function parseRateLimit(text: string): AccountRateLimit | undefined {
  const [, count, unit] = RATE_LIMIT_PATTERN.exec(text) ?? [];
  if (count === undefined || Number(count) < 1) return undefined;
  return { requests: Number(count), perMs: PER_MS[unit as keyof typeof PER_MS] };
}

function endpointProblem(endpoint: string): string | undefined {
  if (endpoint in NAMED_ENDPOINTS) return undefined;
  const names = Object.keys(NAMED_ENDPOINTS).join(', ');
  try {
    if (new URL(endpoint).protocol === 'https:') return undefined;
  } catch {
    // Falls through to the message below.
  }
  return `must be one of ${names} or an https URL like https://eu.api.ovh.com/1.0 (got ${quote(endpoint)})`;
}

/** A credential is a `${VAR}` reference: the secret itself stays in the worker's environment. */
const reference = z
  .string({ invalid_type_error: 'must be an environment reference like ${EU_APP_KEY}' })
  .superRefine(
    check((value: string) =>
      WHOLE_REFERENCE.test(value)
        ? undefined
        : 'must be an environment reference like ${EU_APP_KEY}, not the secret itself: credentials stay in the worker environment',
    ),
  );

const KEY_FIELDS = ['applicationKey', 'applicationSecret', 'consumerKey'] as const;
const OAUTH_FIELDS = ['clientId', 'clientSecret'] as const;

/** Exactly one complete credential set: the missing fields are named, where they would go. */
function credentialProblems(c: Partial<Record<string, string>>, ctx: z.RefinementCtx): void {
  const oauth = OAUTH_FIELDS.some((field) => c[field] !== undefined);
  const keys = KEY_FIELDS.some((field) => c[field] !== undefined);
  if (oauth && keys) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'holds both application keys and OAuth2 client credentials; keep one kind',
    });
    return;
  }
  const needed = oauth ? OAUTH_FIELDS : KEY_FIELDS;
  for (const field of needed.filter((name) => c[name] === undefined)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [field],
      message: `is required (${oauth ? 'OAuth2 needs clientId and clientSecret' : 'application keys need applicationKey, applicationSecret and consumerKey, or use clientId and clientSecret'})`,
    });
  }
}

const credentialsSchema = z
  .object({
    applicationKey: reference.optional().describe('OVH application key (AK), e.g. ${EU_APP_KEY}.'),
    applicationSecret: reference.optional().describe('OVH application secret (AS), e.g. ${EU_APP_SECRET}.'),
    consumerKey: reference.optional().describe('OVH consumer key (CK), e.g. ${EU_CONSUMER_KEY}.'),
    clientId: reference.optional().describe('OAuth2 client ID, e.g. ${CA_CLIENT_ID}.'),
    clientSecret: reference.optional().describe('OAuth2 client secret, e.g. ${CA_CLIENT_SECRET}.'),
  })
  .strict()
  .superRefine(credentialProblems)
  .describe('Application keys (applicationKey, applicationSecret, consumerKey) or OAuth2 (clientId, clientSecret).');

const accountSchema = z
  .object({
    name: z
      .string()
      .superRefine(check(accountNameProblem))
      .describe('Account name, e.g. eu-prod: what campaigns (`accounts:`) and reports call it.'),
    endpoint: z
      .string()
      .superRefine(check(endpointProblem))
      .describe('ovh-eu, ovh-ca, ovh-us, or an https URL (a proxy, the simulator).'),
    credentials: credentialsSchema,
    rateLimit: z
      .string()
      .regex(RATE_LIMIT_PATTERN, 'must look like 60/min, 5/s or 3000/h')
      .default('60/min')
      .describe("The account's request budget (OVH's fair-use figure is about 60/min per key)."),
    burst: z.number().int().min(1).optional().describe('Calls sent back to back after an idle period; default 10.'),
    caFile: z.string().min(1).optional().describe('A PEM file of extra CAs to trust for this endpoint.'),
    requestTimeout: z.number().int().min(1000).optional().describe('Per-request timeout in ms; default 30000.'),
    unreachableAfter: duration(
      'How long every call must go unanswered (refused, timed out, 5xx) before the servers of the account wait for it instead of failing.',
      { positive: true },
    ).default('30s'),
  })
  .strict();

const accountsFileSchema = z
  .object({ accounts: z.array(accountSchema).min(1, 'must list at least one account') })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.accounts.forEach((account, index) => {
      const first = seen.get(account.name);
      if (first === undefined) seen.set(account.name, index);
      else {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['accounts', index, 'name'],
          message: `${quote(account.name)} is already the name of accounts[${first}]; give each account its own name`,
        });
      }
    });
  });

type AccountEntry = z.output<typeof accountSchema>;

/** An account as the file describes it: credentials still as references. */
export interface AccountSpec {
  name: string;
  endpoint: string;
  /** Setting name (appKey, ...) -> the environment variable that holds it. */
  credentialVariables: Partial<Record<'appKey' | 'appSecret' | 'consumerKey' | 'clientId' | 'clientSecret', string>>;
  rateLimit: AccountRateLimit;
  caFile?: string;
  requestTimeoutMs?: number;
  unreachableAfterMs: number;
}

/** An account a worker holds: its client settings with the credentials read from the environment. */
export interface OvhAccount {
  name: string;
  settings: OvhSettings;
  rateLimit: AccountRateLimit;
  /** How long every call must go unanswered before the account counts as unreachable; default 30 s. */
  unreachableAfterMs?: number;
}

/** The accounts file is not valid; one line per problem, `path: message`. */
export class AccountsFileError extends Error {
  override name = 'AccountsFileError';
}

function variableOf(value: string): string {
  return (WHOLE_REFERENCE.exec(value) as RegExpExecArray)[1] as string;
}

/** The credential's setting name in OvhSettings, per field of the file. */
const SETTING_OF = {
  applicationKey: 'appKey',
  applicationSecret: 'appSecret',
  consumerKey: 'consumerKey',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
} as const;

function toSpec(entry: AccountEntry): AccountSpec {
  const credentialVariables = Object.fromEntries(
    Object.entries(entry.credentials)
      .filter((pair): pair is [keyof typeof SETTING_OF, string] => pair[1] !== undefined)
      .map(([field, value]) => [SETTING_OF[field], variableOf(value)]),
  );
  return {
    name: entry.name,
    endpoint: entry.endpoint,
    credentialVariables,
    rateLimit: { ...(parseRateLimit(entry.rateLimit) as AccountRateLimit), burst: entry.burst },
    caFile: entry.caFile,
    requestTimeoutMs: entry.requestTimeout,
    unreachableAfterMs: parseDuration(entry.unreachableAfter),
  };
}

function fail(source: string, lines: string[]): never {
  throw new AccountsFileError(`The OVH accounts file ${source} is not valid:\n${lines.join('\n')}`);
}

/** Aliases the accounts file may expand before it is refused (guards against "billion laughs" files). */
const MAX_YAML_ALIASES = 100;

/** The document's data; a file that expands too many aliases is refused, naming the file and the fix. */
function accountsData(document: ReturnType<typeof parseDocument>, source: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch {
    return fail(source, [
      `(root): expands YAML aliases (*name) more than ${MAX_YAML_ALIASES} times, which could exhaust the worker's memory; write each account out in full instead of through anchors and aliases`,
    ]);
  }
}

/** Parses the accounts file's YAML text; `source` (its path) names it in messages. */
export function parseAccountsFile(text: string, source: string): AccountSpec[] {
  const document = parseDocument(text, { uniqueKeys: true });
  const yamlError = document.errors[0];
  if (yamlError) fail(source, [`(root): is not valid YAML: ${yamlError.message.split('\n')[0] as string}`]);
  const data = accountsData(document, source);
  const parsed = accountsFileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = toCampaignIssues(accountsFileSchema, parsed.error.issues, data);
    fail(
      source,
      issues.map((issue) => `${issue.path}: ${issue.message}`),
    );
  }
  return parsed.data.accounts.map(toSpec);
}

/**
 * The account with its credentials read from `env`; a missing variable is an AccountsFileError naming the
 * account, the field and the variable (never a value).
 */
export function resolveAccount(spec: AccountSpec, env: NodeJS.ProcessEnv, index: number): OvhAccount {
  const settings: OvhSettings = {
    endpoint: spec.endpoint,
    caFile: spec.caFile,
    requestTimeoutMs: spec.requestTimeoutMs,
  };
  const missing: string[] = [];
  for (const [setting, variable] of Object.entries(spec.credentialVariables)) {
    const value = env[variable];
    if (value === undefined || value === '') missing.push(variable);
    else settings[setting as keyof typeof spec.credentialVariables] = value;
  }
  if (missing.length > 0) {
    const at = formatPath(['accounts', index, 'credentials']);
    throw new AccountsFileError(
      `${at}: account ${quote(spec.name)} refers to ${missing.map((name) => `\${${name}}`).join(', ')}, not set in this worker's environment; set ${missing.join(', ')}, or leave the account to another worker with REIMAGE_WORKER_ACCOUNTS.`,
    );
  }
  return { name: spec.name, settings, rateLimit: spec.rateLimit, unreachableAfterMs: spec.unreachableAfterMs };
}
