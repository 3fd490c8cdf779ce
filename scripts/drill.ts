/**
 * `npm run drill -- [--quick] [--only NAME] [--seed SEED] [--task404-reads N] [--speed N]`: the reliability
 * drills of RELIABILITY.md (see testkit/drills/drills.ts). Each drill prints one JSON line of figures on stdout; the exit code is 1 when a
 * guarantee was violated, 2 on a bad command line.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rateLimitPattern, readEnvironment } from '../src/config';
import { PROJECT_ROOT } from '../src/temporal/binaries';
import { DRILL_NAMES, runDrill, type DrillName } from '../testkit/drills/drills';

interface DrillArgs {
  quick: boolean;
  only: DrillName[];
  seed: string;
  task404: number;
  speed: number;
  workerRate?: string;
}

function parse(argv: string[]): DrillArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      seed: { type: 'string', default: 'drill-1' },
      'task404-reads': { type: 'string', default: '2' },
      speed: { type: 'string', default: '3000' },
      'worker-rate': { type: 'string' },
    },
  });
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new Error(`--speed must be a positive number (got "${values.speed}").`);
  const task404 = Number(values['task404-reads']);
  if (!Number.isInteger(task404) || task404 < 0) {
    throw new Error(`--task404-reads must be a whole number (got "${values['task404-reads']}").`);
  }
  if (values.only !== undefined && !DRILL_NAMES.includes(values.only as DrillName)) {
    throw new Error(`--only must be one of ${DRILL_NAMES.join(', ')} (got "${values.only}").`);
  }
  const only = values.only ? [values.only as DrillName] : [...DRILL_NAMES];
  const workerRate = values['worker-rate'];
  if (workerRate !== undefined && !rateLimitPattern.test(workerRate)) {
    throw new Error(`--worker-rate must look like 60/min, 5/s or 3000/h (got "${workerRate}").`);
  }
  return { quick: Boolean(values.quick), only, seed: values.seed, task404, speed, workerRate };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(
      `${(err as Error).message}\nUsage: npm run drill -- [--quick] [--only ${DRILL_NAMES.join('|')}] [--seed SEED] [--task404-reads N] [--speed N] [--worker-rate 60/min]\n`,
    );
    return 2;
  }
  const caDir = path.join(PROJECT_ROOT, '.data', 'drills', 'ca');
  const baseEnv = readEnvironment();
  let failed = false;
  for (const name of args.only) {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const figures = await runDrill(name, {
      baseEnv,
      quick: args.quick,
      seed: args.seed,
      caDir,
      log,
      stormTask404Reads: args.task404,
      speed: args.speed,
      workerRateLimit: args.workerRate,
    });
    process.stdout.write(`${JSON.stringify({ ...figures, date: new Date().toISOString(), cores: 2 })}\n`);
    if (figures.violations.length > 0) failed = true;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`The drill could not run: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
