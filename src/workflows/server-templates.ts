/**
 * Per-server values of campaign-wide templates: the config-drive hostname ("{shortName}.web.example.com")
 * and the boot probe URL ("http://{serviceName}:8080/healthz"). Pure and deterministic.
 */
import type { ConfigDriveSpec } from '../domain/config-drive';
import type { BootProbe } from '../domain/deployment';
import { renderTemplate } from '../campaign/hostname-template';

/** The config drive with its hostname template rendered for `serviceName`. */
export function configDriveFor(drive: ConfigDriveSpec | undefined, serviceName: string): ConfigDriveSpec | undefined {
  return drive?.hostname ? { ...drive, hostname: renderTemplate(drive.hostname, serviceName) } : drive;
}

/** The boot probe with its URL template rendered for `serviceName`. */
export function bootProbeFor(probe: BootProbe | undefined, serviceName: string): BootProbe | undefined {
  return probe?.type === 'http' ? { ...probe, url: renderTemplate(probe.url, serviceName) } : probe;
}
