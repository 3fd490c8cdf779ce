/**
 * Cross-field rules of the campaign file. Each rule is a small named function over the zod-parsed file (defaults
 * applied, values as written, so paths match the file) returning the issues it finds. They run only once the
 * structure is valid. Workflow-safe: no Node.js built-ins.
 */
import type { CampaignIssue } from '../input/errors';
import { hostnameTemplateProblem, SAMPLE_SERVICE_NAME } from './hostname-template';
import { pollMaxInterval, type ParsedCampaignFile } from './schema';
import { quote } from '../input/quote';
import { absoluteWindowsOrdered, windowsFitAServer, windowsHaveOneKind } from './rules-windows';
import { parseDuration } from '../input/units';

/** A cross-field rule. */
export type CampaignRule = (file: ParsedCampaignFile) => CampaignIssue[];

function listedServers(file: ParsedCampaignFile): string[] | undefined {
  return Array.isArray(file.servers) ? file.servers : undefined;
}

/** Each service name appears once in servers, exclude and allowList; the issue names both positions. */
function noDuplicateServers(file: ParsedCampaignFile): CampaignIssue[] {
  const lists: [string, string[] | undefined][] = [
    ['servers', listedServers(file)],
    ['exclude', file.exclude],
    ['allowList', file.allowList],
  ];
  return lists.flatMap(([field, names]) => {
    const firstIndex = new Map<string, number>();
    return (names ?? []).flatMap((name, index) => {
      const first = firstIndex.get(name);
      if (first === undefined) firstIndex.set(name, index);
      return first === undefined
        ? []
        : [
            {
              path: `${field}[${index}]`,
              message: `duplicates ${field}[${first}] (${quote(name)}); list each server once`,
            },
          ];
    });
  });
}

/** A selector has at least one criterion: an empty one would match every server of the account. */
function selectorHasCriteria(file: ParsedCampaignFile): CampaignIssue[] {
  const { servers } = file;
  if (Array.isArray(servers) || Object.values(servers).some((value) => value !== undefined)) return [];
  return [
    {
      path: 'servers',
      message:
        'the selector has no criteria and would match every server of the account; set datacenters, namePattern or iamTags',
    },
  ];
}

/** With a server list, every excluded name is in it (a typo would silently leave the server in). */
function excludedServersAreListed(file: ParsedCampaignFile): CampaignIssue[] {
  const servers = listedServers(file);
  if (servers === undefined) return [];
  return file.exclude.flatMap((name, index) =>
    servers.includes(name)
      ? []
      : [{ path: `exclude[${index}]`, message: `${quote(name)} is not in servers; fix the name or remove it` }],
  );
}

/** With a server list, at least one server is left once the exclusions are applied. */
function someServerRemains(file: ParsedCampaignFile): CampaignIssue[] {
  const servers = listedServers(file);
  if (servers === undefined || servers.some((name) => !file.exclude.includes(name))) return [];
  return [{ path: 'exclude', message: 'excludes every server in servers, so the campaign would reimage nothing' }];
}

/** With an allowList, every listed server (not excluded) is on it. */
function serversWithinAllowList(file: ParsedCampaignFile): CampaignIssue[] {
  const servers = listedServers(file);
  const allowed = file.allowList;
  if (servers === undefined || allowed === undefined) return [];
  return servers.flatMap((name, index) =>
    allowed.includes(name) || file.exclude.includes(name)
      ? []
      : [{ path: `servers[${index}]`, message: `${quote(name)} is not in allowList; add it there or remove it` }],
  );
}

/** userData and userDataFile are mutually exclusive. */
function oneUserDataSource(file: ParsedCampaignFile): CampaignIssue[] {
  if (file.configDrive?.userData === undefined || file.configDrive.userDataFile === undefined) return [];
  return [{ path: 'configDrive.userDataFile', message: 'cannot be used together with configDrive.userData; keep one' }];
}

/** The hostname template renders a valid host name for every listed server (or a sample one for selectors). */
function hostnamesAreValid(file: ParsedCampaignFile): CampaignIssue[] {
  const template = file.configDrive?.hostname;
  if (template === undefined) return [];
  const names = listedServers(file) ?? [SAMPLE_SERVICE_NAME];
  for (const name of names) {
    const problem = hostnameTemplateProblem(template, name);
    if (problem !== undefined) return [{ path: 'configDrive.hostname', message: problem }];
  }
  return [];
}

