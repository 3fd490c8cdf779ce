/**
 * Every `reimage` command, in the groups and order `reimage --help` lists them, each with its one-line
 * summary. index.ts dispatches from this list, so a command cannot be listed without being runnable.
 * Imports no command module, so `reimage --help` loads nothing else.
 */

/** What `reimage <control> --help` shows: arguments, summary, example. */
export interface ControlSpec {
  args: string;
  summary: string;
  example: string;
}

/** The operator controls (signals and updates on a running campaign), run by commands/control.ts. */
export const CONTROLS = {
  pause: {
    args: 'CAMPAIGN',
    summary: 'Stop admitting servers; those already installing continue',
    example: 'reimage pause spring-refresh',
  },
  resume: {
    args: 'CAMPAIGN',
    summary: 'Admit servers again after a pause',
    example: 'reimage resume spring-refresh',
  },
  drain: {
    args: 'CAMPAIGN',
    summary: 'Admit no more servers, let in-flight ones finish ("drained")',
    example: 'reimage drain spring-refresh',
  },
  cancel: {
    args: 'CAMPAIGN',
    summary: 'Admit no more servers, roll in-flight ones back to rescue',
    example: 'reimage cancel spring-refresh',
  },
  approve: {
    args: 'CAMPAIGN',
    summary: 'Approve the next wave when the campaign waits for approval',
    example: 'reimage approve spring-refresh',
  },
  'set-concurrency': {
    args: 'CAMPAIGN N',
    summary: 'Set how many servers may install at once (1 to 500)',
    example: 'reimage set-concurrency spring-refresh 40',
  },
  skip: {
    args: 'CAMPAIGN SERVER',
    summary: 'Skip a server that has not started yet',
    example: 'reimage skip spring-refresh ns3012345.ip-51-91-12.eu',
  },
  release: {
    args: 'CAMPAIGN SERVER',
    summary: 'Cancel a running server, or record it run_closed when its run closed unheard',
    example: 'reimage release spring-refresh ns3012345.ip-51-91-12.eu',
  },
  retry: {
    args: 'CAMPAIGN SERVER',
    summary: 'Queue a failed, skipped or cancelled server again',
    example: 'reimage retry spring-refresh ns3012345.ip-51-91-12.eu',
  },
} as const satisfies Record<string, ControlSpec>;

export type ControlName = keyof typeof CONTROLS;
export const CONTROL_NAMES = Object.keys(CONTROLS) as ControlName[];

export interface CommandSummary {
  name: string;
  summary: string;
}

export interface CommandGroup {
  title: string;
  commands: readonly CommandSummary[];
}

/** The commands by group; every command except the controls lives in commands/<name>.ts. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    title: 'Campaigns',
    commands: [
      { name: 'validate', summary: 'Check a campaign file; contacts neither Temporal nor OVH' },
      { name: 'plan', summary: 'Dry-run a campaign: waves, read-only preflights, ETA' },
      { name: 'start', summary: 'List the servers a campaign wipes, confirm, start it' },
      { name: 'status', summary: "Show a campaign's progress, once or live with --watch" },
      { name: 'report', summary: "Print a campaign's per-server outcomes (JSON, CSV, Markdown, HTML timeline)" },
      { name: 'schedule', summary: 'Create, list or delete recurring campaigns' },
    ],
  },
  {
    title: 'Operator controls',
    commands: CONTROL_NAMES.map((name) => ({ name, summary: CONTROLS[name].summary })),
  },
  {
    title: 'Services',
    commands: [
      { name: 'worker', summary: 'Run the worker: the workflows and every OVH call' },
      { name: 'dev-server', summary: 'Run a Temporal dev server with its Web UI and a SQLite file' },
      { name: 'codec-server', summary: 'Decrypt payloads for the Temporal Web UI and CLI' },
      { name: 'callback-server', summary: 'Receive the callbacks of reimaged servers (completion.callback)' },
    ],
  },
  {
    title: 'Local tools',
    commands: [{ name: 'simulator', summary: 'Run the OVH API simulator, to rehearse a campaign' }],
  },
];

/** Whether `name` is an operator control. */
export function isControlName(name: string): name is ControlName {
  return Object.hasOwn(CONTROLS, name);
}
