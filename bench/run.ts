/**
 * `npm run bench [-- --quick] [--only=a,b] [--budget-s=N]`: runs every benchmark, one process each, in
 * sequence (they would distort each other's figures on a shared machine), and prints their JSON lines.
 * Figures, not pass/fail: the exit code is non-zero only when a benchmark could not run. `--budget-s` starts
 * no benchmark once N seconds have passed (CI's time limit) and names the ones it skipped. Logs go to
 * .data/bench/<name>.log; the lines are also appended to .data/bench/results.jsonl.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/temporal/binaries';

/** In the order a time budget keeps them: the figures the issues set targets on first. */
const BENCHES = [
  'b5-history-per-server',
  'b2-api-economy',
  'b6-throughput-per-key',
  'b7-learned-durations',
  'b4-scale',
  'b3-rate-capacity',
  'b1-makespan',
  'api-calls-per-server',
  'simulator-throughput',
] as const;

function main(): number {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const budgetS = Number(process.argv.find((arg) => arg.startsWith('--budget-s='))?.slice('--budget-s='.length));
  const begun = Date.now();
  const skipped: string[] = [];
  const out = path.join(PROJECT_ROOT, '.data', 'bench');
  mkdirSync(out, { recursive: true });
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  let failed = 0;
  for (const name of BENCHES.filter((b) => !only || only.split(',').includes(b))) {
    const script = path.join(PROJECT_ROOT, 'bench', `${name}.ts`);
    if (!existsSync(script)) continue;
    if (!Number.isNaN(budgetS) && (Date.now() - begun) / 1000 >= budgetS) {
      skipped.push(name);
      continue;
    }
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
  if (skipped.length > 0) {
    process.stderr.write(`skipped after the ${budgetS} s budget: ${skipped.join(', ')} (run them alone)\n`);
  }
  return failed === 0 ? 0 : 1;
}

process.exit(main());
