/**
 * Per-server values of campaign-wide templates: the config-drive hostname ("{shortName}.web.example.com")
 * and the boot probe URL ("http://{serviceName}:8080/healthz"). Pure and deterministic.
 */
import type { ConfigDriveSpec } from '../domain/config-drive';
import { DEFAULT_BOOT_PROBE, type BootProbe, type BootProbeSetting } from '../domain/deployment';
import { renderTemplate } from '../campaign/hostname-template';

/** The config drive with its hostname template rendered for `serviceName`. */
export function configDriveFor(drive: ConfigDriveSpec | undefined, serviceName: string): ConfigDriveSpec | undefined {
  return drive?.hostname ? { ...drive, hostname: renderTemplate(drive.hostname, serviceName) } : drive;
}

/**
 * The boot probe of `serviceName`: the campaign's (its URL template rendered), the SSH greeting when the
 * campaign names none, nothing when it says `none`.
 */
export function bootProbeFor(probe: BootProbeSetting | undefined, serviceName: string): BootProbe | undefined {
  if (probe === 'none') return undefined;
  if (probe === undefined) return DEFAULT_BOOT_PROBE;
  return probe.type === 'http' ? { ...probe, url: renderTemplate(probe.url, serviceName) } : probe;
}
