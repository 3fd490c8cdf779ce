/**
 * Fault injection: image faults (an install fails at a given step or never boots), API faults (POST
 * answers 500 but creates the task, refusals of the POST, flaky task reads and probes, latency, dropped
 * connections). This module parses and merges the configuration; FaultPlan (fault-plan.ts) decides, from a
 * hash of the seed, which faults hit, so a run is reproducible.
 *
 * Fault spec grammar (CLI `--faults`, `POST /_sim/faults {"spec": ...}`, option `faults` as a string):
 * ```
 * spec    := entry ("," entry)*
 * entry   := IMAGE_FAULT "=" target           download_fail | checksum_mismatch | format_mismatch |
 *                                             too_big_for_ram | too_big_for_disk | no_partition_table |
 *                                             write_fail | never_ends | efi_boot_fail
 *          | ("http500" | "post_500_creates_task") "=" target   POST /reinstall answers 500, task created
 *          | ("task404" | "task_read_flaky") "=" COUNT           first COUNT reads of each task: 404
 *          | "task500" "=" COUNT                                 next COUNT reads of each task: 500
 *          | "latency" "=" DURATION                              added to every answer: 20ms, 1s, 20
 *          | "drop" "=" RATE                                     share of requests whose socket is destroyed
 *          | "http429" "=" RATE                                  share of API requests answered 429 (Retry-After: 1)
 *          | "disturb_locked" "=" target                       POST /reinstall answers 409 DisturbAlreadyExists
 *          | "disk_group_refused" "=" target                   POST /reinstall answers 400 BadRequest::DiskGroup
 *          | "expired" "=" target                              every call on the server answers 460 (expired)
 *          | CALLBACK_FAULT "=" target                 callback_never | callback_late | callback_twice |
 *                                             callback_forged: a server's phone_home (phone-home.ts)
 *          | "probe500" "=" target                             GET .../reinstall (route auto's probe) answers 500;
 *                                             SERVER@N: only the server's first N such reads
 *          | "post403" "=" ERROR_CODE                           every POST /reinstall answers 403 Client::Forbidden
 *                                             with that errorCode: NOT_GRANTED_CALL | NOT_CREDENTIAL | FORBIDDEN
 *          | "install_factor" "=" FACTOR                         installs started from now on last FACTOR times
 *                                             longer (1.5: 50 % slower; 1: as drawn), on top of each server's ±20 %
 * target  := RATE | SERVER ("+" SERVER)*      RATE is a number in [0, 1] (share of installs);
 *                                             servers listed fail on every install, or with
 *                                             SERVER@N only on their first N installs
 * ```
 * Example: `download_fail=ns1.ip-1-2-3.eu,checksum_mismatch=0.05,latency=20ms,drop=0.02,http500=0.1,task404=2`.
 * `install_factor` is not a failure but a drift of OVH's pace: injected mid-run through the side door, it makes
 * the installs of a campaign slower (or faster) from one server to the next.
 */
import { z } from 'zod';

export const IMAGE_FAULTS = [
  'download_fail',
  'checksum_mismatch',
  'format_mismatch',
  'too_big_for_ram',
  'too_big_for_disk',
  'no_partition_table',
  'write_fail',
  'never_ends',
  'efi_boot_fail',
] as const;
export type ImageFault = (typeof IMAGE_FAULTS)[number];
export const imageFaultSchema = z.enum(IMAGE_FAULTS);

/** How a server's cloud-init phone_home misbehaves (phone-home.ts). */
export const CALLBACK_FAULTS = ['callback_never', 'callback_late', 'callback_twice', 'callback_forged'] as const;
export type CallbackFault = (typeof CALLBACK_FAULTS)[number];
const callbackFaultSchema = z.enum(CALLBACK_FAULTS);

