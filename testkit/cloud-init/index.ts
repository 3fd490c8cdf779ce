/**
 * Debian's `cloud-init` package, for the test that drives its phone_home module against the callback receiver:
 * `ensureCloudInit` (run by `npm run bootstrap`, so by `npm test`) installs it with apt-get when it is missing
 * and the process is root, and otherwise says how to. Installing it starts nothing: services are not started
 * by apt-get without a running systemd (a container), and /etc/cloud/cloud-init.disabled is written so that
 * cloud-init never runs at a boot of this machine either.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Debian's own interpreter, which sees Debian's python3 packages (a pyenv python on PATH would not). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
const MODULE = 'cloudinit.config.cc_phone_home';
const DISABLED_MARKER = '/etc/cloud/cloud-init.disabled';
export const CLOUD_INIT_INSTALL_HINT =
  'apt-get install -y --no-install-recommends cloud-init (as root, on Debian or Ubuntu), or run "npm run bootstrap" as root';
/** The driver that runs the phone_home module in isolation. */
export const PHONE_HOME_DRIVER = path.join(__dirname, 'phone_home.py');

/** Whether Debian's cloud-init (its phone_home module) can be imported. */
export function hasCloudInit(): boolean {
  return existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', `import ${MODULE}`]).status === 0;
}

/** Installs Debian's cloud-init when missing and possible; says whether it is there, logging the reason when not. */
export function ensureCloudInit(log: (line: string) => void): boolean {
  if (hasCloudInit()) return true;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    log(`cloud-init is missing: the phone_home test needs it. Install it with: ${CLOUD_INIT_INSTALL_HINT}`);
    return false;
  }
  log('cloud-init is missing: installing Debian\'s "cloud-init" package with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '--no-install-recommends', 'cloud-init'];
  const install = () => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  // A fresh machine's package lists may be empty: update them once, then install again.
  if (!install()) spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (hasCloudInit() || install()) {
    // This machine is no cloud instance: cloud-init must never run at its boot.
    writeFileSync(DISABLED_MARKER, "Installed by reimage's bootstrap for its tests only.\n");
    return true;
  }
  log(`apt-get could not install cloud-init. Install it with: ${CLOUD_INIT_INSTALL_HINT}`);
  return false;
}