/** The retired bringYourOwnImage route has no EFI bootloader field. */
function legacyRouteHasNoEfiPath(file: ParsedCampaignFile): CampaignIssue[] {
  if (file.route !== 'bringYourOwnImage' || file.image.efiBootloaderPath === undefined) return [];
  return [
    {
      path: 'image.efiBootloaderPath',
      message:
        'is not supported by the bringYourOwnImage route (it has no such field); remove it or use route "reinstall"',
    },
  ];
}

/** poll.minInterval is not longer than poll.maxInterval. */
function pollIntervalsOrdered(file: ParsedCampaignFile): CampaignIssue[] {
  const { minInterval } = file.poll;
  const maxInterval = pollMaxInterval(file);
  if (parseDuration(minInterval) <= parseDuration(maxInterval)) return [];
  return [
    { path: 'poll.minInterval', message: `must not be longer than poll.maxInterval (${minInterval} > ${maxInterval})` },
  ];
}

/** One boot-probe attempt is shorter than the whole boot deadline. */
function bootProbeFitsDeadline(file: ParsedCampaignFile): CampaignIssue[] {
  const probe = file.bootProbe;
  if (probe === 'none' || parseDuration(probe.timeout) < parseDuration(file.deadlines.boot)) return [];
  return [
    {
      path: 'bootProbe.timeout',
      message: `must be shorter than deadlines.boot (${probe.timeout} >= ${file.deadlines.boot}), or no second attempt could run`,
    },
  ];
}

/** An afterBoot hook puts a server back in service: only after a boot probe proved the new OS answers. */
function afterBootNeedsBootProof(file: ParsedCampaignFile): CampaignIssue[] {
  if (file.bootProbe !== 'none' || file.hooks?.afterBoot === undefined) return [];
  return [
    {
      path: 'hooks.afterBoot',
      message:
        'needs a boot proof, but bootProbe is "none": the hook would put back in service a server whose OS may not answer; remove "bootProbe: none" (the default probes SSH) or name a probe',
    },
  ];
}

/** maxPerRack does not exceed maxPerDatacenter: a rack sits in one datacenter. */
function rackCapWithinDatacenterCap(file: ParsedCampaignFile): CampaignIssue[] {
  const { maxPerRack, maxPerDatacenter } = file.rollout;
  if (maxPerRack === undefined || maxPerDatacenter === undefined || maxPerRack <= maxPerDatacenter) return [];
  return [
    {
      path: 'rollout.maxPerRack',
      message: `must not exceed rollout.maxPerDatacenter (${maxPerRack} > ${maxPerDatacenter}); a rack sits in one datacenter`,
    },
  ];
}

/** approval "afterCanary" needs waves: the first wave is the canary. */
function canaryApprovalHasWaves(file: ParsedCampaignFile): CampaignIssue[] {
  if (file.rollout.approval !== 'afterCanary' || file.rollout.waves.length > 0) return [];
  return [
    {
      path: 'rollout.approval',
      message: '"afterCanary" needs rollout.waves (the first wave is the canary), e.g. waves: [1, "10%"]',
    },
  ];
}

/** Every rule, in the order their issues are reported. */
const CAMPAIGN_RULES: readonly CampaignRule[] = [
  noDuplicateServers,
  selectorHasCriteria,
  excludedServersAreListed,
  someServerRemains,
  serversWithinAllowList,
  oneUserDataSource,
  hostnamesAreValid,
  legacyRouteHasNoEfiPath,
  pollIntervalsOrdered,
  bootProbeFitsDeadline,
  afterBootNeedsBootProof,
  rackCapWithinDatacenterCap,
  canaryApprovalHasWaves,
  windowsHaveOneKind,
  absoluteWindowsOrdered,
  windowsFitAServer,
];

/** Issues of every rule, in rule order. */
export function checkCampaignRules(file: ParsedCampaignFile): CampaignIssue[] {
  return CAMPAIGN_RULES.flatMap((rule) => rule(file));
}
