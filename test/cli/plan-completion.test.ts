/**
 * What `reimage plan` says of how a campaign learns that installs ended: by polling alone, or by the
 * servers' callbacks (completion.callback), with the fallback polls and the fewer OVH calls that follow,
 * and whether `reimage callback-server` answers at the callback URL, tried from the CLI's machine.
 */
import net from 'node:net';
import { CALLBACK_PROBE_TIMEOUT_MS, callbackUrlLine } from '../../src/cli/callback-probe';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/cli/callback-receiver';
import { freePort } from '../../src/temporal/dev-server';
import { startRecordingOrigin, type RecordingOrigin } from '../activities/helpers/recording-origin';
import { campaignYaml, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

const SECRET = 'a-test-callback-secret-of-32-characters-or-more';
const LOST =
  "servers' callbacks would be lost and each server found by polling; run reimage callback-server where that URL points";

let stack: CliStack;
let receiver: CallbackReceiver;
let notFound: RecordingOrigin;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000, undefined, { REIMAGE_CALLBACK_SECRET: SECRET });
  receiver = await startCallbackReceiver({ client: stack.client, secret: SECRET, port: 0 });
  notFound = await startRecordingOrigin('http', () => ({ status: 404 }), '127.0.0.1');
}, 60_000);
afterAll(() => Promise.all([stack?.close(), receiver?.close(), notFound?.close()]));

async function planLines(name: string, top: Record<string, unknown>): Promise<string[]> {
  const file = stack.writeCampaign(`${name}.yaml`, campaignYaml(stack, name, { servers: stack.servers, top }));
  const plan = await runCli(['plan', file], stack.env);
  // A warning is no refusal: exit 0, and nothing on stderr but the progress bar.
  const refusals = plan.stderr.split('\n').filter((line) => line && !line.startsWith('preflight ['));
  expect({ code: plan.code, refusals }).toEqual({ code: 0, refusals: [] });
  return plan.stdout.split('\n').filter((line) => /^(install ends|OVH calls|completion\.callback)/.test(line));
}

/** The plan's callback lines for a campaign whose servers call back to `callback`. */
const callbackLines = (name: string, callback: string) =>
  planLines(name, { completion: { callback }, poll: { minInterval: '1s' } });

it('says installs are found by polling without completion.callback, and where servers call back with it, at fewer OVH calls', async () => {
  expect(await planLines('plan-polling', {})).toEqual([
    expect.stringMatching(/^OVH calls: \d+ for this plan, about 15 for the campaign$/),
    'install ends: found by polling (no completion.callback)',
  ]);

  const callback = `${receiver.url}/phone-home`;
  expect(await callbackLines('plan-callback', callback)).toEqual([
    expect.stringMatching(/^OVH calls: \d+ for this plan, about 9 for the campaign$/),
    `install ends: the servers call back to ${callback}, which must reach \`reimage callback-server\`; a server that does not (no cloud-init) is found by polls every 15m until its install runs late, then as without callbacks (the OVH calls above assume every server calls back)`,
    `completion.callback (tried from this machine): reimage callback-server answers at ${callback}`,
  ]);
});

describe('reimage plan of a callback URL where no reimage callback-server answers', () => {
  it('warns that nothing answered, and still exits 0', async () => {
    const callback = `http://127.0.0.1:${await freePort()}/phone-home`;
    expect((await callbackLines('plan-nothing', callback))[2]).toBe(
      `completion.callback (tried from this machine): nothing answered at ${callback} (ECONNREFUSED): ${LOST}`,
    );
  });

  it('warns that something else answered, with its HTTP status', async () => {
    const callback = notFound.url('/phone-home');
    expect((await callbackLines('plan-other', callback))[2]).toBe(
      `completion.callback (tried from this machine): ${callback} answered, but not as reimage callback-server (HTTP 404): ${LOST}`,
    );
    expect(notFound.requests).toEqual([{ path: '/phone-home' }]);
  });

  it('gives up on a URL that accepts the connection but never answers, within its timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const callback = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/phone-home`;
    const startedAt = Date.now();
    try {
      expect(await callbackUrlLine(callback, 300)).toBe(
        `completion.callback (tried from this machine): nothing answered at ${callback} (no answer within 0.3 s): ${LOST}`,
      );
      expect(Date.now() - startedAt).toBeLessThan(CALLBACK_PROBE_TIMEOUT_MS);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
