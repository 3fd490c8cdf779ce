/**
 * The CLI's answers that need no worker: `validate`, and every documented refusal with its exit code
 * (usage 2, invalid input 3, Temporal unreachable or no worker 4), each through a spawned `reimage`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCampaignFile } from '../../src/campaign/loader';
import { freePort } from '../../src/temporal/dev-server';
import { freshCodecKeys } from '../../testkit/env';
import { uniqueTaskQueue } from '../helpers/temporal';
import { cliEnv, runCli } from './helpers/cli-harness';
import { campaignText as minimalCampaign } from './helpers/campaign-text';

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyOnlyForTheSimulatorXXXXXXXXXXXX demo@reimage';
const MINIMAL = path.join(__dirname, '..', '..', 'examples', 'campaigns', 'minimal.yaml');

/** A campaign file with one defect (or none), so only one rule can fire. */
function campaignText(extra: string): string {
  return minimalCampaign('cli-exit-codes', '[ns3012345.ip-51-91-2.eu, ns3012346.ip-51-91-2.eu]', extra);
}

let dir: string;
let env: NodeJS.ProcessEnv;
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-cli-codes-'));
  // A task queue no worker polls.
  env = cliEnv({ REIMAGE_TASK_QUEUE: uniqueTaskQueue('cli-idle'), REIMAGE_CODEC_KEYS: undefined });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reimage validate', () => {
  it('prints each problem as "path: message" on stderr and exits 3 for an invalid file', async () => {
    const bad = file('bad.yaml', campaignText('rollout:\n  maxParallel: 0'));
    expect(await runCli(['validate', bad], env)).toEqual({
      code: 3,
      stdout: '',
      stderr: 'rollout.maxParallel: must be at least 1 (got 0)\n',
    });
  });

  it('prints the problems as JSON with --json and still exits 3', async () => {
    const bad = file('bad-json.yaml', campaignText('rollout:\n  maxParallel: 0'));
    const result = await runCli(['validate', bad, '--json'], env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 3, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      file: bad,
      issues: [{ path: 'rollout.maxParallel', message: 'must be at least 1 (got 0)' }],
    });
  });

  it('prints the normalized campaign as JSON with --json for a valid file', async () => {
    const good = file('good.yaml', campaignText(''));
    const result = await runCli(['validate', good, '--json'], env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      file: good,
      campaign: JSON.parse(JSON.stringify(await loadCampaignFile(good))),
    });
  });
});

describe('exit codes', () => {
  it('exits 2 with the help hint for an unknown command', async () => {
    expect(await runCli(['frobnicate'], env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Unknown command "frobnicate". Run "reimage --help" to list the commands.\n',
    });
  });

  it("exits 2 naming an unknown option and the command's help", async () => {
    const result = await runCli(['validate', MINIMAL, '--bogus'], env);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith("Unknown option '--bogus'.")).toBe(true);
    expect(result.stderr.endsWith('\nRun "reimage validate --help" for its options.\n')).toBe(true);
  });

  it('exits 4 naming the address when Temporal is unreachable', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const result = await runCli(['status', 'any-campaign', '--json'], { ...env, TEMPORAL_ADDRESS: address });
    expect(result.code).toBe(4);
    expect(result.stderr.startsWith(`Temporal is not reachable at ${address}: `)).toBe(true);
    expect(
      result.stderr.endsWith(
        'Start one with "npm run temporal", or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY for Temporal Cloud).\n',
      ),
    ).toBe(true);
  });

  it('exits 4 telling to start "reimage worker" when no worker polls the task queue', async () => {
    expect(await runCli(['plan', MINIMAL, '--json'], env)).toEqual({
      code: 4,
      stdout: '',
      stderr:
        `No worker is polling task queue "${env.REIMAGE_TASK_QUEUE}": start one with "reimage worker" ` +
        '(it holds the OVH credentials), then try again.\n',
    });
  });
});

describe('reimage start refusals', () => {
  it('refuses to start without --yes when stdin is not a terminal, and exits 2', async () => {
    expect(await runCli(['start', MINIMAL], env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'reimage start asks for confirmation on a terminal; pass --yes to start without asking.\n',
    });
  });

  it('refuses an inline SSH key without REIMAGE_CODEC_KEYS, naming configDrive.sshKey, and exits 3', async () => {
    const secret = file('secret.yaml', campaignText(`configDrive:\n  sshKey: ${SSH_KEY}`));
    expect(await runCli(['start', secret, '--yes', '--json'], env)).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'configDrive.sshKey: these values would be stored in Temporal history in clear. Set REIMAGE_CODEC_KEYS on ' +
        'the CLI and the worker to encrypt payloads (see README, "Secrets"), or write them as ${VAR} references ' +
        'that the worker resolves from its own environment.\n',
    });
  });

  it('passes the secrets check once REIMAGE_CODEC_KEYS is set (then needs a worker: exit 4)', async () => {
    const secret = file('secret-encrypted.yaml', campaignText(`configDrive:\n  sshKey: ${SSH_KEY}`));
    const result = await runCli(['start', secret, '--yes', '--json'], { ...env, REIMAGE_CODEC_KEYS: freshCodecKeys() });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 4, stdout: '' });
    expect(result.stderr).toBe(
      `No worker is polling task queue "${env.REIMAGE_TASK_QUEUE}": start one with "reimage worker" ` +
        '(it holds the OVH credentials), then try again.\n',
    );
  });
});
