/**
 * The `reimage` command line and its one error boundary: commands return an exit code or throw; this file
 * maps what they throw to the documented exit codes (cli/exit-codes.ts) and prints one clear message.
 * The environment is read here, once (config.ts), and each command gets it as a parameter.
 */
import { readEnvironment } from '../config';
import { COMMAND_GROUPS, isControlName } from './command-list';
import type { controlCommand } from './commands/control';
import { UsageError } from './errors';
import { failureExitCode, failureMessage } from './failure-causes';
import { ExitCode } from './exit-codes';

interface Command {
  usage: string;
  /** `env`: the process's environment, which the command parses (config.ts) for what it needs. */
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

const COMMAND_NAMES = new Set(COMMAND_GROUPS.flatMap((group) => group.commands.map((command) => command.name)));

/** Loads a command's module on first use (require: tsx's CommonJS hook serves the CLI without a build). */
function loadCommand(name: string): Command {
  if (isControlName(name)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./commands/control') as { controlCommand: typeof controlCommand }).controlCommand(name);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`./commands/${name}`) as Command;
}

/** `reimage --help`: the commands by group, each with its summary, in aligned columns. */
function overview(): string {
  const width = Math.max(...[...COMMAND_NAMES].map((name) => name.length)) + 2;
  const groups = COMMAND_GROUPS.map(
    (group) => `${group.title}:\n${group.commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}`,
  );
  return `reimage: reimage fleets of OVHcloud dedicated servers with your own image, on Temporal.

Usage: reimage <command> [options]     (reimage <command> --help for details and examples)

${groups.join('\n\n')}

Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 invalid input, 4 Temporal unreachable,
            5 campaign finished with failures, 6 confirmation declined.`;
}

/** Runs one command line on `env` (default: this process's) and returns its exit code; never throws. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = readEnvironment()): Promise<number> {
  // `reimage help COMMAND` is `reimage COMMAND --help`, as in git.
  if (argv[0] === 'help' && argv[1]) return main([argv[1], '--help'], env);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? ExitCode.Ok : ExitCode.Usage;
  }
  try {
    refuseControlCharacters(argv);
    if (!COMMAND_NAMES.has(name)) {
      throw new UsageError(`Unknown command "${name}". Run "reimage --help" to list the commands.`);
    }
    const command = loadCommand(name);
    if (rest.includes('--help')) {
      process.stdout.write(`${command.usage}\n`);
      return ExitCode.Ok;
    }
    return await command.run(rest, env);
  } catch (err) {
    return report(err, name);
  }
}

/**
 * Refuses an argument holding a control character (a newline, an escape...): campaign IDs and file names
 * end up in workflow IDs, HTTP headers and terminals, where one could forge a line.
 */
function refuseControlCharacters(argv: readonly string[]): void {
  for (const [index, arg] of argv.entries()) {
    const control = [...arg].find((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
    if (control === undefined) continue;
    const code = `U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new UsageError(
      `Argument ${index + 1} (${JSON.stringify(arg)}) holds a control character (${code}); IDs, names and paths must be printable text.`,
    );
  }
}

/** Named failures of the project, by class name, mapped to their documented exit codes. */
const EXIT_CODES_BY_NAME: Record<string, ExitCode> = {
  UsageError: ExitCode.Usage,
  ConfigError: ExitCode.InvalidInput,
  AccountsFileError: ExitCode.InvalidInput,
  CampaignValidationError: ExitCode.InvalidInput,
  CampaignNotFoundError: ExitCode.InvalidInput,
  OvhSettingsError: ExitCode.InvalidInput,
  CodecKeyError: ExitCode.InvalidInput,
  CodecServerExposedError: ExitCode.Usage,
  TemporalUnavailableError: ExitCode.TemporalUnavailable,
  ConfirmationDeclinedError: ExitCode.Aborted,
  InlineSecretsError: ExitCode.InvalidInput,
  NoWorkerError: ExitCode.TemporalUnavailable,
  SimulatorOptionsError: ExitCode.Usage,
  SimulatorClockError: ExitCode.InvalidInput,
  FaultSpecError: ExitCode.Usage,
  FleetFileError: ExitCode.InvalidInput,
  InvalidInputError: ExitCode.InvalidInput,
};

function report(err: unknown, command: string): number {
  const message = failureMessage(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code.startsWith('ERR_PARSE_ARGS_')) {
    // node:util parseArgs names the bad option but not where to read about the good ones.
    process.stderr.write(`${message}\nRun "reimage ${command} --help" for its options.\n`);
    return ExitCode.Usage;
  }
  process.stderr.write(`${message}\n`);
  return (err instanceof Error && EXIT_CODES_BY_NAME[err.name]) || failureExitCode(err) || ExitCode.Failure;
}
