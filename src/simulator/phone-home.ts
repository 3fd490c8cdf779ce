/**
 * cloud-init's phone_home on the simulated servers: a deployment whose config-drive user data carries a
 * `phone_home` part (alone, or in a multipart archive) POSTs to its URL once the new OS booted (after OVH's last
 * reboot of the install, about when its task ends), as cloud-init's final stage does: the fields of `post: all` (instance_id, hostname, fqdn, pub_key_ecdsa, pub_key_ed25519;
 * host keys generated at that boot), `$INSTANCE_ID` in the URL replaced, `tries` attempts 3 simulated seconds
 * apart. An install that fails, is stopped or does not boot (efi_boot_fail) never calls back. Faults
 * (faults.ts): callback_never, callback_late (15 simulated minutes after the boot), callback_twice (the same
 * POST again once accepted), callback_forged (a token that is not the server's). Only loopback URLs are
 * called: a rehearsal sends nothing off the machine.
 */
import { request } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { isLoopbackHost } from '../campaign/hook-hosts';
import type { CallbackFault } from './faults';
import { generateHostKeys } from './host-keys';
import type { Deployment } from './model';
import type { SimState } from './state';
import { installerStart } from './timeline';

/**
 * From the start of the install's last step (OVH's end-of-installation mail, after its last reboot brought
 * the new OS up) to cloud-init's final stage on that OS: about when OVH marks the task done (the mail step
 * lasts about 16 simulated seconds), sometimes before, sometimes after.
 */
const FINAL_STAGE_MS = 15_000;
/** How much later a callback_late server calls back. */
const LATE_MS = 15 * 60_000;
/** cloud-init's phone_home pause between tries. */
const RETRY_MS = 3_000;

interface PhoneHomeSpec {
  url: string;
  tries: number;
}

/** One POST a server made: what the receiver answered (0: no answer). */
export interface CallbackAttempt {
  serviceName: string;
  /** The URL posted to (its token included: the simulator keeps it in memory only, for tests to replay). */
  url: string;
  status: number;
  forged: boolean;
  atMs: number;
}

/** When cloud-init's final stage runs on the deployed OS; never for an install that fails or never boots. */
function finalStageAt(d: Deployment): number {
  if (d.failure || d.fault === 'never_ends' || d.fault === 'efi_boot_fail') return Number.POSITIVE_INFINITY;
  return installerStart(d) + d.stepMs.slice(0, -1).reduce((a, b) => a + b, 0) + FINAL_STAGE_MS;
}

/** The cloud-config documents of user data: the whole of it, or its text/cloud-config parts. */
function cloudConfigs(userData: string): string[] {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(userData.slice(0, 500))?.[1];
  if (boundary === undefined) return [userData];
  return userData
    .split(`--${boundary}`)
    .slice(1)
    .map((part) =>
      part
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n\n'),
    );
}

/** The phone_home settings of user data, the last part's winning; undefined when it has none. */
function phoneHomeOf(userData: string | null | undefined): PhoneHomeSpec | undefined {
  let spec: PhoneHomeSpec | undefined;
  for (const doc of cloudConfigs(userData ?? '').filter((text) => text.startsWith('#cloud-config'))) {
    try {
      const phone = (parseYaml(doc) as { phone_home?: { url?: unknown; tries?: unknown } } | null)?.phone_home;
      if (typeof phone?.url === 'string') spec = { url: phone.url, tries: Number(phone.tries ?? 10) || 10 };
    } catch {
      // cloud-init skips a part it cannot parse.
    }
  }
  return spec;
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(10_000, () => req.destroy());
    req.end(body);
  });
}

/** Schedules and makes the callbacks of the simulated fleet. */
export class PhoneHome {
  readonly attempts: CallbackAttempt[] = [];
  /** The host keys each server generated at its last boot, by service name. */
  readonly hostKeys = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SimState,
    private readonly log?: (line: string) => void,
  ) {}

  /** Called at each install: the deployment calls back after its boot if its user data asks for it. */
  schedule(name: string, deployment: Deployment): void {
    const spec = phoneHomeOf(deployment.image.userData);
    const fault = this.state.faults.callbackFault(name, (this.state.server(name)?.installPosts ?? 1) - 1);
    if (!spec || fault === 'callback_never') return;
    const bootAt = finalStageAt(deployment) + (fault === 'callback_late' ? LATE_MS : 0);
    this.at(bootAt, () => this.boot(name, deployment, spec, fault));
  }

  private at(simMs: number, action: () => void): void {
    if (!Number.isFinite(simMs)) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // The clock may have jumped: wait for the simulated moment itself.
      if (this.state.clock.now() < simMs) this.at(simMs, action);
      else action();
    }, this.state.clock.realDelayUntil(simMs));
    timer.unref();
    this.timers.add(timer);
  }

  private boot(name: string, deployment: Deployment, spec: PhoneHomeSpec, fault: CallbackFault | undefined): void {
    const server = this.state.server(name);
    if (server?.deployment !== deployment || deployment.stoppedAt !== undefined) return;
    const keys = generateHostKeys();
    this.hostKeys.set(name, [keys.pub_key_ed25519, keys.pub_key_ecdsa]);
    const instanceId = `i-${name}`;
    // cloud-init posts "N/A" for the keys the image does not have.
    const form = new URLSearchParams({
      pub_key_dsa: 'N/A',
      pub_key_rsa: 'N/A',
      instance_id: instanceId,
      hostname: name.split('.')[0] ?? name,
      fqdn: name,
      ...keys,
    });
    let url = spec.url.replace(/\$INSTANCE_ID/g, instanceId);
    if (fault === 'callback_forged') url = url.replace(/[\w-]{43}$/, 'f'.repeat(43));
    void this.call(name, url, form.toString(), spec.tries, fault);
  }

  private async call(name: string, url: string, body: string, tries: number, fault?: CallbackFault): Promise<void> {
    if (!isLoopbackHost(new URL(url).hostname)) {
      this.log?.(`phone_home ${name}: not called, the simulator calls loopback addresses only`);
      return;
    }
    for (let attempt = 1; attempt <= tries; attempt++) {
      const status = await post(url, body);
      this.attempts.push({
        serviceName: name,
        url,
        status,
        forged: fault === 'callback_forged',
        atMs: this.state.clock.now(),
      });
      this.log?.(`phone_home ${name}: try ${attempt} answered ${status}`);
      if (status >= 200 && status < 300) {
        if (fault === 'callback_twice') await this.replay(name, url, body);
        return;
      }
      if (attempt < tries)
        await new Promise((resolve) => this.at(this.state.clock.now() + RETRY_MS, () => resolve(undefined)));
    }
  }

  private async replay(name: string, url: string, body: string): Promise<void> {
    const status = await post(url, body);
    this.attempts.push({ serviceName: name, url, status, forged: false, atMs: this.state.clock.now() });
  }

  /** Drops every pending callback. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
