/**
 * The `reimage` command line and its one error boundary: commands return an exit code or throw; this file
 * maps what they throw to the documented exit codes (cli/exit-codes.ts) and prints one clear message.
 */
import { ConfigError } from '../config';
import { UsageError } from './errors';
import { ExitCode } from './exit-codes';

interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  'dev-server': () => import('./commands/dev-server'),
};

function overview(): string {
  return `reimage: reimage fleets of OVHcloud dedicated servers with your own image, on Temporal.

Usage: reimage <command> [options]     (reimage <command> --help for details and examples)

Commands:
  ${Object.keys(COMMANDS).join('\n  ')}

Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 invalid input, 4 Temporal unreachable,
            5 campaign finished with failures, 6 confirmation declined.`;
}

/** Runs one command line and returns its exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? ExitCode.Ok : ExitCode.Usage;
  }
  try {
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`Unknown command "${name}". Run "reimage --help" to list the commands.`);
    const command = await load();
    if (rest.includes('--help')) {
      process.stdout.write(`${command.usage}\n`);
      return ExitCode.Ok;
    }
    return await command.run(rest);
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${message}\n`);
  if (err instanceof UsageError) return ExitCode.Usage;
  if (err instanceof ConfigError) return ExitCode.InvalidInput;
  if (err instanceof TypeError && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return ExitCode.Usage;
  }
  return ExitCode.Failure;
}
