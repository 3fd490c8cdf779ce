/**
 * A corpus of malformed `reimage` command lines: unknown commands and flags, missing arguments,
 * bad values, files that do not exist or do not parse, a server name with "../", inline secrets. Each is
 * rejected with its documented exit code and a first line that names the argument; the start attempts
 * leave no campaign workflow on the dev server. The corpus runs through the CLI's own entry point
 * (`main`, in this process, for speed); a sample is also spawned as `node bin/reimage.js` to show the
 * process exits the same way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { main } from '../../src/cli/index';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { loadClientConfig } from '../../src/config';
import { connectClient } from '../../src/temporal/connection';
import { uniqueTaskQueue } from '../helpers/temporal';
import { campaignText } from './helpers/campaign-text';
import { cliEnv, runCli } from './helpers/cli-harness';

let dir: string;
let client: Client;
/** The CLI's environment: no worker polls this queue and payloads are not encrypted, so inline secrets are refused. */
const env = cliEnv({ REIMAGE_TASK_QUEUE: uniqueTaskQueue('bad-invocations'), REIMAGE_CODEC_KEYS: undefined });
const at = (name: string) => path.join(dir, name);
const RUN_ID = `bad-${Date.now().toString(36)}`;
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyOnlyForTheSimulatorXXXXXXXXXXXX demo@reimage';

