/**
 * `npm run bench [-- --quick]`: runs every benchmark, one process each, in sequence (they would distort
 * each other's figures on a shared machine), and prints their JSON lines. Figures, not pass/fail: the exit
 * code is non-zero only when a benchmark could not run. Logs go to .data/bench/<name>.log; the lines are
 * also appended to .data/bench/results.jsonl.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/temporal/binaries';

const BENCHES = [
  'b5-history-per-server',
  'b2-api-economy',
  'api-calls-per-server',
  'b7-learned-durations',
  'b3-rate-capacity',
  'b6-throughput-per-key',
  'b1-makespan',
  'b4-scale',
  'simulator-throughput',
] as const;

function main(): number {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const out = path.join(PROJECT_ROOT, '.data', 'bench');
  mkdirSync(out, { recursive: true });
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  let failed = 0;
  for (const name of BENCHES.filter((b) => !only || only.split(',').includes(b))) {
    const script = path.join(PROJECT_ROOT, 'bench', `${name}.ts`);
    if (!existsSync(script)) continue;
    const started = Date.now();
    const run = spawnSync(tsx, [script, ...(quick ? ['--quick'] : [])], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    writeFileSync(path.join(out, `${name}.log`), run.stderr ?? '');
    const line = (run.stdout ?? '').trim().split('\n').filter(Boolean).pop();
    const seconds = Math.round((Date.now() - started) / 1000);
    if (run.status !== 0 || !line) {
      failed += 1;
      process.stdout.write(
        `${JSON.stringify({ bench: name, error: `exit ${run.status}`, log: `.data/bench/${name}.log` })}\n`,
      );
      process.stderr.write(`${name} failed after ${seconds} s; last log lines:\n${(run.stderr ?? '').slice(-2000)}\n`);
      continue;
    }
    appendFileSync(path.join(out, 'results.jsonl'), `${line}\n`);
    process.stdout.write(`${line}\n`);
    process.stderr.write(`${name}: ${seconds} s\n`);
  }
  return failed === 0 ? 0 : 1;
}

process.exit(main());
