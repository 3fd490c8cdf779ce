/**
 * The README's "A rehearsal, step by step", run as written: its bash blocks, in order, in one bash shell in
 * an empty folder, with `reimage` on PATH as `npm link` puts it there. The suite's Temporal dev server
 * stands in for the first block (`reimage dev-server`, which would take the fixed port 7233): the shell
 * gets its address in TEMPORAL_ADDRESS, and a task queue of its own. Everything listens on loopback: the
 * simulator, the image it serves, the servers' SSH ports the boot probes reach.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';

const ROOT = path.join(__dirname, '..', '..');
/** A loaded 2-core runner: the simulator and the worker start through tsx, the worker bundles its workflows. */
const RUN_LIMIT_MS = 150_000;

/** The README's subsection `title` (a `###` heading), up to the next heading. */
function readmeSubsection(title: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`### ${title}\n`);
  if (start < 0) throw new Error(`README.md has no subsection "### ${title}".`);
  const end = readme.slice(start + 1).search(/\n##+ /);
  return readme.slice(start, end < 0 ? undefined : start + 1 + end);
}

/** The bodies of the section's ```bash blocks, in order. */
function bashBlocks(section: string): string[] {
  return [...section.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
}

/**
 * The environment of the shell: this one's, less any OVH or reimage setting, plus what stands in: the
 * worker's metrics on a free port, as another worker on this machine may hold the default one.
 */
function shellEnv(binDir: string, taskQueue: string, metricsPort: number): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^(OVH_|REIMAGE_|NODE_EXTRA_CA_CERTS$)/.test(name));
  return {
    ...Object.fromEntries(kept),
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    REIMAGE_TASK_QUEUE: taskQueue,
    REIMAGE_METRICS_BIND: `127.0.0.1:${metricsPort}`,
  };
}

/** Runs `script` in bash in `cwd`; resolves with its exit code and output, killing it past RUN_LIMIT_MS. */
function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), RUN_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

it('runs the README rehearsal as written: plan, campaign and report against the simulator', async () => {
  const blocks = bashBlocks(readmeSubsection('A rehearsal, step by step'));
  expect(blocks[0]).toBe('reimage dev-server\n');
  dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-readme-'));
  const binDir = path.join(dir, '.bin');
  mkdirSync(binDir);
  writeFileSync(path.join(binDir, 'reimage'), `#!/bin/sh\nexec node ${path.join(ROOT, 'bin', 'reimage.js')} "$@"\n`);
  chmodSync(path.join(binDir, 'reimage'), 0o755);
  // A failed step stops the shell; the background jobs are killed whatever happens, then awaited.
  const script = [
    'set -eo pipefail',
    "trap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT",
    ...blocks.slice(1),
    'wait',
  ].join('\n');
  const env = shellEnv(binDir, `readme-rehearsal-${process.pid}`, await freePort());
  const { code, stdout, stderr } = await runBash(script, dir, env);
  const workerLog = existsSync(path.join(dir, 'worker.log')) ? readFileSync(path.join(dir, 'worker.log'), 'utf8') : '';
  const output = `exit ${String(code)}\nstdout:\n${stdout}\nstderr:\n${stderr}\nworker.log:\n${workerLog.slice(-4000)}`;
  if (code !== 0) throw new Error(`The README's rehearsal failed:\n${output}`);

  expect(stdout).toContain('campaign "rehearsal" (route reinstall): 4 servers would be reimaged\n');
  expect(stdout).toContain('image: raw, 8388608 bytes, checksum verified\n');
  // 4 servers at once, each an 11-minute install on a clock 100 times faster: 7 real seconds, not 11 minutes.
  expect(stdout).toMatch(/^ETA: about \d+s \(installs: 7s, /m);
  expect(stdout).toContain("durations in real time: the worker's simulator runs its clock 100 times faster\n");
  expect(stdout).toMatch(/^campaign rehearsal-\d{6}: done\n.*\noutcomes: done 4; failures 0\/0 budget\n2 waves, /m);
  // Learned from installs of about 11 simulated minutes: a few real seconds, as the campaign knows the speed.
  expect(stdout).toMatch(/^installs: typically \ds \(learned from the last 4 done servers\)$/m);
  expect(stdout).toMatch(/^\| done \| 4 \|$/m);
  const html = readdirSync(dir).filter((name) => /^rehearsal-\d{6}\.html$/.test(name));
  expect(html).toHaveLength(1);
  expect(readFileSync(path.join(dir, html[0]!), 'utf8')).toMatch(/^<!doctype html>/i);
  // The simulator removed its environment when it stopped.
  expect(existsSync(path.join(dir, 'sim.env'))).toBe(false);
}, 200_000);
