/**
 * `reimage simulator` run exactly as the README's "Rehearsing against the simulator" shows it (request log
 * on stderr, the README's faults): the official OVH client, configured from the printed line the way
 * OVH_ENDPOINT and OVH_CA_FILE configure the worker, lists the fleet and reinstalls one server to `done`;
 * the process serves until SIGTERM and then exits 0.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import createNodeOvh from '@ovhcloud/node-ovh';
import { parseOvhSettings, toNodeOvhOptions, trustCaFile } from '../../src/ovh/settings';
import type { ConnectionLine } from '../../src/simulator/main';
import { simCall, type SimAddress } from '../simulator/raw-request';
import { byoiReinstallBody, type OvhRejection, type PromisedClient } from '../simulator/sim-helpers';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'reimage.js');

/** The README's command line, argument by argument. */
const README_ARGS = [
  'simulator',
  '--servers',
  '200',
  '--speed',
  '60',
  '--faults',
  'download_fail=0.05,http500=0.1,drop=0.02,task404=2',
  '--rate-limit',
  '60/min',
];

/** The arguments as the README writes them: values with `,` or `=` in double quotes. */
function commandLine(args: string[]): string {
  return ['reimage', ...args.map((arg) => (/[,=]/.test(arg) ? `"${arg}"` : arg))].join(' ');
}

/** The README's section `title`, up to the next heading. */
function readmeSection(title: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${title}".`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

let child: ChildProcessByStdio<null, Readable, Readable>;
let stderr = '';
let exited: Promise<number | null>;
let connection: ConnectionLine;
let ovh: PromisedClient;
const savedSecureContext = https.globalAgent.options.secureContext;

/** Resolves with the first stdout line; fails with the process's stderr if it exits first, or after 30 s. */
function firstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    // Generous: the child compiles the CLI through tsx and generates a CA before it prints.
    const timer = setTimeout(() => reject(new Error(`No connection line within 30 s; stderr:\n${stderr}`)), 30_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`reimage simulator exited ${String(code)} before printing its connection line:\n${stderr}`));
    });
  });
}

/** Fails with the simulator's stderr when the process is gone. */
function expectRunning(): void {
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(
      `reimage simulator is no longer running (exit ${String(child.exitCode ?? child.signalCode)}):\n${stderr}`,
    );
  }
}

/** Resolves once the simulator's stderr matches `pattern` (its request log trails the answer); fails after 5 s. */
function stderrMatching(pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(stderr)) return;
      stop();
      resolve();
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`The simulator's stderr did not match ${String(pattern)} within 5 s:\n${stderr}`));
    }, 5_000);
    const stop = () => {
      clearTimeout(timer);
      child.stderr.off('data', check);
    };
    child.stderr.on('data', check);
    check();
  });
}

/** A failed official-client call, named, with the simulator's stderr (which shows a crash). */
function callFailure(method: string, apiPath: string, rejection: unknown): Error {
  const { error, message } = rejection as OvhRejection;
  const what = error instanceof Error ? `${String((error as NodeJS.ErrnoException).code)} ${error.message}` : error;
  return new Error(`${method} ${apiPath} failed: ${String(what)} ${String(message)}; simulator stderr:\n${stderr}`);
}

/** One official-client call; a failure names the call and carries the simulator's stderr. */
async function call<T>(method: string, apiPath: string, body?: Record<string, unknown>): Promise<T> {
  try {
    return (await ovh.requestPromised(method, apiPath, body)) as T;
  } catch (rejection) {
    throw callFailure(method, apiPath, rejection);
  }
}

/**
 * The first `count` answers to GET `apiPath` (a status code for a refusal), reading again after a dropped
 * connection as any client rehearsing `drop=0.02` must. The simulator drops by a hash of its seed and the
 * request's number, so the same requests are dropped on every run.
 */