/** A campaign file; `servers` and `extra` lines make it valid or break exactly one rule. */
function campaign(servers = '[ns3012345.ip-51-91-2.eu]', extra = ''): string {
  return campaignText('bad-invocations', servers, extra);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-bad-invocations-'));
  writeFileSync(at('ok.yaml'), campaign());
  writeFileSync(at('traversal.yaml'), campaign('[../../etc/passwd]'));
  writeFileSync(at('inline.yaml'), campaign(undefined, `configDrive:\n  sshKey: ${SSH_KEY}`));
  writeFileSync(at('ova.yaml'), campaign().replace('type: raw', 'type: ova'));
  const header = (value: string) =>
    campaign().replace('type: raw', `type: raw\n  httpHeaders:\n    X-Trace: "${value}"`);
  writeFileSync(at('reserved.yaml'), header('${OVH_APPLICATION_SECRET}'));
  writeFileSync(at('basic-inline.yaml'), header('Basic dXNlcjpodW50ZXIy${EMPTY}'));
  writeFileSync(at('broken.yaml'), 'name: [unclosed\n');
  writeFileSync(at('broken.json'), '{"name": "j", "servers": [\n');
  writeFileSync(at('campaign.txt'), campaign());
  client = await connectClient(loadClientConfig(env));
});
afterAll(async () => {
  await client?.connection.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Under jest, errors thrown by Node's own modules (parseArgs) come from another realm: `instanceof Error`
 * fails in the CLI's boundary, which then prints `String(err)`, prefixed by class and code. A real process
 * prints the message alone (the spawned sample below checks one), so the prefix is removed here.
 */
const REALM_PREFIX = /^TypeError \[ERR_PARSE_ARGS_[A-Z_]+\]: /;

/** Runs `main(args, env)` with stdout and stderr captured. */
async function runMain(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const capture = (chunk: string | Uint8Array) => ((output += String(chunk)), true);
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const code = await main(args, env);
    return { code, output: output.replace(REALM_PREFIX, '') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const unknownOption = (flag: string) =>
  `Unknown option '${flag}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "${flag}"`;
const FILE_NOT_FOUND = (file: string) => `(root): cannot read the campaign file "${file}": the file does not exist`;
const INLINE_SECRETS =
  'configDrive.sshKey: these values would be stored in Temporal history in clear. Set REIMAGE_CODEC_KEYS on the CLI and the worker to encrypt payloads (see README, "Secrets"), or write them as ${VAR} references that the worker resolves from its own environment.';
const EXTRA = (arg: string, expected: number) =>
  `Unexpected argument "${arg}" after the ${expected} this command takes; run it once per campaign or file.`;
const RESERVED =
  "image.httpHeaders.X-Trace: refers to ${OVH_APPLICATION_SECRET}: OVH_* variables are the worker's own configuration, never given to a campaign; set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that";
const TRAVERSAL =
  'servers[0]: must not contain "/" (got "../../etc/passwd"); OVH service names look like "ns3012345.ip-51-91-2.eu"';

/** [command line, exit code, the first line of the answer]. */
type Case = [args: string[], code: number, firstLine: string];

const CORPUS: Case[] = [
  [['frobnicate'], 2, 'Unknown command "frobnicate". Run "reimage --help" to list the commands.'],
  [['--verbose'], 2, 'Unknown command "--verbose". Run "reimage --help" to list the commands.'],
  [['VALIDATE', '@D/ok.yaml'], 2, 'Unknown command "VALIDATE". Run "reimage --help" to list the commands.'],
  [[], 2, 'reimage: reimage fleets of OVHcloud dedicated servers with your own image, on Temporal.'],
  [['validate'], 2, 'Missing the campaign file.'],
  [['validate', '@D/none.yaml'], 3, FILE_NOT_FOUND('@D/none.yaml')],
  [['validate', '@D/traversal.yaml'], 3, TRAVERSAL],
  [['validate', '@D/broken.json'], 3, '(root): is not valid JSON: Unexpected end of JSON input'],
  [
    ['validate', '@D/campaign.txt'],
    3,
    '(root): cannot tell the format of "campaign.txt": name the file .yaml, .yml or .json',
  ],
  [['validate', '@D'], 3, '(root): cannot tell the format of "DIRNAME": name the file .yaml, .yml or .json'],
  [['validate', '--bogus', '@D/ok.yaml'], 2, unknownOption('--bogus')],
  [['validate', '--json=x', '@D/ok.yaml'], 2, "Option '--json' does not take an argument"],
  [['validate', '-x', '@D/ok.yaml'], 2, unknownOption('-x')],
  [['validate', '@D/ok.yaml', '@D/broken.json'], 2, EXTRA('@D/broken.json', 1)],
  [['validate', '@D/reserved.yaml'], 3, RESERVED],
  [['plan', '@D/reserved.yaml'], 3, RESERVED],
  [['plan', '@D/ok.yaml', 'extra.yaml'], 2, EXTRA('extra.yaml', 1)],
  [['start', '@D/reserved.yaml', '--yes', '--id', `${RUN_ID}-9`], 3, RESERVED],
  [
    ['start', '@D/basic-inline.yaml', '--yes', '--id', `${RUN_ID}-10`],
    3,
    INLINE_SECRETS.replace('configDrive.sshKey', 'image.httpHeaders.X-Trace'),
  ],
  [
    ['start', '@D/ok.yaml', '--yes', '--id', 'spring\nX-Forged: 1'],
    2,
    'Argument 5 ("spring\\nX-Forged: 1") holds a control character (U+000A); IDs, names and paths must be printable text.',
  ],
  [['report', 'c1', 'c2'], 2, EXTRA('c2', 1)],
  [['status', 'c1', 'c2'], 2, EXTRA('c2', 1)],
  [['schedule', 'create', '@D/ok.yaml', 'more.yaml', '--cron', '0 2 * * *'], 2, EXTRA('more.yaml', 1)],
  [['schedule', 'delete', 's1', 's2'], 2, EXTRA('s2', 1)],
  [['pause', 'c1', 'c2'], 2, EXTRA('c2', 1)],
  [['set-concurrency', 'c1', 'many'], 2, 'set-concurrency needs a whole number, got "many".'],
  [['set-concurrency', 'c1', '5', '6'], 2, EXTRA('6', 2)],
  [['start'], 2, 'Missing the campaign file.'],
  [['start', '@D/none.yaml', '--yes', '--id', `${RUN_ID}-1`], 3, FILE_NOT_FOUND('@D/none.yaml')],
  [
    ['start', '@D/ok.yaml', '--id', `${RUN_ID}-2`],
    2,
    'reimage start asks for confirmation on a terminal; pass --yes to start without asking.',
  ],
  [['start', '@D/traversal.yaml', '--yes', '--id', `${RUN_ID}-3`], 3, TRAVERSAL],
  [
    ['start', '@D/ova.yaml', '--yes', '--id', `${RUN_ID}-4`],
    3,
    `image.type: "ova" is not accepted by OVH's BYOI API (only qcow2 and raw); convert the image with qemu-img (extract the .vmdk from the OVA, then "qemu-img convert -O qcow2 disk.vmdk disk.qcow2")`,
  ],
  [['start', '@D/inline.yaml', '--yes', '--id', `${RUN_ID}-7`], 3, INLINE_SECRETS],
  [
    ['start', '@D/ok.yaml', '--yes', '--id', `${RUN_ID}-8`],
    4,
    'No worker is polling task queue "QUEUE": start one with "reimage worker" (it holds the OVH credentials), then try again.',
  ],
  [['start', '@D/ok.yaml', '--yes', '--id'], 2, "Option '--id <value>' argument missing"],
  [['start', '@D/ok.yaml', '--yes', '--color', '--id', `${RUN_ID}-5`], 2, unknownOption('--color')],
  [['start', '@D/ok.yaml', '--yes=no', '--id', `${RUN_ID}-6`], 2, "Option '--yes' does not take an argument"],
  [['plan'], 2, 'Missing the campaign file.'],
  [['plan', '@D/none.yaml'], 3, FILE_NOT_FOUND('@D/none.yaml')],
  [['plan', '@D/broken.json'], 3, '(root): is not valid JSON: Unexpected end of JSON input'],
  [['plan', '@D/ok.yaml', '--verbose'], 2, unknownOption('--verbose')],
  [['report'], 2, 'Missing the campaign ID.'],
  [
    ['report', 'c1', '--format', 'pdf'],
    2,
    '--format must be one of json, csv, markdown, html, known-hosts (got "pdf").',
  ],
  [
    ['report', 'c1', '--format', 'CSV'],
    2,
    '--format must be one of json, csv, markdown, html, known-hosts (got "CSV").',
  ],
  [['report', 'c1', '--format', 'html', '--rate-limit', '60/min'], 2, unknownOption('--rate-limit')],
  [['report', 'c1', '--format'], 2, "Option '--format <value>' argument missing"],
  [['report', 'c1', '--out'], 2, "Option '--out <value>' argument missing"],
  [['status', '--bogus'], 2, unknownOption('--bogus')],
  [['status', 'c1', '--watch=yes'], 2, "Option '--watch' does not take an argument"],
  ...['pause', 'resume', 'drain', 'cancel', 'approve', 'set-concurrency', 'skip', 'release', 'retry'].map(
    (control): Case => [[control], 2, 'Missing the campaign ID.'],
  ),
  [['pause', 'c1', '--force'], 2, unknownOption('--force')],
  [['cancel', 'c1', '--yes'], 2, unknownOption('--yes')],
  [['schedule'], 2, 'Unknown schedule verb "".'],
  [['schedule', 'frob'], 2, 'Unknown schedule verb "frob".'],
  [['schedule', 'create'], 2, 'schedule create needs FILE and --cron.'],
  [['schedule', 'create', '@D/ok.yaml'], 2, 'schedule create needs FILE and --cron.'],
  [['schedule', 'create', '@D/ok.yaml', '--cron'], 2, "Option '--cron <value>' argument missing"],
  [['schedule', 'create', '@D/none.yaml', '--cron', '0 22 * * 2'], 3, FILE_NOT_FOUND('@D/none.yaml')],
  [['schedule', 'delete'], 2, 'schedule delete needs the schedule ID.'],
  [['schedule', 'list', '--bogus'], 2, "Unknown option '--bogus'"],
  [['codec-server', '--port', 'abc'], 2, '--port must be a port number from 0 to 65535 (got "abc").'],
  [['callback-server', '--port', 'abc'], 2, '--port must be a port number from 0 to 65535 (got "abc").'],
  [['callback-server', '--per-minute', '0'], 2, '--per-minute must be a whole number from 1 to 100000 (got "0").'],
  [['codec-server', '--port', '70000'], 2, '--port must be a port number from 0 to 65535 (got "70000").'],
  [['codec-server', '--port', '-1'], 2, "Option '--port' argument is ambiguous."],
  [['codec-server', '--bogus'], 2, "Unknown option '--bogus'"],
  [['dev-server', '--bogus'], 2, "Unknown option '--bogus'"],
  [['simulator', '--bogus'], 2, "Unknown option '--bogus'"],
  [['worker', '--concurrency', '5'], 2, "Unknown option '--concurrency'"],
  [['dev-server', '--port', 'abc'], 2, '--port must be a port number from 1 to 65535 (got "abc").'],
  [['dev-server', '--ui-port', '99999'], 2, '--ui-port must be a port number from 1 to 65535 (got "99999").'],
  [
    ['status', 'x', '--watch', '--interval', 'abc'],
    2,
    '--interval must be a duration like "90s", "10m", "4h" or "1h30m" (got "abc").',
  ],
  [['simulator', '--speed', 'fast'], 2, '--speed must be a number (got "fast").'],
  [['simulator', '--servers', 'many'], 2, '--servers must be a whole number (got "many").'],
  [
    ['simulator', '--rate-limit', 'lots'],
    2,
    '--rate-limit "lots" must look like 60/min, 5/s or 100/250ms (requests per period).',
  ],
  [['simulator', '--faults', 'drop=7'], 2, 'Fault "drop=7" needs a rate between 0 and 1 (got "7").'],
  [
    ['simulator', '--fleet', '@D/none.json'],
    3,
    "The fleet file @D/none.json cannot be read as JSON (ENOENT: no such file or directory, open '@D/none.json').",
  ],
];

/** `@D` in arguments and expected lines is the corpus directory, DIRNAME its base name, QUEUE the task queue. */
function expand(text: string): string {
  return text
    .replace(/DIRNAME/g, path.basename(dir))
    .replace(/@D/g, dir)
    .replace(/QUEUE/g, env.REIMAGE_TASK_QUEUE ?? '');
}

describe('malformed reimage command lines', () => {
  it('holds at least 40 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CORPUS.map(([args, code, line]) => [args.join(' ') || '(no arguments)', args, code, line] as const))(
    'rejects "reimage %s"',
    async (_label, args, code, line) => {
      const result = await runMain(args.map(expand));
      expect({ code: result.code, firstLine: result.output.split('\n')[0] }).toEqual({ code, firstLine: expand(line) });
    },
  );

  it('started no campaign for any of the refused starts', async () => {
    const ids = CORPUS.flatMap(([args]) => (args[0] === 'start' && args.includes('--id') ? [args.at(-1)!] : []));
    expect(ids.filter((id) => id.startsWith(RUN_ID))).toHaveLength(10);
    for (const id of ids.filter((i) => i.startsWith(RUN_ID))) {
      await expect(client.workflow.getHandle(campaignWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
  });

  it('exits with the same codes and messages as a process', async () => {
    const sample = [CORPUS[0]!, CORPUS[6]!, CORPUS[10]!, CORPUS[28]!];
    const results = await Promise.all(sample.map(([args]) => runCli(args.map(expand), env)));
    expect(results.map((r) => ({ code: r.code, firstLine: r.stderr.split('\n')[0] }))).toEqual(
      sample.map(([, code, line]) => ({ code, firstLine: expand(line) })),
    );
  });
});
