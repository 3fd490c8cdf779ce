/**
 * The only reader of process.env: entry points (the CLI's main, scripts) call readEnvironment() once and
 * pass the environment down; loadConfig parses it with zod into a frozen, typed Config, and what reads
 * variables by name on its own (Temporal's envconfig, the binaries' paths, `${VAR}` references) is given
 * that environment, never process.env.
 * Temporal connection settings come from @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the TOML profile file), so Temporal Cloud works
 * unchanged. OVH settings use the names OVH's own SDKs and Terraform use.
 */
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  parseAccountsFile,
  parseRateLimit,
  RATE_LIMIT_PATTERN,
  resolveAccount,
  type AccountSpec,
  type OvhAccount,
} from './ovh/accounts-file';
import { isLoopbackEndpoint } from './rehearsal/simulator-clock';
import { grantListProblem } from './campaign/variable-grant';
import { DEFAULT_ACCOUNT, DEFAULT_TASK_QUEUE } from './shared/task-queues';

/** Every default in one place. */
export const DEFAULTS = {
  temporalAddress: '127.0.0.1:7233',
  temporalNamespace: 'default',
  taskQueue: DEFAULT_TASK_QUEUE,
  ovhEndpoint: 'ovh-eu',
  /** OVH staff's fair-use figure: about 60 requests per minute per consumer key. */
  ovhRateLimit: '60/min',
  ovhRequestTimeoutMs: 30_000,
  metricsBind: '127.0.0.1:9464',
  logLevel: 'info',
  devServerPort: 7233,
  devServerUiPort: 8233,
  devServerDbFile: '.data/temporal.sqlite',
  /** What each cached run costs in worker memory: BENCHMARKS.md, B4. */
  maxCachedWorkflows: 250,
} as const satisfies Record<string, string | number>;

/** The environment variables this project reads (besides Temporal's own, read by envconfig). */
export const ENV_VARS = [
  'REIMAGE_TASK_QUEUE',
  'REIMAGE_METRICS_BIND',
  'REIMAGE_LOG_LEVEL',
  'REIMAGE_ALLOWED_SERVERS',
  'REIMAGE_HOOK_HOSTS',
  'REIMAGE_IMAGE_HOSTS',
  'REIMAGE_CAMPAIGN_VARS',
  'REIMAGE_USER_DATA_DIRS',
  'REIMAGE_UI_URL',
  'REIMAGE_CODEC_KEYS',
  'REIMAGE_CODEC_TOKEN',
  'REIMAGE_CALLBACK_SECRET',
  'REIMAGE_WORKFLOW_BUNDLE',
  'REIMAGE_MAX_CACHED_WORKFLOWS',
  'REIMAGE_OVH_ACCOUNTS',
  'REIMAGE_WORKER_ACCOUNTS',
  'REIMAGE_SIMULATOR_SPEED',
  'REIMAGE_SIMULATOR_SSH_PORT',
  'OVH_ENDPOINT',
  'OVH_APPLICATION_KEY',
  'OVH_APPLICATION_SECRET',
  'OVH_CONSUMER_KEY',
  'OVH_CLIENT_ID',
  'OVH_CLIENT_SECRET',
  'OVH_CA_FILE',
  'OVH_RATE_LIMIT',
  'OVH_REQUEST_TIMEOUT_MS',
] as const;

/** OVH_RATE_LIMIT: a count per s, sec, min or h (also what `npm run drill -- --worker-rate` accepts). */
export const rateLimitPattern = RATE_LIMIT_PATTERN;
const SIMULATOR_SPEED_HINT =
  'must be the --speed of the "reimage simulator" the worker rehearses against, a number above 0 (e.g. 20), or unset';
const CALLBACK_SECRET_HINT =
  'must be at least 32 characters, the same on every worker and on reimage callback-server; generate one with: openssl rand -base64 32';