async function readAnswers(apiPath: string, count: number): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (let attempt = 1; answers.length < count; attempt++) {
    if (attempt > count + 3)
      throw new Error(`GET ${apiPath}: too many dropped connections; answers ${JSON.stringify(answers)}`);
    try {
      answers.push(await ovh.requestPromised('GET', apiPath));
    } catch (rejection) {
      const { error } = rejection as OvhRejection;
      if (typeof error === 'number') answers.push(error);
      else if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ECONNRESET')
        throw callFailure('GET', apiPath, rejection);
    }
  }
  return answers;
}

beforeAll(async () => {
  child = spawn(process.execPath, [BIN, ...README_ARGS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': it comes once stderr is read to the end.
  exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  connection = JSON.parse(await firstLine()) as ConnectionLine;
  const settings = parseOvhSettings({
    endpoint: connection.url,
    appKey: connection.appKey,
    appSecret: connection.appSecret,
    consumerKey: connection.consumerKey,
    caFile: connection.caCertPath,
  });
  // What OVH_CA_FILE does for the worker: node-ovh sends through https.globalAgent, which now trusts the CA.
  trustCaFile(connection.caCertPath);
  ovh = createNodeOvh({ ...toNodeOvhOptions(settings) }) as unknown as PromisedClient;
});

afterAll(async () => {
  https.globalAgent.options.secureContext = savedSecureContext;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
});

describe('reimage simulator as the README runs it', () => {
  it('is the command line the README shows', () => {
    expect(readmeSection('Rehearsing against the simulator')).toContain(`\n${commandLine(README_ARGS)}\n`);
  });

  it('prints one JSON line with the URL, the CA file, the SSH port, the credentials and the service names', () => {
    expect(connection).toEqual({
      url: `https://localhost:${connection.port}/1.0`,
      host: 'localhost',
      port: expect.any(Number) as number,
      basePath: '/1.0',
      caCertPath: expect.stringMatching(/ca\.pem$/) as string,
      sshPort: expect.any(Number) as number,
      appKey: expect.any(String) as string,
      appSecret: expect.any(String) as string,
      consumerKey: expect.any(String) as string,
      clientId: expect.any(String) as string,
      clientSecret: expect.any(String) as string,
      servers: expect.any(Array) as string[],
    });
    expect(connection.servers).toHaveLength(200);
  });

  it('answers the official OVH client configured from that line with the fleet', async () => {
    const listed = await call<string[]>('GET', '/dedicated/server');
    expect([...listed].sort()).toEqual([...connection.servers].sort());
    expectRunning();
  });

  it('runs a byoi_64 reinstall to done, the first two task reads answering 404 as task404=2 asks', async () => {
    // Image faults are drawn from the seed (1 unless --seed is given): this server's first install draws none.
    const server = connection.servers[0] as string;
    const task = await call<{ taskId: number; function: string; status: string }>(
      'POST',
      `/dedicated/server/${server}/reinstall`,
      byoiReinstallBody(),
    );
    expect(task).toEqual(expect.objectContaining({ function: 'reinstallServer', status: 'init' }));
    const address: SimAddress = {
      ...connection,
      credentials: {
        appKey: connection.appKey,
        appSecret: connection.appSecret,
        consumerKey: connection.consumerKey,
        clientId: connection.clientId,
        clientSecret: connection.clientSecret,
      },
    };
    // An hour: an install lasts about 11 simulated minutes (±20%).
    expect((await simCall(address, 'POST', '/_sim/advance', { seconds: 3600 })).status).toBe(200);
    const answers = await readAnswers(`/dedicated/server/${server}/task/${task.taskId}`, 3);
    expect(answers).toEqual([404, 404, expect.objectContaining({ taskId: task.taskId, status: 'done' })]);
    await stderrMatching(
      new RegExp(`^\\[simulator\\] POST /1\\.0/dedicated/server/${server}/reinstall 200 \\d+ms$`, 'm'),
    );
    expectRunning();
  });

  it('keeps serving until SIGTERM, then closes and exits 0', async () => {
    expectRunning();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/^\[simulator\] SIGTERM received, closing$/m);
  });
});