const targetSchema = z
  .object({
    /** Share of installs (0..1) that get the fault, decided per server and install by the seed. */
    rate: z.number().min(0).max(1).default(0),
    /** Servers on which every install gets the fault (`name`), or only the first N installs (`name@N`). */
    servers: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type FaultTarget = z.output<typeof targetSchema>;

/** OVH's `errorCode`s of a 403 that refuses a credential's rights (python-ovh: NotGrantedCall, NotCredential, Forbidden). */
export const FORBIDDEN_CODES = ['NOT_GRANTED_CALL', 'NOT_CREDENTIAL', 'FORBIDDEN'] as const;
export type ForbiddenCode = (typeof FORBIDDEN_CODES)[number];

/** Structured fault configuration (what a spec string parses into). */
export const faultConfigSchema = z
  .object({
    image: z.record(imageFaultSchema, targetSchema).default({}),
    /** Callbacks (phone_home) that never come, come late, come twice or carry a forged token. */
    callback: z.record(callbackFaultSchema, targetSchema).default({}),
    /** `post_500_creates_task`: POST /reinstall answers 500 Server::InternalServerError::TaskCreate yet creates the task. */
    post500: targetSchema.default({}),
    /** `disturb_locked`: POST /reinstall answers 409 Client::Conflict::DisturbAlreadyExists, creating nothing. */
    disturbLocked: targetSchema.default({}),
    /** `disk_group_refused`: POST /reinstall answers 400 Client::BadRequest::DiskGroup, creating nothing. */
    diskGroupRefused: targetSchema.default({}),
    /** `expired`: every call on the server answers 460 (the service expired or is suspended). */
    expired: targetSchema.default({}),
    /** `probe500`: GET /dedicated/server/{sn}/reinstall, the probe of route auto, answers 500. */
    probe500: targetSchema.default({}),
    /** The first N reads of each task answer 404. */
    taskNotFoundReads: z.number().int().min(0).default(0),
    /** After those, the next N reads of each task answer 500. */
    taskServerErrorReads: z.number().int().min(0).default(0),
    /** Added to every answer, in milliseconds. */
    latencyMs: z.number().int().min(0).default(0),
    /** Share of requests (0..1) whose connection is destroyed without an answer. */
    dropRate: z.number().min(0).max(1).default(0),
    /** Share of authenticated API requests (0..1) answered 429 with Retry-After: 1, whatever the budget. */
    tooManyRate: z.number().min(0).max(1).default(0),
    /** Multiplies the duration of every install started from now on; absent: 1 (each server's own duration). */
    installFactor: z.number().positive().max(10).optional(),
    /** `post403`: every POST /reinstall is refused with OVH's 403 of a credential's rights, with this errorCode. */
    post403: z.enum(FORBIDDEN_CODES).optional(),
  })
  .strict();
export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** A fault spec that does not parse; the message names the entry and the fix. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const RATE = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;

function parseTarget(entry: string, value: string): FaultConfigInput['post500'] {
  if (RATE.test(value)) return { rate: Number(value) };
  const servers = value.split('+').filter((s) => s.length > 0);
  if (servers.length === 0 || /^[\d.]+$/.test(value)) {
    throw new FaultSpecError(
      `Fault "${entry}" has the value "${value}", which is neither a rate between 0 and 1 nor a list of service names joined by "+".`,
    );
  }
  const badCount = servers.find((server) => server.includes('@') && !/^[^@]+@[1-9]\d*$/.test(server));
  if (badCount) {
    throw new FaultSpecError(
      `Fault "${entry}" names "${badCount}": write SERVER@N with N a whole number of installs of at least 1.`,
    );
  }
  return { servers };
}

function parseCount(entry: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw new FaultSpecError(`Fault "${entry}" needs a whole number of reads (got "${value}").`);
  return Number(value);
}

function parseFaultDuration(entry: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value);
  if (!match) throw new FaultSpecError(`Fault "${entry}" needs a duration like 20ms or 1s (got "${value}").`);
  return Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
}

function parseFactor(entry: string, value: string): number {
  const factor = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(factor > 0 && factor <= 10))
    throw new FaultSpecError(`Fault "${entry}" needs a factor above 0 and at most 10, like 1.5 (got "${value}").`);
  return factor;
}

function parseRate(entry: string, value: string): number {
  if (!RATE.test(value)) throw new FaultSpecError(`Fault "${entry}" needs a rate between 0 and 1 (got "${value}").`);
  return Number(value);
}

function parseForbiddenCode(entry: string, value: string): ForbiddenCode {
  const code = FORBIDDEN_CODES.find((known) => known === value);
  if (!code) throw new FaultSpecError(`Fault "${entry}" needs one of ${FORBIDDEN_CODES.join(', ')} (got "${value}").`);
  return code;
}

/** Faults whose value is a target, by spec name: the configuration field each one sets. */
const TARGET_FAULTS = {
  http500: 'post500',
  post_500_creates_task: 'post500',
  disturb_locked: 'disturbLocked',
  disk_group_refused: 'diskGroupRefused',
  expired: 'expired',
  probe500: 'probe500',
} as const satisfies Record<string, keyof FaultConfig>;
type TargetFaultName = keyof typeof TARGET_FAULTS;
const isTargetFault = (name: string): name is TargetFaultName => Object.hasOwn(TARGET_FAULTS, name);