const SIMULATOR_SSH_PORT_HINT = 'must be the sshPort "reimage simulator" printed (a port from 1 to 65535), or unset';
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const envSchema = z.object({
  REIMAGE_TASK_QUEUE: z.string().min(1).default(DEFAULTS.taskQueue),
  REIMAGE_METRICS_BIND: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must look like host:port')
    .default(DEFAULTS.metricsBind),
  REIMAGE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default(DEFAULTS.logLevel),
  REIMAGE_ALLOWED_SERVERS: optionalString,
  REIMAGE_HOOK_HOSTS: optionalString,
  REIMAGE_IMAGE_HOSTS: optionalString,
  REIMAGE_CAMPAIGN_VARS: optionalString.superRefine((text, ctx) => {
    for (const name of listOf(text) ?? []) {
      const problem = grantListProblem(name);
      if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }
  }),
  REIMAGE_USER_DATA_DIRS: optionalString,
  REIMAGE_UI_URL: optionalString.pipe(
    z
      .string()
      .url("must be the Temporal Web UI's base URL, e.g. http://127.0.0.1:8233")
      .regex(/^https?:/, 'must be an http(s) URL')
      .optional(),
  ),
  REIMAGE_CODEC_KEYS: optionalString,
  REIMAGE_CODEC_TOKEN: optionalString,
  REIMAGE_CALLBACK_SECRET: optionalString.pipe(z.string().min(32, CALLBACK_SECRET_HINT).optional()),
  REIMAGE_WORKFLOW_BUNDLE: optionalString,
  REIMAGE_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ invalid_type_error: 'must be a whole number of workflows, e.g. 250' })
    .int('must be a whole number of workflows, e.g. 250')
    .min(10, 'must be at least 10 (the campaign workflow must stay cached)')
    .default(DEFAULTS.maxCachedWorkflows),
  REIMAGE_OVH_ACCOUNTS: optionalString,
  REIMAGE_WORKER_ACCOUNTS: optionalString,
  REIMAGE_SIMULATOR_SPEED: optionalString.pipe(
    z.coerce
      .number({ invalid_type_error: SIMULATOR_SPEED_HINT })
      .finite(SIMULATOR_SPEED_HINT)
      .positive(SIMULATOR_SPEED_HINT)
      .optional(),
  ),
  REIMAGE_SIMULATOR_SSH_PORT: optionalString.pipe(
    z.coerce
      .number({ invalid_type_error: SIMULATOR_SSH_PORT_HINT })
      .int(SIMULATOR_SSH_PORT_HINT)
      .min(1, SIMULATOR_SSH_PORT_HINT)
      .max(65535, SIMULATOR_SSH_PORT_HINT)
      .optional(),
  ),
  OVH_ENDPOINT: z.string().min(1).default(DEFAULTS.ovhEndpoint),
  OVH_APPLICATION_KEY: optionalString,
  OVH_APPLICATION_SECRET: optionalString,
  OVH_CONSUMER_KEY: optionalString,
  OVH_CLIENT_ID: optionalString,
  OVH_CLIENT_SECRET: optionalString,
  OVH_CA_FILE: optionalString,
  NODE_EXTRA_CA_CERTS: optionalString,
  OVH_RATE_LIMIT: z
    .string()
    .regex(rateLimitPattern, 'must look like 60/min, 5/s or 3000/h')
    .default(DEFAULTS.ovhRateLimit),
  OVH_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(DEFAULTS.ovhRequestTimeoutMs),
});

export interface OvhConfig {
  endpoint: string;
  appKey?: string;
  appSecret?: string;
  consumerKey?: string;
  clientId?: string;
  clientSecret?: string;
  caFile?: string;
  rateLimit: { requests: number; perMs: number };
  requestTimeoutMs: number;
}

