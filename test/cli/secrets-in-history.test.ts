/**
 * Secrets never reach Temporal history, reports or worker logs in clear: a small campaign with an inline SSH
 * key, user data, config-drive metadata, an image Authorization header and an inline hook secret (its
 * beforeWipe webhook signs with it) runs with REIMAGE_CODEC_KEYS; then
 * the real `temporal workflow show` prints the campaign's and the server's histories, payloads base64-decoded
 * before searching, and none of the secrets (nor the simulator's OVH credentials) may appear.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createJsonLogger } from '../../src/observability/logger';
import { codecFromKeys } from '../../src/temporal/codec';
import { startCodecServer } from '../../src/temporal/codec-server';
import { campaignWorkflowId, serverWorkflowId } from '../../src/shared/workflow-ids';
import { startHookReceiver, type HookReceiver } from '../../testkit/hook-receiver';
import { testCa } from '../helpers/simulator';
import { campaignYaml, cliJson, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

const run = promisify(execFile);
const unique = randomBytes(9).toString('hex');
const CAMPAIGN_ID = `sec-${unique}`;
const SECRETS = {
  sshKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${unique}SecretKeyXXXXXXXXXXXXXXXXXX secret@reimage`,
  userData: `#cloud-config\nruncmd:\n  - echo userdata-${unique}\n`,
  headerValue: `Basic ${Buffer.from(`imageuser:pw-${unique}`).toString('base64')}`,
  metadataValue: `meta-${unique}`,
  hookSecret: `hook-secret-${unique}`,
};
const logLines: string[] = [];
let stack: CliStack;
let receiver: HookReceiver;

beforeAll(async () => {
  receiver = await startHookReceiver(testCa());
  stack = await startCliStack(
    [{}],
    3000,
    createJsonLogger('debug', (line) => logLines.push(line)),
    { REIMAGE_HOOK_HOSTS: receiver.host },
  );
  const hooks = { beforeWipe: { webhook: { url: receiver.url('/drain'), secret: SECRETS.hookSecret } } };
  const yaml = campaignYaml(stack, 'secrets-check', {
    servers: stack.servers,
    rollout: { waves: ['100%'], maxParallel: 1 },
    top: {
      configDrive: { sshKey: SECRETS.sshKey, userData: SECRETS.userData, metadata: { vault: SECRETS.metadataValue } },
      hooks,
    },
  }).replace(/^image:\n/m, `image:\n  httpHeaders:\n    Authorization: ${JSON.stringify(SECRETS.headerValue)}\n`);
  await cliJson(
    ['start', stack.writeCampaign('secrets.yaml', yaml), '--id', CAMPAIGN_ID, '--yes', '--json'],
    stack.env,
  );
  await stack.result(CAMPAIGN_ID);
}, 35_000);
afterAll(() => Promise.all([stack?.close(), receiver?.close()]));

/** Every secret of the run: the campaign's, and the OVH credentials the worker signs requests with. */
function secrets(): string[] {
  return [...Object.values(SECRETS), stack.sim.credentials.appSecret, stack.sim.credentials.consumerKey];
}

/** The text, plus every base64-looking string in it decoded, so payloads stored in clear cannot hide. */
function withDecodedBase64(text: string): string {
  const decoded = (text.match(/[A-Za-z0-9+/]{8,}={0,2}/g) ?? []).map((b64) =>
    Buffer.from(b64, 'base64').toString('latin1'),
  );
  return [text, ...decoded].join('\n');
}

async function workflowShow(workflowId: string, extraArgs: string[] = []): Promise<string> {
  const cli = process.env.TEMPORAL_CLI_PATH!;
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', ...extraArgs];
  const { stdout } = await run(cli, [...args, '--address', process.env.TEMPORAL_ADDRESS!, '--namespace', 'default'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return withDecodedBase64(stdout);
}

describe('secrets with REIMAGE_CODEC_KEYS set', () => {
  it('ran the campaign to completion with the secret settings', async () => {
    const report = await stack.result(CAMPAIGN_ID);
    expect(report).toMatchObject({ campaignId: CAMPAIGN_ID, finalState: 'done', totals: { servers: 1, failures: 0 } });
  });

  it('reached the worker: the beforeWipe delivery is signed with the hook secret', () => {
    const [delivery] = receiver.to('/drain');
    const expected = createHmac('sha256', SECRETS.hookSecret).update(delivery!.body).digest('hex');
    expect(delivery).toMatchObject({ event: 'beforeWipe', signature: `sha256=${expected}` });
    expect(delivery!.body).not.toContain(SECRETS.hookSecret);
  });

  it('never appear in the campaign workflow history, which does show the server name', async () => {
    const history = await workflowShow(campaignWorkflowId(CAMPAIGN_ID));
    expect(history).toContain(stack.servers[0]);
    expect(history).toContain('binary/encrypted');
    for (const secret of secrets()) expect(history).not.toContain(secret);
  });

  it('never appear in the server workflow history, which does show the server name', async () => {
    const history = await workflowShow(serverWorkflowId(stack.servers[0]!));
    expect(history).toContain(stack.servers[0]);
    expect(history).toContain('binary/encrypted');
    for (const secret of secrets()) expect(history).not.toContain(secret);
  });

  it.each(['json', 'csv', 'markdown'])('never appear in `reimage report --format %s`', async (format) => {
    const result = await runCli(['report', CAMPAIGN_ID, '--format', format], stack.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(stack.servers[0]);
    for (const secret of secrets()) expect(withDecodedBase64(result.stdout + result.stderr)).not.toContain(secret);
  });

  it("never appear in the worker's debug logs", () => {
    const logs = logLines.join('');
    expect(logs).toContain(stack.servers[0]);
    for (const secret of secrets()) expect(withDecodedBase64(logs)).not.toContain(secret);
  });

  it('are in the history, encrypted: `temporal workflow show` through `reimage codec-server` shows them', async () => {
    const token = randomBytes(16).toString('hex');
    const server = await startCodecServer({ codec: codecFromKeys(stack.env.REIMAGE_CODEC_KEYS)!, port: 0, token });
    try {
      const codecArgs = ['--codec-endpoint', server.url, '--codec-auth', `Bearer ${token}`];
      const history = await workflowShow(campaignWorkflowId(CAMPAIGN_ID), codecArgs);
      for (const secret of [SECRETS.sshKey, SECRETS.headerValue, SECRETS.metadataValue, SECRETS.hookSecret]) {
        expect(history).toContain(secret);
      }
    } finally {
      await server.close();
    }
  });
});