/** Applies one `name=value` entry to the configuration being built. */
function applyEntry(config: FaultConfig, entry: string): void {
  const eq = entry.indexOf('=');
  const name = entry.slice(0, eq).trim();
  const value = entry.slice(eq + 1).trim();
  if (eq <= 0 || value === '') throw new FaultSpecError(`Fault entry "${entry}" must look like name=value.`);
  const image = imageFaultSchema.safeParse(name);
  const callback = callbackFaultSchema.safeParse(name);
  if (image.success) config.image[image.data] = targetSchema.parse(parseTarget(entry, value));
  else if (callback.success) config.callback[callback.data] = targetSchema.parse(parseTarget(entry, value));
  else if (isTargetFault(name)) config[TARGET_FAULTS[name]] = targetSchema.parse(parseTarget(entry, value));
  else if (name === 'task404' || name === 'task_read_flaky') config.taskNotFoundReads = parseCount(entry, value);
  else if (name === 'task500') config.taskServerErrorReads = parseCount(entry, value);
  else if (name === 'latency') config.latencyMs = parseFaultDuration(entry, value);
  else if (name === 'drop') config.dropRate = parseRate(entry, value);
  else if (name === 'http429') config.tooManyRate = parseRate(entry, value);
  else if (name === 'install_factor') config.installFactor = parseFactor(entry, value);
  else if (name === 'post403') config.post403 = parseForbiddenCode(entry, value);
  else {
    const known = [
      ...IMAGE_FAULTS,
      ...CALLBACK_FAULTS,
      ...Object.keys(TARGET_FAULTS),
      'task404',
      'task500',
      'latency',
      'drop',
      'http429',
      'install_factor',
      'post403',
    ];
    throw new FaultSpecError(`Unknown fault "${name}" in "${entry}": use one of ${known.join(', ')}.`);
  }
}

/** Parses a fault spec string (grammar in this module's header). */
export function parseFaultSpec(spec: string): FaultConfig {
  const config = faultConfigSchema.parse({});
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0))
    applyEntry(config, entry);
  return config;
}

/** A spec string or a structured configuration, validated. */
export function toFaultConfig(input: string | FaultConfigInput | undefined): FaultConfig {
  if (input === undefined) return faultConfigSchema.parse({});
  if (typeof input === 'string') return parseFaultSpec(input);
  const parsed = faultConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `faults.${i.path.join('.')}: ${i.message}`);
  throw new FaultSpecError(`The fault configuration is not valid: ${issues.join('; ')}.`);
}

/** `add` on top of `base`: rates, counters and the install factor from `add` win when set, server lists are merged. */
export function mergeFaults(base: FaultConfig, add: FaultConfig): FaultConfig {
  const mergeTarget = (a: FaultTarget, b: FaultTarget): FaultTarget => ({
    rate: b.rate > 0 ? b.rate : a.rate,
    servers: [...new Set([...a.servers, ...b.servers])],
  });
  const image: FaultConfig['image'] = { ...base.image };
  for (const fault of IMAGE_FAULTS) {
    const b = add.image[fault];
    if (b) image[fault] = mergeTarget(base.image[fault] ?? { rate: 0, servers: [] }, b);
  }
  const installFactor = add.installFactor ?? base.installFactor;
  const callback: FaultConfig['callback'] = { ...base.callback };
  for (const fault of CALLBACK_FAULTS) {
    const b = add.callback[fault];
    if (b) callback[fault] = mergeTarget(base.callback[fault] ?? { rate: 0, servers: [] }, b);
  }
  const post403 = add.post403 ?? base.post403;
  return {
    image,
    callback,
    post500: mergeTarget(base.post500, add.post500),
    disturbLocked: mergeTarget(base.disturbLocked, add.disturbLocked),
    diskGroupRefused: mergeTarget(base.diskGroupRefused, add.diskGroupRefused),
    expired: mergeTarget(base.expired, add.expired),
    probe500: mergeTarget(base.probe500, add.probe500),
    taskNotFoundReads: add.taskNotFoundReads || base.taskNotFoundReads,
    taskServerErrorReads: add.taskServerErrorReads || base.taskServerErrorReads,
    latencyMs: add.latencyMs || base.latencyMs,
    dropRate: add.dropRate || base.dropRate,
    tooManyRate: add.tooManyRate || base.tooManyRate,
    installFactor,
    post403,
  };
}