export interface Config {
  taskQueue: string;
  metricsBind: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Service names the worker may act on; undefined means any server a campaign names. */
  allowedServers?: readonly string[];
  /** Hosts hooks and notifications may call (REIMAGE_HOOK_HOSTS); empty: none. */
  hookHosts: readonly string[];
  /** Hosts images may come from (REIMAGE_IMAGE_HOSTS, the same syntax); undefined: any https host. */
  imageHosts?: readonly string[];
  /** Variables a campaign's `${NAME}` may read besides the REIMAGE_VAR_* ones (REIMAGE_CAMPAIGN_VARS). */
  campaignVars: readonly string[];
  /** Temporal Web UI base URL, for the links notifications carry; undefined: no link. */
  uiUrl?: string;
  codecKeys?: string;
  /** Bearer token `reimage codec-server` requires; undefined means no token is asked for. */
  codecToken?: string;
  /** Signs the one-time tokens of servers' callbacks (REIMAGE_CALLBACK_SECRET); undefined: no callbacks. */
  callbackSecret?: string;
  /** A workflow bundle built ahead (`npm run bundle`); undefined means the worker bundles at start. */
  workflowBundlePath?: string;
  /** Workflow runs the worker keeps in memory; an evicted run replays its history. */
  maxCachedWorkflows: number;
  /** The OVH accounts file (REIMAGE_OVH_ACCOUNTS); undefined: one account, `default`, from the OVH_* variables. */
  ovhAccountsFile?: string;
  /** The accounts of the file this worker holds (REIMAGE_WORKER_ACCOUNTS); undefined: all of them. */
  workerAccounts?: readonly string[];
  /** The speed of the simulator the worker rehearses against (REIMAGE_SIMULATOR_SPEED): its activities
   * follow the simulator's clock; undefined: real time, as against OVH. */
  simulatorSpeed?: number;
  /** The port the simulator's servers answer SSH on (REIMAGE_SIMULATOR_SSH_PORT): boot probes of port 22
   * go there; undefined: port 22 itself, as against OVH. */
  simulatorSshPort?: number;
  /** The CA file Node itself trusts from its start (NODE_EXTRA_CA_CERTS): kept trusted next to OVH_CA_FILE. */
  nodeExtraCaCerts?: string;
  ovh: OvhConfig;
}

/** A configuration problem, naming the variable and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `60/min` as requests per period, or OVH's 60/min when `text` does not match rateLimitPattern. */
function rateLimitOrDefault(text: string): OvhConfig['rateLimit'] {
  return parseRateLimit(text) ?? { requests: 60, perMs: 60_000 };
}

/** The process's environment, frozen: entry points read it once and pass it (or what it configures) down. */
export function readEnvironment(): Readonly<NodeJS.ProcessEnv> {
  return Object.freeze({ ...process.env });
}

