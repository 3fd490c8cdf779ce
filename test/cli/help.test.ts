/**
 * `reimage --help` lists every command by group with its one-line summary, and every listed command
 * answers `reimage <command> --help` (and `reimage help <command>`) with its own synopsis.
 */
import { CONTROL_NAMES, CONTROLS, COMMAND_GROUPS } from '../../src/cli/command-list';
import { main } from '../../src/cli/index';
import { cliEnv, runCli } from './helpers/cli-harness';

const OVERVIEW = `reimage: reimage fleets of OVHcloud dedicated servers with your own image, on Temporal.

Usage: reimage <command> [options]     (reimage <command> --help for details and examples)

Campaigns:
  validate         Check a campaign file; contacts neither Temporal nor OVH
  plan             Dry-run a campaign: waves, read-only preflights, ETA
  start            List the servers a campaign wipes, confirm, start it
  status           Show a campaign's progress, once or live with --watch
  report           Print a campaign's per-server outcomes (JSON, CSV, Markdown, HTML timeline)
  schedule         Create, list or delete recurring campaigns

Operator controls:
  pause            Stop admitting servers; those already installing continue
  resume           Admit servers again after a pause
  drain            Admit no more servers, let in-flight ones finish ("drained")
  cancel           Admit no more servers, roll in-flight ones back to rescue
  approve          Approve the next wave when the campaign waits for approval
  set-concurrency  Set how many servers may install at once (1 to 500)
  skip             Skip a server that has not started yet
  release          Cancel a running server, or record it run_closed when its run closed unheard
  retry            Queue a failed, skipped or cancelled server again

Services:
  worker           Run the worker: the workflows and every OVH call
  dev-server       Run a Temporal dev server with its Web UI and a SQLite file
  codec-server     Decrypt payloads for the Temporal Web UI and CLI
  callback-server  Receive the callbacks of reimaged servers (completion.callback)

Local tools:
  simulator        Run the OVH API simulator, to rehearse a campaign

Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 invalid input, 4 Temporal unreachable,
            5 campaign finished with failures, 6 confirmation declined.
`;

/** Runs `main(args)` in this process with stdout and stderr captured apart. */
async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: '', stderr: '' };
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((output.stdout += String(chunk)), true));
  const err = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((output.stderr += String(chunk)), true));
  try {
    return { code: await main(args), ...output };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const LISTED = COMMAND_GROUPS.flatMap((group) => group.commands.map((command) => command.name));

describe('reimage --help', () => {
  it('lists every command by group with its summary in aligned columns, on stdout, exiting 0', async () => {
    expect(await runCli(['--help'], cliEnv({}))).toEqual({ code: 0, stdout: OVERVIEW, stderr: '' });
  });

  it('prints the same list for "reimage help" and, exiting 2, for "reimage" alone', async () => {
    expect(await runMain(['help'])).toEqual({ code: 0, stdout: OVERVIEW, stderr: '' });
    expect(await runMain([])).toEqual({ code: 2, stdout: OVERVIEW, stderr: '' });
  });

  it('lists each command once', () => {
    expect(new Set(LISTED).size).toBe(LISTED.length);
    expect(LISTED).toHaveLength(20);
  });
});

describe('reimage <command> --help', () => {
  it.each(LISTED)('answers "reimage %s --help" with its synopsis on stdout, exiting 0', async (name) => {
    const result = await runMain([name, '--help']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^reimage ${name}( |\\n)`));
  });

  it.each(CONTROL_NAMES)('describes the "%s" control with the summary the list shows', async (name) => {
    const { args, summary, example } = CONTROLS[name];
    expect(await runMain([name, '--help'])).toEqual({
      code: 0,
      stdout: `reimage ${name} ${args} [--json]\n\n${summary}.\n\nExample:\n  ${example}\n`,
      stderr: '',
    });
  });

  it('answers "reimage help <command>" as "reimage <command> --help"', async () => {
    expect(await runMain(['help', 'set-concurrency'])).toEqual({
      code: 0,
      stdout:
        'reimage set-concurrency CAMPAIGN N [--json]\n\n' +
        'Set how many servers may install at once (1 to 500).\n\n' +
        'Example:\n  reimage set-concurrency spring-refresh 40\n',
      stderr: '',
    });
    expect(await runMain(['help', 'frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Unknown command "frobnicate". Run "reimage --help" to list the commands.\n',
    });
  });

  it('refuses an unknown command that names a property every JavaScript object has', async () => {
    expect(await runMain(['constructor'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Unknown command "constructor". Run "reimage --help" to list the commands.\n',
    });
  });
});
