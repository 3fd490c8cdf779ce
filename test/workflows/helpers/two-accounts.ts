/**
 * Two OVH accounts for the multi-account tests: each a simulator of its own (endpoint, CA and credentials),
 * `eu-prod` signing with application keys and `ca-prod` with OAuth2, and the accounts file that names them
 * with `${VAR}` references to the credentials, as an operator writes it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSimulator, type Simulator } from '../../../src/simulator';

/**
 * A simulator of `servers` only, its CA in a directory of its own; its servers answer SSH on `sshPort` (0: a
 * free port), so that the second account's can share the first's (one REIMAGE_SIMULATOR_SSH_PORT per worker).
 */
export async function accountSimulator(
  region: string,
  servers: string[],
  speed: number,
  sshPort = 0,
): Promise<Simulator> {
  const caDir = mkdtempSync(path.join(os.tmpdir(), `reimage-${region}-ca-`));
  const fleet = { servers: servers.map((name) => ({ name })) };
  return createSimulator({ seed: region, speed, caDir, sshPort, fleet });
}

const EU_KEYS = { applicationKey: 'EU_AK', applicationSecret: 'EU_AS', consumerKey: 'EU_CK' };
const CA_OAUTH = { clientId: 'CA_ID', clientSecret: 'CA_SECRET' };

/** One account of the file: its simulator's endpoint and CA, credentials as `${VAR}` references. */
function accountEntry(name: string, sim: Simulator, credentials: Record<string, string>): string[] {
  const references = Object.entries(credentials).map(([field, variable]) => `      ${field}: '\${${variable}}'`);
  const head = [`  - name: ${name}`, `    endpoint: ${sim.url}`, `    caFile: ${sim.caCertPath}`, '    credentials:'];
  return [...head, ...references, '    rateLimit: 1000000/s', '    unreachableAfter: 1s'];
}

/** The accounts file of eu-prod (on `eu`) and ca-prod (on `ca`), in a directory of its own. */
export function twoAccountsFile(eu: Simulator, ca: Simulator): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'reimage-accounts-')), 'accounts.yaml');
  const lines = ['accounts:', ...accountEntry('eu-prod', eu, EU_KEYS), ...accountEntry('ca-prod', ca, CA_OAUTH)];
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** The variables eu-prod's credentials refer to. */
export function euCredentials(eu: Simulator): Record<string, string> {
  const { appKey, appSecret, consumerKey } = eu.credentials;
  return { EU_AK: appKey, EU_AS: appSecret, EU_CK: consumerKey };
}

/** The variables ca-prod's credentials refer to. */
export function caCredentials(ca: Simulator): Record<string, string> {
  const { clientId, clientSecret } = ca.credentials;
  return { CA_ID: clientId, CA_SECRET: clientSecret };
}