function listOf(text: string | undefined): string[] | undefined {
  return text
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** Parses the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`The environment is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    taskQueue: e.REIMAGE_TASK_QUEUE,
    metricsBind: e.REIMAGE_METRICS_BIND,
    logLevel: e.REIMAGE_LOG_LEVEL,
    allowedServers: listOf(e.REIMAGE_ALLOWED_SERVERS),
    hookHosts: listOf(e.REIMAGE_HOOK_HOSTS) ?? [],
    imageHosts: listOf(e.REIMAGE_IMAGE_HOSTS),
    campaignVars: listOf(e.REIMAGE_CAMPAIGN_VARS) ?? [],
    uiUrl: e.REIMAGE_UI_URL?.replace(/\/+$/, ''),
    codecKeys: e.REIMAGE_CODEC_KEYS,
    codecToken: e.REIMAGE_CODEC_TOKEN,
    callbackSecret: e.REIMAGE_CALLBACK_SECRET,
    workflowBundlePath: e.REIMAGE_WORKFLOW_BUNDLE,
    maxCachedWorkflows: e.REIMAGE_MAX_CACHED_WORKFLOWS,
    ovhAccountsFile: e.REIMAGE_OVH_ACCOUNTS,
    workerAccounts: listOf(e.REIMAGE_WORKER_ACCOUNTS),
    simulatorSpeed: e.REIMAGE_SIMULATOR_SPEED,
    simulatorSshPort: e.REIMAGE_SIMULATOR_SSH_PORT,
    nodeExtraCaCerts: e.NODE_EXTRA_CA_CERTS,
    ovh: Object.freeze({
      endpoint: e.OVH_ENDPOINT,
      appKey: e.OVH_APPLICATION_KEY,
      appSecret: e.OVH_APPLICATION_SECRET,
      consumerKey: e.OVH_CONSUMER_KEY,
      clientId: e.OVH_CLIENT_ID,
      clientSecret: e.OVH_CLIENT_SECRET,
      caFile: e.OVH_CA_FILE,
      rateLimit: rateLimitOrDefault(e.OVH_RATE_LIMIT),
      requestTimeoutMs: e.OVH_REQUEST_TIMEOUT_MS,
    }),
  });
}

/** The OVH accounts of a worker: every account's name, and those it holds with their credentials. */
export interface WorkerAccounts {
  /** Every account the worker knows of (its own and other workers'), in the file's order. */
  names: readonly string[];
  /** The accounts this worker calls OVH with (its task queues). */
  held: readonly OvhAccount[];
  /** The accounts file's credential variables, every account's (none without a file): no campaign reads them. */
  credentialVariables: readonly string[];
}

const SHORTHAND_CREDENTIALS = ['OVH_APPLICATION_KEY', 'OVH_CLIENT_ID'] as const;

/**
 * The worker's OVH accounts: the accounts file's (REIMAGE_OVH_ACCOUNTS) when set, those named by
 * REIMAGE_WORKER_ACCOUNTS with their `${VAR}` credentials read from `env`; otherwise the OVH_* variables as
 * one account named `default`. Throws ConfigError (or AccountsFileError) naming the problem and the fix.
 */
export function loadWorkerAccounts(config: Readonly<Config>, env: NodeJS.ProcessEnv): WorkerAccounts {
  const accounts = readWorkerAccounts(config, env);
  if (config.simulatorSpeed !== undefined)
    refuseOvhWhileRehearsing(accounts.held, 'REIMAGE_SIMULATOR_SPEED', '--speed N');
  if (config.simulatorSshPort !== undefined)
    refuseOvhWhileRehearsing(accounts.held, 'REIMAGE_SIMULATOR_SSH_PORT', 'sshPort');
  return accounts;
}

/**
 * REIMAGE_SIMULATOR_SPEED puts the worker's waits and deadlines on a simulator's clock, N times faster than
 * OVH's: against OVH it would poll N times too often and give up N times too early; REIMAGE_SIMULATOR_SSH_PORT
 * would probe real servers on the wrong port. So every endpoint must be on this machine (with the speed, the
 * worker then checks that a simulator at that speed answers there).
 */
function refuseOvhWhileRehearsing(held: readonly OvhAccount[], variable: string, setting: string): void {
  const remote = held.filter((account) => !isLoopbackEndpoint(account.settings.endpoint));
  if (remote.length === 0) return;
  const named = remote.map((account) => `account "${account.name}" uses "${account.settings.endpoint}"`).join(', ');
  throw new ConfigError(
    `${variable} is a rehearsal setting for "reimage simulator ${setting}" on this machine, but ${named}: point OVH_ENDPOINT at the simulator (https://localhost:PORT/1.0), or unset ${variable} to work against OVH.`,
  );
}

/**
 * The accounts file REIMAGE_OVH_ACCOUNTS names, parsed and checked, credentials not read (each `${VAR}` stays
 * a name). Throws ConfigError when it cannot be read, AccountsFileError when it is wrong.
 */
export function readAccountsFile(file: string): AccountSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `REIMAGE_OVH_ACCOUNTS: "${file}" cannot be read (${(error as Error).message}); point it at the accounts YAML file.`,
    );
  }
  return parseAccountsFile(text, file);
}

