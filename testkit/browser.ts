/**
 * Headless Chromium for the tests that render pages: Debian's `chromium` package, never a downloaded browser
 * build. `ensureChromium` (run by `npm run bootstrap` and `npm test`) installs it with apt-get when it is
 * missing and the process is root, and otherwise says how to; `launchChromium` drives it with playwright-core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL_HINT = 'apt-get install -y chromium (as root, on Debian or Ubuntu)';

/** Installs Debian's chromium when missing and possible; returns its path, or undefined with the reason logged. */
export function ensureChromium(log: (line: string) => void): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    log(`chromium is missing at ${CHROMIUM_PATH}: the browser test needs it. Install it with: ${INSTALL_HINT}`);
    return undefined;
  }
  log('chromium is missing: installing Debian\'s "chromium" package with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env }).status === 0;
  // A fresh machine's package lists may be empty: update them once, then install again.
  if (!install()) spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (existsSync(CHROMIUM_PATH) || install()) return CHROMIUM_PATH;
  log(`apt-get could not install chromium. Install it with: ${INSTALL_HINT}`);
  return undefined;
}

/** Flags for a quiet, offline, throwaway browser: no network of its own, no updates, no sync, no sandbox (CI root). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium on a fresh profile directory, removed on close. Fails loudly when chromium is missing. */
export async function launchChromium(
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `chromium is missing at ${CHROMIUM_PATH}. Install it with: ${INSTALL_HINT}, or run "npm test" as root.`,
    );
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'reimage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: FLAGS,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    colorScheme: options.colorScheme ?? 'light',
    offline: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
