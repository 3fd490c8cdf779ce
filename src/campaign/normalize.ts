/**
 * ParsedCampaignFile (valid, rules passed) -> CampaignSpec: durations in milliseconds, checksums as
 * {type, value}, counts and percentages as {count} / {percent}, "none" probes dropped, user data inlined.
 * Workflow-safe: no Node.js built-ins.
 */
import type { BootProbeSetting } from '../domain/deployment';
import { HOOK_NAMES, type HookSpec, type HooksSpec, type NotifySpec } from '../domain/hooks';
import type { ChecksumType } from '../domain/image';
import type { ServerSelection } from '../domain/servers';
import type { CountOrPercent, WindowsSetting } from '../shared/campaign-types';
import { pollMaxInterval, type CampaignSpec, type ParsedCampaignFile } from './schema';
import { parseDuration, parsePercent } from '../input/units';

type HookFile = NonNullable<ParsedCampaignFile['hooks']>[keyof NonNullable<ParsedCampaignFile['hooks']>];

/** `5` -> {count: 5}; `"20%"` -> {percent: 20}. */
function toCountOrPercent(value: number | string): CountOrPercent {
  return typeof value === 'number' ? { count: value } : { percent: parsePercent(value) };
}

function toChecksum(checksum: ParsedCampaignFile['image']['checksum']): CampaignSpec['image']['checksum'] {
  if (checksum === undefined) return undefined;
  if (typeof checksum !== 'string') return { type: checksum.type, value: checksum.value.toLowerCase() };
  const [type, value] = checksum.split(':') as [ChecksumType, string];
  return { type, value: value.toLowerCase() };
}

function toServers(servers: ParsedCampaignFile['servers']): ServerSelection {
  if (Array.isArray(servers)) return { kind: 'list', serviceNames: [...servers] };
  const { datacenters, namePattern, iamTags } = servers;
  return { kind: 'selector', selector: withoutUndefined({ datacenters, namePattern, iamTags }) };
}

function toWindows(windows: ParsedCampaignFile['windows']): WindowsSetting | undefined {
  if (windows?.recurring !== undefined) {
    const { cron, duration, timezone } = windows.recurring;
    // Intl accepts any casing ("europe/paris"); the canonical name is what other tools expect.
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
    return { kind: 'recurring', cron, durationMs: parseDuration(duration), timezone: canonical };
  }
  if (windows?.absolute === undefined) return undefined;
  const list = windows.absolute.map((window) => ({ startMs: Date.parse(window.start), endMs: Date.parse(window.end) }));
  return { kind: 'absolute', windows: list };
}

function toBootProbe(probe: ParsedCampaignFile['bootProbe']): BootProbeSetting {
  if (probe === 'none') return 'none';
  if (probe.type === 'ssh') return { type: 'ssh', port: probe.port, timeoutMs: parseDuration(probe.timeout) };
  if (probe.type === 'tcp') return { type: 'tcp', port: probe.port, timeoutMs: parseDuration(probe.timeout) };
  return { type: 'http', url: probe.url, timeoutMs: parseDuration(probe.timeout) };
}

function toHook(hook: HookFile | undefined): HookSpec | undefined {
  if (hook?.webhook) {
    const { url, secret, timeout } = hook.webhook;
    return withoutUndefined({ kind: 'webhook' as const, url, secret, timeoutMs: parseDuration(timeout) });
  }
  if (!hook?.workflow) return undefined;
  const { type, taskQueue, timeout } = hook.workflow;
  return { kind: 'workflow', workflowType: type, taskQueue, timeoutMs: parseDuration(timeout) };
}

function toHooks(hooks: ParsedCampaignFile['hooks']): HooksSpec | undefined {
  if (hooks === undefined) return undefined;
  const spec = withoutUndefined(Object.fromEntries(HOOK_NAMES.map((name) => [name, toHook(hooks[name])])) as HooksSpec);
  return Object.keys(spec).length > 0 ? spec : undefined;
}

function toNotify(notify: ParsedCampaignFile['notify']): NotifySpec[] | undefined {
  if (notify === undefined || notify.length === 0) return undefined;
  return notify.map(({ webhook, events }) => ({
    webhook: withoutUndefined({
      url: webhook.url,
      secret: webhook.secret,
      timeoutMs: parseDuration(webhook.timeout),
      format: webhook.format,
    }),
    events: [...new Set(events)],
  }));
}

/** The object without its undefined properties (so specs compare and serialize cleanly). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** The normalized spec; `userData` is the content of configDrive.userDataFile when the file names one. */
export function normalizeCampaign(file: ParsedCampaignFile, userData?: string): CampaignSpec {
  const { rollout, deadlines, poll, image, configDrive } = file;
  const drive = configDrive && { ...configDrive, userData: userData ?? configDrive.userData, userDataFile: undefined };
  return withoutUndefined({
    name: file.name,
    description: file.description,
    servers: toServers(file.servers),
    exclude: [...file.exclude],
    allowList: file.allowList && [...file.allowList],
    accounts: file.accounts && [...file.accounts],
    image: withoutUndefined({ ...image, checksum: toChecksum(image.checksum) }),
    configDrive: drive && withoutUndefined(drive),
    completion: file.completion,
    route: file.route,
    diskGroupId: file.diskGroupId,
    rollout: withoutUndefined({
      waves: rollout.waves.map(toCountOrPercent),
      maxParallel: toCountOrPercent(rollout.maxParallel),
      maxPerRack: rollout.maxPerRack,
      maxPerDatacenter: rollout.maxPerDatacenter,
      failureBudget: toCountOrPercent(rollout.failureBudget),
      bakeTimeMs: parseDuration(rollout.bakeTime),
      approval: rollout.approval,
      failurePolicy: rollout.failurePolicy,
    }),
    deadlines: {
      installMs: parseDuration(deadlines.install),
      bootMs: parseDuration(deadlines.boot),
      rollbackMs: parseDuration(deadlines.rollback),
      preflightMs: parseDuration(deadlines.preflight),
    },
    poll: {
      minMs: parseDuration(poll.minInterval),
      maxMs: parseDuration(pollMaxInterval(file)),
      stepEvery: poll.stepEvery,
    },
    windows: toWindows(file.windows),
    atClose: file.windows?.atClose ?? 'continue',
    retry: { redeployAfterRollback: file.retry.redeployAfterRollback },
    bootProbe: toBootProbe(file.bootProbe),
    hooks: toHooks(file.hooks),
    notify: toNotify(file.notify),
  });
}