function readWorkerAccounts(config: Readonly<Config>, env: NodeJS.ProcessEnv): WorkerAccounts {
  const file = config.ovhAccountsFile;
  if (file === undefined) {
    return {
      names: [DEFAULT_ACCOUNT],
      held: [{ name: DEFAULT_ACCOUNT, settings: config.ovh, rateLimit: config.ovh.rateLimit }],
      credentialVariables: [],
    };
  }
  const shorthand = SHORTHAND_CREDENTIALS.filter((name) => env[name]);
  if (shorthand.length > 0) {
    throw new ConfigError(
      `REIMAGE_OVH_ACCOUNTS and ${shorthand.join(', ')} are both set: with an accounts file, credentials come from it; unset the OVH_* credentials (or REIMAGE_OVH_ACCOUNTS).`,
    );
  }
  const specs = readAccountsFile(file);
  const names = specs.map((spec) => spec.name);
  const wanted = config.workerAccounts ?? names;
  const strangers = wanted.filter((name) => !names.includes(name));
  if (strangers.length > 0) {
    throw new ConfigError(
      `REIMAGE_WORKER_ACCOUNTS: ${strangers.map((name) => `"${name}"`).join(', ')} ${strangers.length === 1 ? 'is' : 'are'} not in ${file} (accounts: ${names.join(', ')}).`,
    );
  }
  if (names.includes(DEFAULT_ACCOUNT) && !wanted.includes(DEFAULT_ACCOUNT)) {
    throw new ConfigError(
      `REIMAGE_WORKER_ACCOUNTS: every worker must hold the account "${DEFAULT_ACCOUNT}", whose activities run on the shared task queue "${config.taskQueue}"; add it, or rename that account in ${file}.`,
    );
  }
  const held = specs.flatMap((spec, index) => (wanted.includes(spec.name) ? [resolveAccount(spec, env, index)] : []));
  const credentialVariables = specs.flatMap((spec) => Object.values(spec.credentialVariables));
  const granted = config.campaignVars.filter((name) => credentialVariables.includes(name));
  if (granted.length > 0) {
    throw new ConfigError(
      `REIMAGE_CAMPAIGN_VARS: ${granted.join(', ')} ${granted.length === 1 ? 'holds' : 'hold'} OVH credentials of ${file} and cannot be granted to campaigns; remove ${granted.length === 1 ? 'it' : 'them'} from the list.`,
    );
  }
  return { names, held, credentialVariables };
}

/** Where `reimage validate`, `plan`, `start` and `schedule` may read configDrive.userDataFile from. */
export function campaignFileOptions(env: NodeJS.ProcessEnv): { userDataDirs?: readonly string[] } {
  return { userDataDirs: listOf(env.REIMAGE_USER_DATA_DIRS || undefined) };
}

/** What a Temporal client needs: where to connect, and the payload codec keys every client shares. */
export interface ClientConfig {
  connect: ClientConnectConfig;
  codecKeys?: string;
}

/**
 * The client side of the environment only (Temporal settings, REIMAGE_CODEC_KEYS), so that commands that
 * only read Temporal (status, report, controls) do not fail on a worker setting such as OVH_RATE_LIMIT.
 */
export function loadClientConfig(env: NodeJS.ProcessEnv): ClientConfig {
  return { connect: loadTemporalConnectConfig(env), codecKeys: env.REIMAGE_CODEC_KEYS || undefined };
}

/** Temporal connection settings through envconfig, defaulting to the local dev server. */
function loadTemporalConnectConfig(env: NodeJS.ProcessEnv): ClientConnectConfig {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const connect = loadClientConnectConfig({ overrideEnvVars });
  return {
    connectionOptions: {
      ...connect.connectionOptions,
      address: connect.connectionOptions.address ?? DEFAULTS.temporalAddress,
    },
    namespace: connect.namespace ?? DEFAULTS.temporalNamespace,
  };
}
